"""RFC 7946 output and the one (lon, lat) → (lat, lon) helper for Leaflet/folium.

GeoJSON and shapely are (lon, lat); Leaflet and folium are (lat, lon). Convert only here.
"""
from __future__ import annotations

import json

import shapely
from shapely.geometry import mapping

DECIMALS = 7


def rfc7946_geometry(geom, decimals: int = DECIMALS) -> dict | None:
    """GeoJSON geometry dict: exterior rings counter-clockwise, holes clockwise, ≤ ``decimals`` places."""
    if geom is None or geom.is_empty:
        return None
    geom = shapely.orient_polygons(geom, exterior_cw=False)
    geom = shapely.set_precision(geom, 10 ** -decimals, mode="pointwise")
    out = mapping(geom)
    return json.loads(json.dumps(out, allow_nan=False))


def feature(geom, properties: dict, fid=None) -> dict:
    f = {"type": "Feature", "geometry": rfc7946_geometry(geom), "properties": properties}
    if fid is not None:
        f["id"] = fid
    return f


def feature_collection(features: list[dict], **foreign_members) -> dict:
    fc = {"type": "FeatureCollection"}
    fc.update(foreign_members)
    fc["features"] = features
    return fc


def latlon(lon: float, lat: float) -> list[float]:
    """The single place where (lon, lat) becomes Leaflet's (lat, lon)."""
    return [lat, lon]


def latlon_bounds(bounds) -> list[list[float]]:
    """shapely bounds (minx, miny, maxx, maxy) → Leaflet [[south, west], [north, east]]."""
    minx, miny, maxx, maxy = bounds
    return [latlon(minx, miny), latlon(maxx, maxy)]
