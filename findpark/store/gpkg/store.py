"""The GeoPackage store: the embedded default backend (see :class:`findpark.store.base.Store`).

A GeoPackage is plain SQLite with a standard schema, so GDAL, QGIS and ArcGIS open the file directly.
Its parts: :mod:`.connection` (connections, transactions, snapshots, error translation), :mod:`.ddl` (schema),
:mod:`.layers` (feature layers), :mod:`.attributes` (meta, load log, quarterly indicators, inquiries),
:mod:`.rows` (any attribute table, generically: users, tokens, audit log, inquiry events).
"""
from __future__ import annotations

import sqlite3

from ..errors import StoreError
from ..schema import LAYERS
from .attributes import Attributes
from .. import featuretext
from .connection import Connections, driver_errors, translated
from .ddl import create_schema, write_header
from .layers import Layers, write_texts
from .rows import Rows
from ..snapshots import Snapshots


class GeoPackageStore(Connections, Layers, Attributes, Rows, Snapshots):
    """The embedded store. Construct with :func:`findpark.store.open_store`."""

    backend = "gpkg"

    @property
    def url(self) -> str:
        return f"gpkg:{self._path}"

    def __repr__(self):
        return f"<GeoPackageStore {self._path}>"

    def exists(self) -> bool:
        if not self._path.exists() or self._path.stat().st_size == 0:
            return False
        try:
            rows = self._reader().execute(
                "SELECT table_name FROM gpkg_contents WHERE data_type='features'").fetchall()
        except (sqlite3.DatabaseError, StoreError):  # not a database, or not a GeoPackage
            return False
        return set(LAYERS) <= {r[0] for r in rows}

    def init(self) -> None:
        """Create the GeoPackage schema (idempotent); a new store gets data_version 0 and a random uid."""
        with self.transaction() as conn:
            create_schema(conn)
            featuretext.fill(self, conn, write_texts, key="fid")  # rows written before the text tables existed
            uid = dict(conn.execute("SELECT key, value FROM meta WHERE key = 'uid'").fetchall())["uid"]
        held = self._snapshot_depth() > 0  # the checkpoint waits for readers: our own snapshot steps aside
        if held:
            self._end_snapshot()
        try:
            with translated(), self._write_lock:
                write_header(self._writer)
        finally:
            if held:
                self._begin_snapshot()
        self._uid = uid

    @driver_errors
    def backup(self, dest) -> None:
        """Online backup of the live database (never copy the file)."""
        target = sqlite3.connect(dest)
        try:
            with target:
                self._reader().backup(target)
        finally:
            target.close()
