"""The store protocol: what every backend (GeoPackage now, PostGIS later) offers its callers.

Callers hold a :class:`Store` from :func:`findpark.store.open_store` and use only what is stated here: no SQL,
no driver objects, no driver exceptions (a backend translates them into :mod:`findpark.store.errors`).

Records are plain dicts: a layer record has its fields (``findpark.store.schema.LAYERS``) plus a shapely
``geometry`` in EPSG:4326 (lon/lat); list fields come back as lists, bool fields as bools.

Consistency: every write is one transaction (all or nothing) and bumps ``data_version`` by one (except
inquiries, which are not geodata). ``snapshot()`` makes the reads of one request see one data version.
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from .errors import DuplicateKeyError, IntegrityError, LoadError, StoreError

BBox = tuple  # (minlon, minlat, maxlon, maxlat)


@dataclass(frozen=True)
class Range:
    """A ``where`` value meaning min ≤ field ≤ max (either end may be None)."""
    min: float | None = None
    max: float | None = None


@runtime_checkable
class Store(Protocol):
    """The methods callers use. ``where`` maps a field to a value (equality), a list/tuple/set (membership;
    empty matches nothing) or a :class:`Range`; an unknown field raises ``KeyError``; an unknown layer ``KeyError``."""

    backend: str
    """Short backend name ("gpkg", "postgis"), shown by the health endpoint."""

    # -- identity and lifecycle ----------------------------------------------------------------------------
    @property
    def url(self) -> str:
        """The store's identity, e.g. ``gpkg:/srv/findpark.gpkg``: ``open_store(store.url)`` opens the same store."""

    @property
    def uid(self) -> str:
        """A random id written at ``init()``: a store recreated at the same url gets a new one (caches key on it)."""

    def exists(self) -> bool:
        """Whether the schema (every layer) is there. Never creates anything."""

    def init(self) -> None:
        """Create the schema (layers, attribute tables, meta with data_version 0 and a new uid); idempotent."""

    def close(self) -> None:
        """Release every connection. The object may be used again (it reconnects)."""

    def snapshot(self) -> contextlib.AbstractContextManager[None]:
        """Within it, all reads of this thread see one committed state (one read transaction), whatever other
        writers commit meanwhile. Reentrant: only the outermost exit ends it. A write by this thread inside it
        commits and then moves the snapshot on, so the thread reads its own writes."""

    # -- feature layers --------------------------------------------------------------------------------------
    def write(self, batches: dict[str, list[dict]], *, replace: bool = False, log: dict | None = None) -> dict:
        """Upsert records by ``id`` into several layers in ONE transaction (all or nothing; a failure raises
        :class:`IntegrityError`/:class:`StoreError` and leaves the store as it was). ``replace`` empties each
        named layer first; ``log`` (``files``, ``messages``) appends a load_log entry. Returns layer → count."""

    def delete(self, layer: str, ids: Iterable[str]) -> int:
        """Delete records by id (one transaction); returns how many went."""

    def read(self, layer: str, *, bbox: BBox | None = None, where: dict | None = None, limit: int | None = None,
             offset: int = 0, exact: bool = True) -> list[dict]:
        """Records ordered by id. ``bbox`` is answered from the spatial index; ``exact`` then keeps only
        geometries that really intersect it (else every index candidate)."""

    def read_window(self, layer: str, bbox: BBox, *, where: dict | None = None, limit: int | None = None,
                    offset: int = 0, text: bool = False) -> tuple[list, int]:
        """``(page, total)``: the same as ``recs = read(layer, bbox=bbox, where=where)`` then
        ``(recs[offset:offset + limit], len(recs))``, without decoding every match. ``text``: the page as each
        feature's GeoJSON text (``geo.geojson.feature_texts`` of its record; ``store/featuretext.py``)."""

    def read_frame(self, layer: str, **kw: Any):
        """``read(layer, **kw)`` as a GeoDataFrame in EPSG:4326 (columns: the layer's fields, geometry)."""

    def columns(self, layer: str, fields: list[str], *, geometry: bool | str = True) -> dict:
        """Whole columns as lists ordered by id (and decoded geometries under "geometry"): the bulk path.
        ``geometry="centroid"``: no geometry objects, but "centroid": (lon, lat) arrays of each geometry's
        centroid, GEOS's to the last bit (NaN when missing or empty; ``findpark.geo.wkb``).
        Equal list values may be shared objects: don't mutate them."""

    def count(self, layer: str, *, bbox: BBox | None = None, where: dict | None = None) -> int:
        """How many records match (``bbox`` by the index boxes, as ``read(exact=False)``)."""

    def get(self, layer: str, id: str) -> dict | None:
        """One record by id, or None."""

    def ids(self, layer: str) -> set[str]:
        """Every id of a layer."""

    def extent(self, layer: str) -> list[float] | None:
        """``[minlon, minlat, maxlon, maxlat]`` of a layer, None when empty."""

    def tile(self, layer: str, z: int, x: int, y: int, fields: list[str], *, extent: int = 4096,
             buffer: int = 64) -> bytes:
        """The features of ``layer`` in XYZ tile z/x/y (Web Mercator) as one Mapbox Vector Tile layer named
        ``layer`` with ``fields`` as attributes (geometry in tile coordinates 0..extent, clipped to the tile plus
        ``buffer``); empty bytes when the tile holds nothing."""

    # -- metadata ------------------------------------------------------------------------------------------------
    @property
    def data_version(self) -> int:
        """Goes up by exactly one with every committed write of geodata or indicators; never on reads.
        Asked on every request: one indexed lookup."""

    def changes_since(self, version: int) -> dict[str, set[str] | None] | None:
        """What the writes after ``version`` (up to the current one, in this thread's snapshot) touched:
        ``{layer or table: ids upserted or deleted, or None when all of it may have changed}``; None when the
        change log cannot tell (``store/changes.py``). Lets derived data be patched instead of rebuilt."""

    def meta(self) -> dict[str, str]:
        """The meta table: data_version, created, updated, uid …"""

    def load_log(self) -> list[dict]:
        """Load log entries, oldest first: ``{id, at, files, counts, messages}`` (JSON texts)."""

    # -- quarterly park indicators -------------------------------------------------------------------------------
    def write_quarterly(self, rows: list[dict], *, replace: bool = False) -> int:
        """Upsert indicator rows by (park_id, quarter), all or nothing; ``replace`` empties the table first.
        Bumps data_version. Returns the number of rows."""

    def read_quarterly(self, *, quarter: str | None = None, park_id: str | None = None) -> list[dict]:
        """Indicator rows (``schema.PARK_QUARTERLY`` columns, ``synthetic`` a list) ordered by quarter, park."""

    def quarters(self) -> list[str]:
        """Distinct quarters with indicators, ascending."""

    # -- inquiries (not geodata: data_version does not change) ------------------------------------------------
    def add_inquiry(self, rec: dict) -> dict:
        """Insert one inquiry (``schema.INQUIRIES`` columns) and return it as stored. An existing id raises
        :class:`DuplicateKeyError`."""

    def get_inquiry(self, id: str) -> dict | None:
        """One inquiry (``confidential`` a bool), or None."""

    def list_inquiries(self, *, confidential: bool | None = None, park_id: str | None = None,
                       limit: int = 100, offset: int = 0) -> tuple[list[dict], int]:
        """(page of inquiries newest first, total matching). ``confidential``: None = all, else only that kind."""

    # -- attribute tables, generically (users, tokens, audit log, inquiry events …) ----------------------------
    # ``table`` is a name in ``schema.TABLES``; ``where`` as for layers (equality, membership, Range; None
    # matches NULL); ``bool`` columns come back as bools and ``list`` columns as lists.
    def atomic(self) -> contextlib.AbstractContextManager[None]:
        """Every write of this thread inside it (rows, inquiries, layers) commits together or not at all."""

    def insert_row(self, table: str, row: dict) -> dict:
        """Insert one row and return it as stored; an existing key raises :class:`DuplicateKeyError`."""

    def update_rows(self, table: str, where: dict, changes: dict) -> int:
        """Set ``changes`` on the rows matching ``where``; the number changed."""

    def delete_rows(self, table: str, where: dict) -> int:
        """Delete the rows matching ``where`` (an empty ``where`` is refused with ValueError); the number gone."""

    def select_rows(self, table: str, *, where: dict | None = None, order_by: Sequence[str] = (),
                    limit: int | None = None, offset: int = 0) -> list[dict]:
        """Rows matching ``where``, ordered by ``order_by`` (column names, ``-name`` for descending; the key
        last, so the order is total)."""

    def count_rows(self, table: str, *, where: dict | None = None) -> int:
        """How many rows match ``where``."""

    # -- maintenance ---------------------------------------------------------------------------------------------
    def backup(self, dest) -> None:
        """A consistent online copy of the whole store at ``dest`` (a path for file backends)."""

    def snapshot_to(self, dest) -> None:
        """A version snapshot: a GeoPackage file at ``dest`` with the layers (and the non-personal tables) as they
        are now; written whole or not at all (``store/snapshots.py``; GeoPackage: the online backup API)."""

    def restore_from(self, src) -> dict:
        """Replace every layer with the snapshot's at ``src`` (integrity-checked first), in one transaction (the
        caller's ``atomic()`` when inside one). Returns layer → records restored."""


class FrameMixin:
    """``read_frame`` for every backend, from its ``read``."""

    def read_frame(self, layer: str, **kw: Any):
        """The records of ``read(layer, **kw)`` as a GeoDataFrame in EPSG:4326."""
        import geopandas as gpd

        from .schema import LAYERS

        recs = self.read(layer, **kw)
        cols = LAYERS[layer].names
        if not recs:
            return gpd.GeoDataFrame({c: [] for c in cols}, geometry=[], crs="EPSG:4326")
        return gpd.GeoDataFrame(recs, geometry="geometry", crs="EPSG:4326")[[*cols, "geometry"]]


class SnapshotMixin:
    """A reentrant per-thread snapshot built on two backend hooks, ``_begin_snapshot()`` and ``_end_snapshot()``;
    the thread's depth lives in ``self._local`` (a ``threading.local`` every backend keeps). Also ``atomic()``
    over the backend's ``transaction()``."""

    def _snapshot_depth(self) -> int:
        return getattr(self._local, "depth", 0)

    def _set_snapshot_depth(self, depth: int) -> None:
        self._local.depth = depth

    def _move_snapshot_on(self) -> None:
        """After this thread committed a write inside its snapshot: read from the new state (own writes)."""
        if self._snapshot_depth():
            self._end_snapshot()
            self._begin_snapshot()

    @contextlib.contextmanager
    def atomic(self):
        """Writes of this thread inside it commit together (see :meth:`Store.atomic`)."""
        with self.transaction():
            yield

    @contextlib.contextmanager
    def snapshot(self):
        depth = self._snapshot_depth()
        if depth == 0:
            self._begin_snapshot()
        self._set_snapshot_depth(depth + 1)
        try:
            yield
        finally:
            self._set_snapshot_depth(depth)
            if depth == 0:
                self._end_snapshot()


__all__ = [
    "BBox",
    "DuplicateKeyError",
    "FrameMixin",
    "IntegrityError",
    "LoadError",
    "Range",
    "SnapshotMixin",
    "Store",
    "StoreError",
]
