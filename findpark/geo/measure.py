"""Geodesic measures on the WGS84 ellipsoid. Nothing here measures in degrees."""
from __future__ import annotations

import numpy as np
import shapely
from pyproj import CRS, Geod, Transformer

GEOD = Geod(ellps="WGS84")
M2_PER_MU = 10000.0 / 15.0  # 1 mu = 666.67 m²


def area_m2(geom) -> float:
    """Geodesic area of a (multi)polygon in lon/lat degrees, in m² (always positive).

    pyproj's ``geometry_area_perimeter`` summed ring by ring (the exterior, then each hole, signed by its
    orientation; the parts of a multipolygon in order), the same additions in the same order, without its
    per-ring ``.xy`` round trips (a third of a 10^6-plot load's validation)."""
    kind = geom.geom_type
    if kind == "Polygon":
        return abs(_polygon_area(geom))
    if kind == "MultiPolygon":
        total = 0.0
        for part in geom.geoms:
            total += _polygon_area(part)
        return abs(total)
    area, _ = GEOD.geometry_area_perimeter(geom)
    return abs(area)


def _xy_area(xy) -> float:
    """Signed geodesic area of one ring's (n, 2) coordinates: pyproj's ``polygon_area_perimeter`` on one
    contiguous copy of both columns (its public form copies each column again, per ring)."""
    if not len(xy):
        return 0.0
    lon, lat = xy.T.copy()
    return _AREA(lon, lat, radians=False)[0]


_AREA = getattr(GEOD, "_polygon_area_perimeter", None) or (lambda x, y, radians: GEOD.polygon_area_perimeter(x, y))


def _polygon_area(poly) -> float:
    if poly.is_empty:
        return 0.0
    if not shapely.get_num_interior_rings(poly):
        return _xy_area(shapely.get_coordinates(poly))  # the exterior is all of it
    total = _xy_area(shapely.get_coordinates(poly.exterior))
    for hole in poly.interiors:
        total += _xy_area(shapely.get_coordinates(hole))
    return total


def area_mu(geom) -> float:
    return area_m2(geom) / M2_PER_MU


def distance_m(lon1, lat1, lon2, lat2):
    """Geodesic distance(s) in metres between lon/lat points (scalars or arrays)."""
    _, _, d = GEOD.inv(lon1, lat1, lon2, lat2)
    return d


def local_crs(lon: float, lat: float) -> CRS:
    """A transverse Mercator CRS centred on (lon, lat): metres, negligible distortion over a park."""
    return CRS.from_proj4(f"+proj=tmerc +lon_0={lon:.6f} +lat_0={lat:.6f} +k=1 +x_0=0 +y_0=0 "
                          "+ellps=WGS84 +units=m +no_defs")


class LocalProjection:
    """Forward/inverse between WGS84 lon/lat and a local metric plane around a point."""

    def __init__(self, lon: float, lat: float):
        crs = local_crs(lon, lat)
        self._fwd = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
        self._inv = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)

    def to_metres(self, geom):
        return shapely.transform(geom, lambda c: np.column_stack(self._fwd.transform(c[:, 0], c[:, 1])))

    def to_lonlat(self, geom):
        return shapely.transform(geom, lambda c: np.column_stack(self._inv.transform(c[:, 0], c[:, 1])))
