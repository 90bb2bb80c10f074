"""The spatial store. Every other module goes through :func:`open_store`; nobody else writes SQL.

URLs: a file path or ``gpkg:PATH`` (GeoPackage, the embedded default). Later backends (e.g.
``postgresql://``) are separate modules with the same methods, chosen here from the URL.
"""
from __future__ import annotations

import os
from pathlib import Path

from .errors import LoadError, StoreError
from .gpkg import Range
from .schema import LAYERS

DEFAULT_DB = Path("instance") / "findpark.gpkg"


def default_url() -> str:
    return os.environ.get("FINDPARK_DB") or str(DEFAULT_DB)


def open_store(url: str | os.PathLike | None = None):
    """Open (not create) a store from a URL or path. Call ``.init()`` to create the schema."""
    url = str(url) if url is not None else default_url()
    if url.startswith(("postgresql://", "postgres://")):
        raise StoreError("PostGIS backend is not available yet: use a GeoPackage path or gpkg: URL")
    if "://" in url and not url.startswith("gpkg:"):
        raise StoreError(f"unsupported store URL {url!r}: use a .gpkg path or gpkg:PATH")
    path = url[len("gpkg:"):] if url.startswith("gpkg:") else url
    if path.startswith("//"):
        path = path[2:]
    from .gpkg import GeoPackageStore

    return GeoPackageStore(path)


__all__ = ["open_store", "default_url", "LoadError", "StoreError", "LAYERS", "Range"]
