"""RFC 7946 output and the one (lon, lat) → (lat, lon) helper for Leaflet/folium.

GeoJSON and shapely are (lon, lat); Leaflet and folium are (lat, lon). Convert only here.
"""
from __future__ import annotations

import json

import numpy as np
import orjson
import shapely
from shapely.geometry import mapping

from ..numbers import COORD_DECIMALS, Rounded, _round, json_ready_flat

DECIMALS = 7
_POINT, _POLYGON, _MULTIPOLYGON = 0, 3, 6


def rfc7946_geometry(geom, decimals: int = DECIMALS) -> dict | None:
    """GeoJSON geometry dict: exterior rings counter-clockwise, holes clockwise, ≤ ``decimals`` places."""
    if geom is None or geom.is_empty:
        return None
    geom = shapely.orient_polygons(geom, exterior_cw=False)
    geom = shapely.set_precision(geom, 10 ** -decimals, mode="pointwise")
    out = mapping(geom)
    return json.loads(json.dumps(out, allow_nan=False))


def rfc7946_geometries(geoms, decimals: int = DECIMALS, arrays: bool = False) -> list[dict | None]:
    """``rfc7946_geometry`` of many geometries at once, with the coordinates already rounded as the API's
    ``json_ready`` rounds them (and marked :class:`Rounded` so it does not walk them again): orientation,
    precision and coordinate extraction are single vectorised calls; Python only nests the lists. Points,
    Polygons and MultiPolygons take this path, anything else the one-by-one one.

    ``arrays``: each position list (a ring, a point) is a float64 numpy array instead, for an encoder that
    writes arrays itself (orjson); the same numbers, without a Python float per coordinate. ``set_precision``
    has put them on the 10^-decimals grid, where rounding to ``decimals`` places changes nothing."""
    arr = np.empty(len(geoms), dtype=object)
    arr[:] = list(geoms)
    out: list = [None] * len(arr)
    ok = np.flatnonzero(~(shapely.is_missing(arr) | shapely.is_empty(arr)))
    if not len(ok):
        return out
    g = shapely.set_precision(shapely.orient_polygons(arr[ok], exterior_cw=False), 10 ** -decimals, mode="pointwise")
    types = shapely.get_type_id(g)
    nd = min(decimals, COORD_DECIMALS)
    raw = arrays and nd == decimals  # positions as numpy rows: set_precision has rounded them already

    def values(xy):
        if raw:
            return list(xy + 0.0)  # rows of one C-ordered array; + 0.0: no -0.0, as _round
        flat = [_round(v, nd) for v in xy.ravel().tolist()]
        it = iter(flat)
        return [Rounded(p) for p in zip(it, it)]

    for j in np.flatnonzero((types != _POINT) & (types != _POLYGON) & (types != _MULTIPOLYGON)):
        out[ok[j]] = rfc7946_geometry(g[j], decimals)
    pts = np.flatnonzero(types == _POINT)
    for j, p in zip(pts, values(shapely.get_coordinates(g[pts]))):
        out[ok[j]] = {"type": "Point", "coordinates": p}
    polys = np.flatnonzero((types == _POLYGON) | (types == _MULTIPOLYGON))
    if raw and len(polys):  # polygons of one ring (most plots): no parts or rings to walk
        simple = (types[polys] == _POLYGON) & (shapely.get_num_interior_rings(g[polys]) == 0)
        one = polys[simple]
        xy, which = shapely.get_coordinates(g[one], return_index=True)
        flat = xy + 0.0
        ends = np.cumsum(np.bincount(which, minlength=len(one))).tolist()
        for j, a, b in zip(one.tolist(), [0, *ends[:-1]], ends):
            out[ok[j]] = {"type": "Polygon", "coordinates": [flat[a:b]]}
        polys = polys[~simple]
    if len(polys):
        parts, part_geom = shapely.get_parts(g[polys], return_index=True)
        rings, ring_part = shapely.get_rings(parts, return_index=True)
        xy, coord_ring = shapely.get_coordinates(rings, return_index=True)
        ends = np.cumsum(np.bincount(coord_ring, minlength=len(rings))).tolist()
        pairs = xy + 0.0 if raw else values(xy)  # numpy rows, or rounded [x, y] lists
        ring_lists = [pairs[a:b] if raw else Rounded(pairs[a:b]) for a, b in zip([0, *ends[:-1]], ends)]
        part_rings: list = [Rounded() for _ in range(len(parts))]
        for r, p in zip(ring_lists, ring_part.tolist()):
            part_rings[p].append(r)
        geom_parts: list = [Rounded() for _ in range(len(polys))]
        for rs, k in zip(part_rings, part_geom.tolist()):
            geom_parts[k].append(rs)
        for k, j in enumerate(polys):
            if types[j] == _POLYGON:
                out[ok[j]] = {"type": "Polygon", "coordinates": geom_parts[k][0]}
            else:
                out[ok[j]] = {"type": "MultiPolygon", "coordinates": geom_parts[k]}
    return out


def feature_texts(recs: list[dict], props: list[dict] | None = None) -> list[str]:
    """Each record (``{"geometry": shapely, field: value}``) as the compact JSON text of its RFC 7946 Feature,
    as the API writes it: ``{"type", "geometry", "properties" (every item but the geometry, floats rounded by
    ``json_ready``'s rules), "id"}``. Positions go to orjson as numpy arrays (no Python float each); orjson
    writes a float as ``repr`` does. ``"[" + ",".join(texts) + "]"`` is the page's features array. ``props``:
    each record's properties already made ready for the API (then ``recs`` need only geometry and id)."""
    dumps, opt = orjson.dumps, orjson.OPT_SERIALIZE_NUMPY
    if props is None:
        props = [json_ready_flat(rec, "properties", skip="geometry") for rec in recs]
    return [dumps({"type": "Feature", "geometry": geom, "properties": p, "id": rec["id"]}, option=opt).decode()
            for rec, p, geom in zip(recs, props, rfc7946_geometries([r.get("geometry") for r in recs], arrays=True))]


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
