"""The PostGIS store (``postgresql://…``): the same protocol as the GeoPackage (:class:`findpark.store.base.Store`)
for deployments where several app servers share one database.

Its parts: :mod:`.connection` (URL, pool, snapshots, the write path, error translation), :mod:`.ddl` (schema
from ``store/schema.py``), :mod:`.layers` (feature layers), :mod:`.attributes` (meta, load log, quarterly
indicators, inquiries), :mod:`.rows` (any attribute table), :mod:`.tiles` (Mapbox Vector Tiles by ``ST_AsMVT``).
"""
from __future__ import annotations

from .attributes import Attributes
from .. import featuretext
from .connection import Connections, driver_errors, redact
from .ddl import create_schema, exists
from .layers import Layers, write_texts
from .rows import Rows
from .tiles import Tiles
from ..snapshots import Snapshots


class PostGISStore(Connections, Layers, Attributes, Rows, Tiles, Snapshots):
    """Construct with :func:`findpark.store.open_store`."""

    backend = "postgis"

    @property
    def url(self) -> str:
        return self._url

    def __repr__(self):
        return f"<PostGISStore {redact(self._url)}>"

    @driver_errors
    def exists(self) -> bool:
        with self._conn() as conn:
            return exists(conn, self.schema)

    @driver_errors
    def init(self) -> None:
        """Create the schema (idempotent): the postgis extension when missing (needs the right to create it),
        every layer and attribute table, meta with data_version 0 and a new uid."""
        with self.transaction() as conn:
            conn.execute("SELECT pg_advisory_xact_lock(hashtext('findpark.init.' || %s))", (self.schema,))
            create_schema(conn, self.schema)
            featuretext.fill(self, conn, write_texts)  # rows written before the text tables existed
            self._uid = conn.execute("SELECT value FROM meta WHERE key = 'uid'").fetchone()[0]

    def backup(self, dest) -> None:
        """A consistent copy of the whole store into another store: ``dest`` is a store URL or a GeoPackage
        path (``findpark db copy`` does the same). For the database itself use ``pg_dump`` (README)."""
        from ..copy import copy_store
        from .. import open_store

        target = open_store(str(dest))
        try:
            copy_store(self, target)
        finally:
            target.close()
