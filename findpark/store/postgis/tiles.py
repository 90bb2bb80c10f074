"""Mapbox Vector Tiles of a layer by PostGIS's own ``ST_AsMVT`` (the GeoPackage builds the same with the
mapbox-vector-tile encoder: :mod:`findpark.store.tiles`)."""
from __future__ import annotations

from ..schema import LAYERS
from .connection import driver_errors
from .ddl import GEOM_COL, q


class Tiles:
    @driver_errors
    def tile(self, layer: str, z: int, x: int, y: int, fields: list[str], *, extent: int = 4096,
             buffer: int = 64) -> bytes:
        """The features of ``layer`` in tile z/x/y (Web Mercator XYZ) with ``fields`` as attributes."""
        lay = LAYERS[layer]
        lay.require(fields)
        attrs = "".join(f", {q(f)}" for f in fields)
        sql = (f"WITH b AS (SELECT ST_TileEnvelope(%s, %s, %s) AS merc, "
               f"ST_Transform(ST_TileEnvelope(%s, %s, %s, margin => %s), 4326) AS ll), "
               f"m AS (SELECT ST_AsMVTGeom(ST_Transform({q(GEOM_COL)}, 3857), b.merc, %s, %s, true) AS geom{attrs} "
               f"FROM {q(lay.name)}, b WHERE {q(GEOM_COL)} && b.ll ORDER BY id) "
               f"SELECT ST_AsMVT(m, %s, %s, 'geom') FROM m")
        margin = buffer / extent
        row = self._one(sql, (z, x, y, z, x, y, margin, extent, buffer, layer, extent))
        return bytes(row[0]) if row and row[0] is not None else b""
