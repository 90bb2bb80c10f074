"""folium maps served offline: Leaflet from static/, canvas renderer, nothing from a CDN."""
from __future__ import annotations

import json
import re
from functools import lru_cache

import folium
import shapely
from markupsafe import escape
from shapely.geometry import shape

from ..geo.geojson import feature, feature_collection, latlon, latlon_bounds, rfc7946_geometry
from ..http.security import csp_nonce
from ..paths import data_dir

LEAFLET = "vendor/leaflet-1.9.4"


def _base_map(location, zoom: int, static_url, basemap: dict | None) -> folium.Map:
    """A folium map with Leaflet and static/js/basemap.js from static/, a canvas renderer and the configured
    tiles (findpark/web/basemap.py); on GCJ-02 tiles its CRS shifts our WGS84 overlays onto them."""
    m = folium.Map(location=location, zoom_start=zoom, tiles=None, prefer_canvas=True, control_scale=True,
                   crs=basemap["crs"] if basemap else "EPSG3857",
                   **({"max_zoom": basemap["max_zoom"]} if basemap else {}))
    m.default_js = [("leaflet", static_url(f"{LEAFLET}/leaflet.js")), ("findpark_basemap", static_url("js/basemap.js"))]
    m.default_css = [("leaflet_css", static_url(f"{LEAFLET}/leaflet.css"))]
    for i, url in enumerate(basemap["layers"] if basemap else []):
        folium.TileLayer(tiles=url, attr=html(basemap["attribution"]) if i == 0 else " ", name=f"basemap{i}",
                         subdomains=basemap["subdomains"], max_zoom=basemap["max_zoom"],
                         max_native_zoom=basemap["max_zoom"], overlay=i > 0, control=False).add_to(m)
    return m


# Display geometry (what the browser draws, not what the API serves): 5 decimals (~1 m) is far below what a
# simplified outline can show, and keeps the home page small.
DISPLAY_DECIMALS = 5
CITY_TOLERANCE = 0.003  # degrees, ~300 m: a basemap outline at province to county zoom
CITY_MIN_PART = 1e-4    # square degrees (~1 km²): smaller islands are left out of the basemap
PARK_TOLERANCE = 0.0002  # ~20 m


def html(text) -> str:
    """Text as HTML (a plain str): folium's tooltips and popups insert property values as HTML, so every
    value from the data (a park name like ``<img src=x onerror=…>``) is escaped before folium gets it."""
    return str(escape("" if text is None else text))


def display_feature(geom, properties: dict, tolerance: float) -> dict:
    """A simplified, rounded feature for drawing only."""
    geom = shapely.simplify(geom, tolerance, preserve_topology=True)
    return {"type": "Feature", "geometry": rfc7946_geometry(geom, DISPLAY_DECIMALS), "properties": properties}


def _drop_small_parts(geom, min_area: float):
    parts = [g for g in getattr(geom, "geoms", [geom]) if g.area >= min_area]
    return shapely.MultiPolygon(parts) if parts else geom


@lru_cache(maxsize=1)
def city_outlines() -> dict:
    """City boundaries, simplified (~300 m, islands under ~1 km² dropped) for an offline basemap."""
    doc = json.loads((data_dir() / "boundaries.geojson").read_text("utf-8"))
    feats = []
    for f in doc["features"]:
        if f["properties"]["level"] != "city":
            continue
        geom = _drop_small_parts(shape(f["geometry"]), CITY_MIN_PART)
        feats.append(display_feature(geom, {"name": f["properties"]["name"]}, CITY_TOLERANCE))
    return feature_collection(feats)


PARK_COLOURS = {"national": "#c0392b", "provincial": "#2471a3"}


def parks_map(parks: list[dict], static_url, basemap: dict | None = None) -> folium.Map:
    """All parks as simplified outlines over city boundaries.

    The JS names of the map and of the parks layer are left in ``m.findpark_layers`` (``render_parts`` passes
    them on) so the page's script can zoom to a park and load plots in the viewport (static/js/home.js).
    """
    if parks:
        bounds = shapely.union_all([p["geometry"].envelope for p in parks]).bounds
        center = shapely.box(*bounds).centroid
    else:
        bounds, center = None, shapely.Point(120.15, 29.2)
    m = _base_map(latlon(center.x, center.y), 7, static_url, basemap)
    folium.GeoJson(city_outlines(), name="boundaries", interactive=False,
                   style_function=lambda f: {"color": "#888", "weight": 1, "fill": False}).add_to(m)
    m.findpark_layers = {"map": m.get_name(), "parks": None}
    if not parks:
        return m
    fc = feature_collection([display_feature(p["geometry"], {"id": p["id"], "name": html(p["name"]), "level": p["level"]},
                                             PARK_TOLERANCE) for p in parks])
    layer = folium.GeoJson(fc, name="parks",
                           style_function=lambda f: {"color": PARK_COLOURS.get(f["properties"]["level"], "#2471a3"),
                                                     "weight": 2, "fillOpacity": 0.35},
                           tooltip=folium.GeoJsonTooltip(["name"], labels=False)).add_to(m)
    m.findpark_layers["parks"] = layer.get_name()
    if bounds:
        m.fit_bounds(latlon_bounds(bounds))
    return m


def render_parts(m: folium.Map) -> dict:
    """Split a folium map into head/body/script for embedding in our own Jinja page. The inline scripts of the
    head carry this request's CSP nonce (the page writes ``<script nonce=…>`` around ``script``)."""
    root = m.get_root()
    root.render()
    nonce = csp_nonce()
    head = re.sub(r'<meta name="viewport"[^>]*>', "", root.header.render())  # folium's forbids pinch zoom; ours is in base.html
    head = head.replace("<script>", f'<script nonce="{nonce}">') if nonce else head
    return {"head": head, "body": root.html.render(), "script": root.script.render(),
            "name": m.get_name(), "layers": getattr(m, "findpark_layers", {"map": m.get_name()})}


POPUP_NUMBERS = ("price_wan_per_mu", "min_investment_wan_per_mu", "min_tax_wan_per_mu")  # in a plot's popup
STATUS_COLOURS = {"available": "#27ae60", "reserved": "#f1c40f", "leased": "#e67e22", "sold": "#95a5a6"}


def park_map(park: dict, plots: list[dict], static_url, basemap: dict | None = None) -> folium.Map:
    """A park's approximate boundary and its plots coloured by status, with a legend."""
    c = park["geometry"].centroid
    m = _base_map(latlon(c.x, c.y), 13, static_url, basemap)
    folium.GeoJson(feature_collection([feature(park["geometry"], {"name": html(park["name"])})]), name="boundary",
                   style_function=lambda f: {"color": "#c0392b", "weight": 2, "fill": False, "dashArray": "6 4"}).add_to(m)
    if plots:
        fc = feature_collection([feature(p["geometry"], {"id": html(p["id"]), "status": html(p["status"]),
                                                         "area_mu": round(p["area_mu"], 1),
                                                         "land_use": html(p["land_use"]),
                                                         **{k: p.get(k) for k in POPUP_NUMBERS},
                                                         "available_from": html(p.get("available_from")),
                                                         "park_id": html(park["id"])})
                                 for p in plots])
        layer = folium.GeoJson(fc, name="plots",
                       style_function=lambda f: {"color": "#333", "weight": 1, "fillOpacity": 0.7,
                                                 "fillColor": STATUS_COLOURS.get(f["properties"]["status"], "#999")},
                       tooltip=folium.GeoJsonTooltip(["id", "status", "area_mu", "land_use"],
                                                     aliases=["地块", "状态", "面积(亩)", "用地"])).add_to(m)
        m.findpark_layers = {"map": m.get_name(), "plots": layer.get_name()}  # static/js/park.js: popups
    m.fit_bounds(latlon_bounds(park["geometry"].bounds))
    return m
