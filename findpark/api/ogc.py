"""OGC API - Features (Part 1: Core + GeoJSON) under /ogc, so GDAL, QGIS and ArcGIS read findpark directly.

Collections are the store's layers; items are paged with limit/offset and ``next``/``prev`` links, and a
bbox is answered from the store's spatial index (``read_window``: only the page is decoded). A page's features
are encoded once per data_version (``store.cache``; GIS clients ask for the same windows again as they pan
and zoom): the JSON text is kept and spliced into each response, whose links and timeStamp are made anew.
"""
from __future__ import annotations

import datetime as _dt
import json

from flask import Blueprint, Response, url_for

from ..http import get_store
from ..http.parsing import GEOJSON, query, respond
from ..http.problems import Problem, register
from ..numbers import json_ready
from ..store.cache import cached
from ..store.schema import LAYERS
from . import models as m
from .serialize import features_json, record_feature

bp = Blueprint("ogc", __name__, url_prefix="/ogc")
register(bp)
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
CONFORMANCE = ["http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
               "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
               "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30"]
TITLES = {"parks": "Parks (开发区/园区)", "plots": "Plots (地块)", "amenities": "Amenities (交通设施)"}


def _link(href, rel, type_="application/json", title=None):
    out = {"href": href, "rel": rel, "type": type_}
    if title:
        out["title"] = title
    return out


@bp.get("")
@bp.get("/")
def landing():
    return respond({
        "title": "findpark 一键找园",
        "description": "Zhejiang development zones, land plots and transport amenities (WGS84).",
        "links": [
            _link(url_for("ogc.landing", _external=True), "self", title="this document"),
            _link(url_for("api.openapi", _external=True), "service-desc", "application/vnd.oai.openapi+json;version=3.1",
                  "the API definition"),
            _link(url_for("api.docs", _external=True), "service-doc", "text/html", "the API documentation"),
            _link(url_for("ogc.conformance", _external=True), "conformance", title="conformance classes"),
            _link(url_for("ogc.collections", _external=True), "data", title="collections"),
        ]})


@bp.get("/conformance")
def conformance():
    return respond({"conformsTo": CONFORMANCE})


def _collection(name: str) -> dict:
    extent = get_store().extent(name) or [-180.0, -90.0, 180.0, 90.0]
    return {
        "id": name, "title": TITLES[name], "description": LAYERS[name].description, "itemType": "feature",
        "crs": [CRS84], "extent": {"spatial": {"bbox": [extent], "crs": CRS84}},
        "links": [_link(url_for("ogc.collection", cid=name, _external=True), "self"),
                  _link(url_for("ogc.items", cid=name, _external=True), "items", GEOJSON, f"{name} items")],
    }


@bp.get("/collections")
def collections():
    return respond({"links": [_link(url_for("ogc.collections", _external=True), "self")],
                    "collections": [_collection(n) for n in LAYERS]})


def _check(cid: str) -> None:
    if cid not in LAYERS:
        raise Problem(404, "Not Found", f"no collection {cid!r}; collections are {', '.join(LAYERS)}")


@bp.get("/collections/<cid>")
def collection(cid):
    _check(cid)
    return respond(_collection(cid))


@bp.get("/collections/<cid>/items")
def items(cid):
    _check(cid)
    q = query(m.OgcItemsQuery)
    store = get_store()
    bbox = m.parse_bbox(q.bbox)
    features, total, returned = cached(store, "ogc.items", lambda *a: _page(store, *a), cid, bbox, q.limit, q.offset)
    args = {"limit": q.limit}
    if q.bbox:
        args["bbox"] = q.bbox
    links = [_link(url_for("ogc.items", cid=cid, offset=q.offset, _external=True, **args), "self", GEOJSON)]
    if q.offset + q.limit < total:
        links.append(_link(url_for("ogc.items", cid=cid, offset=q.offset + q.limit, _external=True, **args), "next", GEOJSON))
    if q.offset > 0:
        links.append(_link(url_for("ogc.items", cid=cid, offset=max(0, q.offset - q.limit), _external=True, **args),
                           "prev", GEOJSON))
    links.append(_link(url_for("ogc.collection", cid=cid, _external=True), "collection"))
    head = json.dumps(json_ready({"type": "FeatureCollection", "numberMatched": total, "numberReturned": returned,
                                  "timeStamp": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
                                  "links": links}), ensure_ascii=False)
    return Response(f'{head[:-1]}, "features": {features}}}', mimetype=GEOJSON)


def _page(store, cid: str, bbox, limit: int, offset: int) -> tuple[str, int, int]:
    """(the page's features as JSON text, numberMatched, numberReturned) for one data_version."""
    if bbox is not None:
        # spatial-index window, exact intersection only for the boxes straddling the edge, and the page's
        # features as the store keeps them encoded (store/featuretext.py): no geometry decoded, nothing encoded
        texts, total = store.read_window(cid, bbox, limit=limit, offset=offset, text=True)
        return "[" + ",".join(texts) + "]", total, len(texts)
    total, page = store.count(cid), store.read(cid, limit=limit, offset=offset)
    return features_json(page), total, len(page)


@bp.get("/collections/<cid>/items/<fid>")
def item(cid, fid):
    _check(cid)
    rec = get_store().get(cid, fid)
    if rec is None:
        raise Problem(404, "Not Found", f"no feature {fid!r} in {cid}")
    feat = record_feature(rec)
    feat["links"] = [_link(url_for("ogc.item", cid=cid, fid=fid, _external=True), "self", GEOJSON),
                     _link(url_for("ogc.collection", cid=cid, _external=True), "collection")]
    return respond(feat, mimetype=GEOJSON)
