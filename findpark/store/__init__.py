"""The spatial store. Every other module goes through :func:`open_store`; nobody else writes SQL.

The protocol every backend implements is :class:`findpark.store.base.Store`; errors are
:mod:`findpark.store.errors` (no driver exception leaves this package).

URLs: a file path or ``gpkg:PATH`` (GeoPackage, the embedded default, :mod:`findpark.store.gpkg`);
``postgresql://…`` or ``postgres://…`` (PostGIS, :mod:`findpark.store.postgis`, for several app servers on one
database). Each backend is its own subpackage with an ``open_url(url)`` function, chosen here from the URL's
scheme (``BACKENDS``).
"""
from __future__ import annotations

import importlib
import os
from pathlib import Path

from .base import Range, Store
from .errors import DuplicateKeyError, IntegrityError, LoadError, StoreError
from .schema import LAYERS

DEFAULT_DB = Path("instance") / "findpark.gpkg"

# URL scheme → backend module (relative to this package) offering ``open_url(url) -> Store``.
BACKENDS = {"gpkg": ".gpkg", "postgresql": ".postgis", "postgres": ".postgis"}


def default_url() -> str:
    return os.environ.get("FINDPARK_DB") or str(DEFAULT_DB)


def _scheme(url: str) -> str:
    if "://" in url:
        return url.split("://", 1)[0].lower()
    head, sep, _ = url.partition(":")
    if sep and head.lower() in BACKENDS:
        return head.lower()
    return "gpkg"  # a plain file path (a Windows drive letter too)


def open_store(url: str | os.PathLike | None = None) -> Store:
    """Open (not create) a store from a URL or path. Call ``.init()`` to create the schema."""
    url = str(url) if url is not None else default_url()
    scheme = _scheme(url)
    if scheme not in BACKENDS:
        raise StoreError(f"unsupported store URL {url!r}: use a .gpkg path, gpkg:PATH or postgresql://…")
    return importlib.import_module(BACKENDS[scheme], __name__).open_url(url)


__all__ = [
    "BACKENDS",
    "LAYERS",
    "DuplicateKeyError",
    "IntegrityError",
    "LoadError",
    "Range",
    "Store",
    "StoreError",
    "default_url",
    "open_store",
]
