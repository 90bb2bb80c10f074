"""City and county names for the offline basemap (``GET /basemap/labels.json``).

One label point per city and county polygon of ``data/boundaries.geojson`` (the pole of inaccessibility of
its largest part, so the name sits inside even a crescent-shaped county). static/js/basemap.js draws them on
every map that has no tile layer: city names from the province view, county names from zoom 9, both growing
with the zoom."""
from __future__ import annotations

import json
from functools import lru_cache

from flask import Blueprint, jsonify
from shapely.geometry import shape
from shapely.ops import polylabel

from ..paths import data_dir

bp = Blueprint("place_labels", __name__)


def _anchor(geom):
    part = max(getattr(geom, "geoms", [geom]), key=lambda g: g.area)
    return polylabel(part, tolerance=0.002)


@lru_cache(maxsize=1)
def place_labels() -> list[dict]:
    """[{"name", "level" (city|county), "lon", "lat"}], cities first."""
    doc = json.loads((data_dir() / "boundaries.geojson").read_text("utf-8"))
    out = []
    for f in doc["features"]:
        pr = f["properties"]
        if pr.get("level") not in ("city", "county"):
            continue
        pt = _anchor(shape(f["geometry"]))
        out.append({"name": pr["name"], "level": pr["level"], "lon": round(pt.x, 4), "lat": round(pt.y, 4)})
    out.sort(key=lambda x: (x["level"] != "city", x["name"]))
    return out


@bp.get("/basemap/labels.json")
def labels():
    resp = jsonify({"labels": place_labels()})
    resp.cache_control.public = True
    resp.cache_control.max_age = 3600
    return resp
