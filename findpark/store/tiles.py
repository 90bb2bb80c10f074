"""Mapbox Vector Tiles for backends without a database encoder (the GeoPackage): the layer's window from the
spatial index, projected to Web Mercator tile coordinates, clipped to the tile plus a buffer and encoded with
``mapbox-vector-tile``. PostGIS answers the same request with ``ST_AsMVT`` (:mod:`findpark.store.postgis.tiles`).
"""
from __future__ import annotations

import math

import numpy as np
import shapely

R = 6378137.0
ORIGIN = math.pi * R


def tile_bounds_lonlat(z: int, x: int, y: int, margin: float = 0.0) -> tuple[float, float, float, float]:
    """(minlon, minlat, maxlon, maxlat) of XYZ tile z/x/y, widened by ``margin`` tile widths on each side."""
    n = 2 ** z
    lon = lambda tx: tx / n * 360.0 - 180.0  # noqa: E731
    lat = lambda ty: math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * ty / n))))  # noqa: E731
    return (lon(x - margin), max(lat(y + 1 + margin), -85.05112878), lon(x + 1 + margin), min(lat(y - margin), 85.05112878))


def check_tile(z: int, x: int, y: int) -> None:
    """ValueError naming the coordinate when z/x/y is not a tile."""
    if not 0 <= z <= 24:
        raise ValueError(f"z={z}: zoom must be 0-24")
    for name, v in (("x", x), ("y", y)):
        if not 0 <= v < 2 ** z:
            raise ValueError(f"{name}={v}: must be 0-{2 ** z - 1} at zoom {z}")


def encode_tile(layer: str, records: list[dict], z: int, x: int, y: int, fields: list[str], *,
                extent: int = 4096, buffer: int = 64) -> bytes:
    """The records (with shapely lon/lat geometries) as one MVT layer of tile z/x/y."""
    import mapbox_vector_tile

    if not records:
        return b""
    n = 2 ** z
    size = 2 * ORIGIN / n  # metres per tile
    x0, y0 = -ORIGIN + x * size, ORIGIN - y * size  # the tile's top-left corner in Web Mercator

    def to_tile(coords):
        lon, lat = coords[:, 0], np.clip(coords[:, 1], -85.05112878, 85.05112878)
        mx = np.radians(lon) * R
        my = np.log(np.tan(np.pi / 4 + np.radians(lat) / 2)) * R
        return np.column_stack([(mx - x0) / size * extent, (y0 - my) / size * extent])

    geoms = shapely.transform(np.array([r["geometry"] for r in records], dtype=object), to_tile)
    geoms = shapely.clip_by_rect(geoms, -buffer, -buffer, extent + buffer, extent + buffer)
    features = []
    for rec, geom in zip(records, geoms):
        if geom is None or geom.is_empty:
            continue
        features.append({"geometry": geom, "id": None,
                         "properties": {f: rec[f] for f in fields if rec.get(f) is not None}})
    if not features:
        return b""
    return mapbox_vector_tile.encode([{"name": layer, "features": features}],
                                     default_options={"extents": extent, "y_coord_down": True,
                                                      "on_invalid_geometry": mapbox_vector_tile.encoder.on_invalid_geometry_make_valid})
