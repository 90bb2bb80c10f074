"""Records → JSON and RFC 7946 GeoJSON for the API."""
from __future__ import annotations

import shapely

from ..geo.geojson import feature, feature_collection, feature_texts, rfc7946_geometries


def _centroid(geom) -> list[float] | None:
    if geom is None or geom.is_empty:
        return None
    p = geom if geom.geom_type == "Point" else shapely.point_on_surface(geom)
    return [round(p.x, 7), round(p.y, 7)]


def _bbox(geom) -> list[float] | None:
    if geom is None or geom.is_empty:
        return None
    return [round(v, 7) for v in geom.bounds]


def record_json(rec: dict, **extra) -> dict:
    out = {k: v for k, v in rec.items() if k != "geometry"}
    geom = rec.get("geometry")
    if geom is not None and geom.geom_type == "Point":
        out["location"] = _centroid(geom)
    else:
        out["centroid"] = _centroid(geom)
        out["bbox"] = _bbox(geom)
    out.update(extra)
    return out


def record_feature(rec: dict, **extra) -> dict:
    props = {k: v for k, v in rec.items() if k != "geometry"}
    props.update(extra)
    return feature(rec.get("geometry"), props, fid=rec["id"])


def record_features(recs: list[dict], extra_props=None) -> list[dict]:
    """``[record_feature(r, **extra_props(r)) for r in recs]`` with the geometries converted in bulk."""
    feats = []
    for rec, geom in zip(recs, rfc7946_geometries([r.get("geometry") for r in recs])):
        props = {k: v for k, v in rec.items() if k != "geometry"}
        if extra_props:
            props.update(extra_props(rec))
        feats.append({"type": "Feature", "geometry": geom, "properties": props, "id": rec["id"]})
    return feats


def collection(recs: list[dict], *, total: int, extra_props=None, **members) -> dict:
    feats = record_features(recs, extra_props)
    return feature_collection(feats, numberMatched=total, numberReturned=len(feats), **members)


def features_json(recs: list[dict]) -> str:
    """``json.dumps(json_ready(record_features(recs)))``, the same features, written by orjson
    (``geo.geojson.feature_texts``): a page of 100 plots is ~95 kB."""
    return "[" + ",".join(feature_texts(recs)) + "]"
