"""GeoPackage backend (``gpkg:PATH`` or a plain file path): see :mod:`.store`."""
from __future__ import annotations

from ..errors import StoreError
from .store import GeoPackageStore


def open_url(url: str) -> GeoPackageStore:
    """``gpkg:PATH``, ``gpkg://PATH`` or a plain path → a (not yet created) GeoPackage store."""
    path = url.removeprefix("gpkg:")
    path = path.removeprefix("//")
    if not path:
        raise StoreError(f"store URL {url!r} names no file")
    return GeoPackageStore(path)


__all__ = ["GeoPackageStore", "open_url"]
