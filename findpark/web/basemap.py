"""Optional basemap tiles, from configuration; every map page (home, park, recommend) draws them the same way.

With no tiles configured the basemap is the bundled city outlines and no page requests any other host.

Settings (environment variable, or the app config key without the ``FINDPARK_`` prefix):

``FINDPARK_TILES``            one or more XYZ URL templates separated by spaces (a base layer, then e.g. a label
                              layer), each with ``{z}``, ``{x}``, ``{y}`` (``{s}`` for subdomains); or a preset
                              name (``amap``, ``tianditu``) from :data:`PRESETS`.
``FINDPARK_TILES_DATUM``      the datum the tiles are drawn in: ``wgs84`` (default; also CGCS2000 such as 天地图)
                              or ``gcj02`` (AMap/Gaode, Tencent). Baidu's BD-09 tiles use their own projection
                              and tile grid and are refused.
``FINDPARK_TILES_SUBDOMAINS`` the values of ``{s}`` (default ``abc``; a preset sets its own).
``FINDPARK_TILES_ATTRIBUTION`` the credit shown on the map (default 底图).
``FINDPARK_TILES_MAX_ZOOM``   the deepest zoom the source has (default 18).
``FINDPARK_TILES_KEY``        substituted for ``{key}`` (天地图's ``tk``).

Our geometry stays WGS84 everywhere. On GCJ-02 tiles the map uses the Leaflet CRS ``L.CRS.FindparkGCJ02``
(static/js/basemap.js): its projection applies the WGS84 → GCJ-02 shift before Web Mercator, so every overlay
(park outlines, plots, markers, the offline boundaries) lands on the tiles' streets, and ``map.getBounds()``
still answers in WGS84 for the bbox API.
"""
from __future__ import annotations

import re
from collections.abc import Mapping

from ..geo.datum import normalise_datum

CRS = {"wgs84": "EPSG3857", "gcj02": "FindparkGCJ02"}  # Leaflet L.CRS.<name>

PRESETS = {
    # Internet sources, for a machine that can reach them; on an intranet point FINDPARK_TILES at your own mirror.
    "amap": {"tiles": "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
             "datum": "gcj02", "subdomains": "1234", "attribution": "© 高德地图", "max_zoom": 18},
    "tianditu": {"tiles": "https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
                          "&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}"
                          "&TILECOL={x}&tk={key} "
                          "https://t{s}.tianditu.gov.cn/cva_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
                          "&LAYER=cva&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}"
                          "&TILECOL={x}&tk={key}",
                 "datum": "wgs84", "subdomains": "01234567", "attribution": "© 天地图", "max_zoom": 18,
                 "needs_key": True},
}
SETTINGS = ("TILES", "TILES_DATUM", "TILES_SUBDOMAINS", "TILES_ATTRIBUTION", "TILES_MAX_ZOOM", "TILES_KEY")


class TileConfigError(ValueError):
    """A basemap setting that cannot be used; the message names the setting."""


def settings_from_env(environ: Mapping[str, str]) -> dict:
    return {k: environ.get(f"FINDPARK_{k}") or None for k in SETTINGS}


def tile_config(config: Mapping) -> dict | None:
    """The validated basemap for the pages, or None for the bundled outlines only.

    Returns ``{"layers": [url, ...], "datum", "crs", "subdomains", "attribution", "max_zoom"}``.
    Raises :class:`TileConfigError` naming the ``FINDPARK_*`` setting at fault.
    """
    raw = (config.get("TILES") or "").strip()
    if not raw:
        return None
    preset = PRESETS.get(raw.lower(), {})
    tiles = preset.get("tiles", raw)
    datum_raw = config.get("TILES_DATUM") or preset.get("datum", "wgs84")
    datum = normalise_datum(datum_raw)
    if datum == "bd09":
        raise TileConfigError("FINDPARK_TILES_DATUM: Baidu (BD-09) tiles use their own projection and tile grid; "
                              "use a WGS84/CGCS2000 source (e.g. 天地图) or a GCJ-02 one (e.g. AMap)")
    if datum not in CRS:
        raise TileConfigError(f"FINDPARK_TILES_DATUM: unknown datum {datum_raw!r}; expected wgs84 or gcj02")
    key = config.get("TILES_KEY")
    if "{key}" in tiles:
        if not key:
            raise TileConfigError("FINDPARK_TILES_KEY: the tile URL needs a key ({key}), e.g. 天地图's tk")
        tiles = tiles.replace("{key}", key)
    layers = tiles.split()
    for url in layers:
        if not re.match(r"^(https?:)?//|^/", url):
            raise TileConfigError(f"FINDPARK_TILES: {url!r} is neither a preset ({', '.join(PRESETS)}) nor an "
                                  "http(s) or site-relative URL template")
        missing = [p for p in ("{z}", "{x}", "{y}") if p not in url]
        if missing:
            raise TileConfigError(f"FINDPARK_TILES: {url!r} lacks {', '.join(missing)}")
    subdomains = config.get("TILES_SUBDOMAINS") or preset.get("subdomains", "abc")
    max_zoom_raw = config.get("TILES_MAX_ZOOM") or preset.get("max_zoom", 18)
    try:
        max_zoom = int(max_zoom_raw)
    except (TypeError, ValueError):
        raise TileConfigError(f"FINDPARK_TILES_MAX_ZOOM: {max_zoom_raw!r} is not a whole number") from None
    if not 1 <= max_zoom <= 22:
        raise TileConfigError(f"FINDPARK_TILES_MAX_ZOOM: {max_zoom} is outside 1-22")
    return {"layers": layers, "datum": datum, "crs": CRS[datum], "subdomains": subdomains,
            "attribution": config.get("TILES_ATTRIBUTION") or preset.get("attribution", "底图"), "max_zoom": max_zoom}
