"""PostGIS backend (``postgresql://…`` or ``postgres://…``): see :mod:`.store`."""
from __future__ import annotations

from .store import PostGISStore


def open_url(url: str) -> PostGISStore:
    """A (not yet created) PostGIS store; nothing connects until it is used."""
    return PostGISStore(url)


__all__ = ["PostGISStore", "open_url"]
