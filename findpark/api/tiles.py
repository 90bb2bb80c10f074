"""Mapbox Vector Tiles of the plots (and parks) for the maps: ``/tiles/<layer>/<z>/<x>/<y>.mvt``.

PostGIS encodes them with ``ST_AsMVT``, the GeoPackage with the mapbox-vector-tile encoder over its R*Tree
window (``store.tile``). Each tile is kept in the one derived-data cache for the store's data_version and sent
with an ETag of that version, so a map re-asks cheaply and sees an edit on its next request.
"""
from __future__ import annotations

from flask import Blueprint, Response, request

from ..http import get_store
from ..http.problems import Problem, register
from ..store.cache import cached
from ..store.tiles import check_tile

bp = Blueprint("tiles", __name__, url_prefix="/tiles")
register(bp)
MVT = "application/vnd.mapbox-vector-tile"
# what a map needs to colour and label a feature (the rest is one click away in the API)
FIELDS = {"plots": ["id", "park_id", "status", "land_use", "area_mu"], "parks": ["id", "name", "level"]}
MIN_ZOOM = {"plots": 10, "parks": 0}


@bp.get("/<layer>/<int:z>/<int:x>/<int:y>.mvt")
def tile(layer: str, z: int, x: int, y: int):
    if layer not in FIELDS:
        raise Problem(404, "Not Found", f"no tiles for {layer!r}: use one of {', '.join(FIELDS)}")
    try:
        check_tile(z, x, y)
    except ValueError as exc:
        raise Problem(400, "Invalid tile", str(exc), [{"name": str(exc).split("=")[0], "reason": str(exc)}]) from None
    store = get_store()
    version = store.data_version
    etag = f'"{store.uid}-{version}-{layer}-{z}-{x}-{y}"'
    if request.headers.get("If-None-Match") == etag:
        return Response(status=304, headers={"ETag": etag})
    if z < MIN_ZOOM[layer]:
        body = b""
    else:
        body = cached(store, "tiles.mvt", lambda *a: store.tile(layer, z, x, y, FIELDS[layer]), layer, z, x, y,
                      version=version)
    resp = Response(body, mimetype=MVT)
    resp.headers["ETag"] = etag
    resp.headers["Cache-Control"] = "no-cache"  # revalidate: an edit shows on the next request
    return resp
