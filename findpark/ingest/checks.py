"""Warnings for the import preview (they do not refuse a load; the reviewer decides):

- ``gcj02_signature``: read as declared, most plots fall outside their park's boundary, and read as GCJ-02
  (高德/腾讯) they fall inside: the file is very likely GCJ-02 without a tag (the offset is ~500 m in Zhejiang).
- ``outside_park``: plots outside their park's boundary (more than 50 m).
- ``outside_county``: parks whose representative point, or plots whose centroid, is not in the county of the
  park's ``adcode`` (the bundled county polygons).

``preview(...)`` gives the map: the staged features (simplified, at most ``MAX_PREVIEW``), their parks'
boundaries and the county outlines around them, as GeoJSON.
"""
from __future__ import annotations

import functools
import json

import numpy as np
import shapely

from ..geo.datum import geometry_to_wgs84
from ..paths import data_dir

MAX_PREVIEW = 3000
MAX_IDS = 50


@functools.lru_cache(maxsize=2)
def _counties(path: str) -> dict:
    with open(path, encoding="utf-8") as fh:
        doc = json.load(fh)
    out = {}
    for f in doc["features"]:
        p = f["properties"]
        if p.get("level") == "county":  # buffered ~500 m once: a feature on the line is still "inside"
            poly = shapely.geometry.shape(f["geometry"])
            shapely.prepare(poly)
            buffered = poly.buffer(0.005)
            shapely.prepare(buffered)
            out[p["adcode"]] = (p.get("name"), poly, buffered)
    return out


def counties() -> dict:
    """adcode → (name, polygon, polygon buffered by ~500 m) of the bundled county boundaries (empty when the file is missing)."""
    path = data_dir() / "boundaries.geojson"
    return _counties(str(path)) if path.exists() else {}


def _metres(deg: float, lat: float) -> float:
    return deg * 111_320.0 * max(np.cos(np.radians(lat)), 0.5)


def _parks(store, batches) -> dict:
    parks = {r["id"]: r for r in store.read("parks")}
    parks.update({r["id"]: r for r in batches.get("parks", [])})
    return parks


def _inside(geom, park) -> float:
    """The share of a plot's area inside its park (its centroid's side for degenerate plots)."""
    a = geom.area
    if a <= 0:
        return 1.0 if park.intersects(geom.centroid) else 0.0
    return geom.intersection(park).area / a


def warnings(store, batches: dict, datum_used: str | None) -> list[dict]:
    out: list[dict] = []
    parks = _parks(store, batches)
    plots = [r for r in batches.get("plots", []) if r.get("geometry") is not None and r["park_id"] in parks
             and parks[r["park_id"]].get("geometry") is not None]
    outside, shifts, as_declared, as_gcj = [], [], 0.0, 0.0
    for r in plots:
        park, geom = parks[r["park_id"]]["geometry"], r["geometry"]
        share = _inside(geom, park)
        as_declared += share
        if share < 0.5:
            outside.append(r["id"])
        if datum_used in (None, "wgs84"):
            moved = geometry_to_wgs84(geom, "gcj02")
            as_gcj += _inside(moved, park)
            c = geom.centroid
            shifts.append(_metres(moved.centroid.distance(c), c.y))
    n = len(plots)
    if n and datum_used in (None, "wgs84") and as_gcj / n >= 0.9 and as_declared / n <= as_gcj / n - 0.1:
        off = round(float(np.median(shifts)))
        out.append({"code": "gcj02_signature", "n": len(outside), "total": n, "offset_m": off,
                    "share_wgs84": round(as_declared / n, 3), "share_gcj02": round(as_gcj / n, 3),
                    "ids": outside[:MAX_IDS],
                    "message": f"read as WGS84, {as_declared / n:.0%} of the plots' area lies inside their parks; read "
                               f"as GCJ-02 (AMap/Tencent, ~{off} m away), {as_gcj / n:.0%}: the file is very likely "
                               "GCJ-02. Choose GCJ-02 and check again."})
    elif outside:
        out.append({"code": "outside_park", "n": len(outside), "total": n, "ids": outside[:MAX_IDS],
                    "message": f"{len(outside)} of {n} plots lie mostly outside their park's boundary"})
    county = counties()
    if county:
        bad = []
        for r in batches.get("parks", []):
            poly = county.get(r.get("adcode"), (None, None, None))[2]
            if poly is not None and r.get("geometry") is not None and \
                    not poly.contains(r["geometry"].representative_point()):
                bad.append(r["id"])
        for r in plots:
            poly = county.get(parks[r["park_id"]].get("adcode"), (None, None, None))[2]
            if poly is not None and not poly.contains(r["geometry"].centroid):
                bad.append(r["id"])
        if bad:
            out.append({"code": "outside_county", "n": len(bad), "ids": bad[:MAX_IDS],
                        "message": f"{len(bad)} features lie outside the county of their adcode"})
    return out


def _feature(geom, props, tolerance=0.00002):
    if geom is None:
        return None
    g = shapely.simplify(geom, tolerance, preserve_topology=True)
    return {"type": "Feature", "geometry": shapely.geometry.mapping(shapely.set_precision(g, 1e-6)),
            "properties": props}


def preview(store, batches: dict, diff: dict | None = None) -> dict:
    """GeoJSON for the preview map: ``features`` (staged, with ``layer``, ``id``, ``change``), ``parks`` (their
    boundaries as stored), ``counties`` (outlines meeting the staged extent)."""
    change = {}
    for name, d in (diff or {}).items():
        change.update({(name, i): "added" for i in d.get("added", [])})
        change.update({(name, c["id"]): "changed" for c in d.get("changed", [])})
    feats, geoms = [], []
    for name, recs in batches.items():
        for r in recs:
            if r.get("geometry") is None:
                continue
            geoms.append(r["geometry"])
            if len(feats) < MAX_PREVIEW:
                feats.append(_feature(r["geometry"], {"layer": name, "id": r["id"], "name": r.get("name"),
                                                       "park_id": r.get("park_id"),
                                                       "change": change.get((name, r["id"]), "unchanged")}))
    park_ids = sorted({r["park_id"] for r in batches.get("plots", [])})
    parks = [_feature(p["geometry"], {"id": p["id"], "name": p["name"]}, 0.0002)
             for p in (store.read("parks", where={"id": park_ids}) if park_ids else [])]
    outlines = []
    if geoms:
        box = shapely.box(*shapely.total_bounds(geoms)).buffer(0.05)
        outlines = [_feature(poly.boundary, {"adcode": code, "name": name}, 0.0005)
                    for code, (name, poly, _) in counties().items() if poly.intersects(box)]
    return {"features": {"type": "FeatureCollection", "features": feats},
            "parks": {"type": "FeatureCollection", "features": parks},
            "counties": {"type": "FeatureCollection", "features": outlines},
            "shown": len(feats), "total": len(geoms)}
