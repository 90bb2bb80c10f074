"""Provenance for people, and the data slips we can see.

``short(record)``: the one line a page or an export shows under a park (「来源: 中国开发区审核公告目录 (2018);
位置为近似」); the full technical ``source`` stays behind a 「数据来源」 toggle on the pages, in the exports'
sources sheet and in the API.

``location_flags(store)``: each park's point (a point inside its drawn boundary) checked against the county
of its catalogue adcode (the county polygon of ``data/boundaries.geojson``). A park whose point lies outside
that county gets ``{"code": "outside_county", "county", "found_in", "distance_km"}``: the geocode and the
catalogue disagree, so the location should be checked. Parks whose point the data build had to take from a
fallback (the catalogue geocode was wrong) or a coarse geocode (a county or city centre) get ``geocode_fallback``
or ``geocode_coarse`` (read from their ``source``). Labels: ``vocab`` table ``location_flag``. Computed on load (cached per data_version), not
stored."""
from __future__ import annotations

import json
import re
from functools import lru_cache

import shapely
import shapely.ops
from shapely.geometry import shape

from ..geo.measure import distance_m
from ..paths import data_dir
from ..store.cache import cached
from . import parkinfo

CATALOGUE = "中国开发区审核公告目录"


def short(rec: dict) -> dict:
    """{"source": a short name of the source, "approximate": location/boundary approximate, "synthetic": some
    values synthetic}: the page writes 「来源: {source}; 位置为近似」 from it (translated there)."""
    src = rec.get("source") or ""
    year = re.search(r"(\d{4})年版", src)
    if src.startswith(CATALOGUE):
        name = f"{CATALOGUE} ({year.group(1)})" if year else CATALOGUE
    else:
        name = re.split(r"[;(（,]", src, maxsplit=1)[0].strip() or "—"
    approximate = bool(rec.get("boundary_approximate")) or "approximate" in src or "fallback" in src
    return {"source": name, "approximate": approximate, "synthetic": bool(rec.get("synthetic")),
            "as_of": rec.get("as_of")}


def short_text(rec: dict) -> str:
    """The Chinese line for the exports: 「来源: 中国开发区审核公告目录 (2018); 位置为近似; ※ 部分数值为模拟」."""
    s = short(rec)
    parts = [f"来源: {s['source']}"] + (["位置为近似"] if s["approximate"] else []) + (
        ["※ 部分数值为模拟"] if s["synthetic"] else [])
    return "; ".join(parts)


@lru_cache(maxsize=1)
def _counties() -> dict[str, tuple[str, object]]:
    doc = json.loads((data_dir() / "boundaries.geojson").read_text("utf-8"))
    out = {}
    for f in doc["features"]:
        pr = f["properties"]
        if pr.get("level") == "county":
            geom = shape(f["geometry"])
            shapely.prepare(geom)
            out[pr["adcode"]] = (f"{pr.get('city') or ''}{pr['name']}", geom)
    return out


def _noted(park: dict) -> dict | None:
    """What the data build recorded about a weak geocode (``source``): a fallback or a coarse point."""
    src = park.get("source") or ""
    if "fallback point" in src:
        return {"code": "geocode_fallback"}
    if "coarse:" in src or "moved to a point inside the county" in src:
        return {"code": "geocode_coarse"}
    return None


def _flag(park: dict) -> dict | None:
    geom, adcode = park.get("geometry"), park.get("adcode")
    counties = _counties()
    if geom is None or geom.is_empty or not adcode or adcode not in counties:
        return _noted(park)
    pt = shapely.point_on_surface(geom)
    name, county = counties[adcode]
    if county.contains(pt):
        return _noted(park)
    found = next((n for code, (n, g) in counties.items() if g.contains(pt)), None)
    near = shapely.ops.nearest_points(county, pt)[0]
    km = distance_m(pt.x, pt.y, near.x, near.y) / 1000.0
    return {"code": "outside_county", "county": name, "found_in": found, "distance_km": round(float(km), 1)}


def location_flags(store) -> dict[str, dict]:
    """park_id → its location flag, for the parks whose point lies outside their catalogue county."""
    def build():
        out = {}
        for p in parkinfo.parks(store):
            flag = _flag(p)
            if flag:
                out[p["id"]] = flag
        return out
    return cached(store, "provenance.location_flags", build)


def location_flag(store, park_id: str) -> dict | None:
    return location_flags(store).get(park_id)
