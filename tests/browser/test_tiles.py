"""Configured basemap tiles in a real browser: a WGS84 source used as is, a GCJ-02 source (AMap-like) with our
WGS84 overlays shifted onto it.

The tile server here is our own, on 127.0.0.1: it draws one park's outline in pure red, converted to GCJ-02 the
way AMap's streets are, on standard XYZ Web Mercator tiles. With FINDPARK_TILES_DATUM=gcj02 the park's WGS84
vertices, drawn by the page's map, must fall on the red line in a screenshot; with the datum wrongly left at
wgs84 they miss it by ~500 m (the control that shows the test can fail).
"""
from __future__ import annotations

import io
import math
import threading
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest
import shapely
from PIL import Image, ImageDraw
from shapely.geometry import shape

from findpark.geo.datum import wgs84_to_gcj02
from findpark.store import open_store
from tests.browser.conftest import open_page, serve_app

PARK = "G331018"  # 杭州经济技术开发区
ZOOM = 15         # ~4.6 m per pixel at 30°N: the ~500 m GCJ-02 offset is ~100 px
RED = (255, 0, 0)


def _world_px(lon, lat, z):
    """Standard Web Mercator (as Leaflet's EPSG3857) pixel coordinates at zoom z."""
    n = 256 * 2 ** z
    lat = np.radians(lat)
    return (np.asarray(lon) + 180.0) / 360.0 * n, (1 - np.log(np.tan(lat) + 1 / np.cos(lat)) / math.pi) / 2 * n


class _Tiles(BaseHTTPRequestHandler):
    rings: list[np.ndarray] = []  # GCJ-02 lon/lat rings to draw
    seen: list[str] = []

    def log_message(self, *args):  # quiet
        pass

    def do_GET(self):
        type(self).seen.append(self.path)
        try:
            z, x, y = (int(v) for v in self.path.split("?")[0].removesuffix(".png").strip("/").split("/"))
        except ValueError:
            self.send_error(404)
            return
        body = _tile(z, x, y)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@lru_cache(maxsize=512)
def _tile(z: int, x: int, y: int) -> bytes:
    img = Image.new("RGB", (256, 256), (246, 246, 240))
    d = ImageDraw.Draw(img)
    d.rectangle([0, 0, 255, 255], outline=(210, 210, 210))  # a visible tile grid in the screenshots
    for ring in _Tiles.rings:
        px, py = _world_px(ring[:, 0], ring[:, 1], z)
        d.line(list(zip(px - x * 256, py - y * 256)), fill=RED, width=3)
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def park_ring(bundled_db):
    store = open_store(str(bundled_db))
    try:
        geom = store.get("parks", PARK)["geometry"]
    finally:
        store.close()
    poly = max(getattr(geom, "geoms", [geom]), key=lambda g: g.area)
    return np.asarray(poly.exterior.coords)  # WGS84 lon/lat, closed


def _samples(ring: np.ndarray) -> np.ndarray:
    """Points every ~20 m along the ring (spacing in degrees: sampling only, nothing is measured with it)."""
    return np.asarray(shapely.segmentize(shapely.LineString(ring), 0.0002).coords)[:-1]


@pytest.fixture(scope="module")
def tile_server(park_ring):
    glon, glat = wgs84_to_gcj02(park_ring[:, 0], park_ring[:, 1])
    _Tiles.rings = [np.column_stack([glon, glat])]
    _Tiles.seen = []
    _tile.cache_clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Tiles)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


def _app(bundled_db, tmp_path_factory, tiles_url: str, datum: str):
    from findpark.app import create_app
    from tests.conftest import copy_store

    db = copy_store(bundled_db, tmp_path_factory.mktemp(f"tiles-{datum}") / "tiles.gpkg")
    return create_app({"DB": str(db), "TESTING": True, "TILES": f"{tiles_url}/{{z}}/{{x}}/{{y}}.png",
                       "TILES_DATUM": datum, "TILES_ATTRIBUTION": "测试底图"})


@pytest.fixture(scope="module")
def gcj_server(bundled_db, tmp_path_factory, tile_server):
    with serve_app(_app(bundled_db, tmp_path_factory, tile_server, "gcj02")) as url:
        yield url


@pytest.fixture(scope="module")
def wgs_server(bundled_db, tmp_path_factory, tile_server):
    with serve_app(_app(bundled_db, tmp_path_factory, tile_server, "wgs84")) as url:
        yield url


FIND_MAP = {
    "home": "findparkHome.map",
    "park": "Object.keys(window).filter(k => /^map_[0-9a-f]+$/.test(k)).map(k => window[k])[0]",
    "recommend": "findparkRecommend.map()",
}
PATHS = {"home": "/", "park": f"/parks/{PARK}", "recommend": "/recommend"}


def _on_the_line(page, which: str, ring: np.ndarray, name: str, shot) -> tuple[float, dict]:
    """Centre the page's map on the park at ZOOM, hide our overlays, screenshot the tiles, and return the share
    of the park's (WGS84) vertices whose map position is within 3 px of the tiles' red line."""
    page.goto(PATHS[which])
    page.wait_for_function(f"(() => {{ try {{ return !!({FIND_MAP[which]}); }} catch (e) {{ return false; }} }})()")
    centre = ring[0]  # a corner of the outline, so the view holds two of its edges
    page.evaluate(f"""(() => {{ const m = {FIND_MAP[which]}; window.__fpmap = m;
        m.setView([{centre[1]}, {centre[0]}], {ZOOM}, {{animate: false}}); }})()""")
    page.wait_for_function("""(() => { let n = 0, done = 0; __fpmap.eachLayer(l => { if (l instanceof L.TileLayer) {
        n++; if (!l.isLoading()) done++; } }); return n > 0 && n === done; })()""")
    info = page.evaluate("({crs: __fpmap.options.crs.code, tiles: document.querySelectorAll('img.leaflet-tile-loaded').length})")
    shot(page, f"tiles_{name}_overlay")
    page.add_style_tag(content=".leaflet-overlay-pane, .leaflet-marker-pane, .leaflet-shadow-pane,"
                               " .leaflet-tooltip-pane, .leaflet-popup-pane { visibility: hidden !important; }")
    pts = page.evaluate("""(ring) => { const r = __fpmap.getContainer().getBoundingClientRect();
        return ring.map(([lon, lat]) => { const p = __fpmap.latLngToContainerPoint([lat, lon]);
                                          return [p.x, p.y, r.width, r.height]; }); }""", _samples(ring).tolist())
    box = page.evaluate("(() => { const r = __fpmap.getContainer().getBoundingClientRect();"
                        " return [r.left, r.top, r.width, r.height]; })()")
    png = page.screenshot(clip={"x": box[0], "y": box[1], "width": box[2], "height": box[3]})
    shot(page, f"tiles_{name}_tiles")
    img = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    red = (img[:, :, 0] > 200) & (img[:, :, 1] < 60) & (img[:, :, 2] < 60)
    hits = inside = 0
    for x, y, w, h in pts:
        if not (3 <= x < w - 3 and 3 <= y < h - 3):
            continue
        inside += 1
        xi, yi = int(round(x)), int(round(y))
        hits += bool(red[yi - 3:yi + 4, xi - 3:xi + 4].any())
    assert inside >= 50, f"only {inside} points of the park's outline in view on {which}"
    return hits / inside, info


@pytest.mark.parametrize("which", ["home", "park", "recommend"])
def test_gcj02_tiles_put_parks_on_their_streets(browser, gcj_server, tile_server, park_ring, which, shot):
    with open_page(browser, gcj_server) as page:
        share, info = _on_the_line(page, which, park_ring, f"gcj02_{which}", shot)
        assert info["crs"] == "FINDPARK:GCJ02" and info["tiles"] > 0, info
        assert share >= 0.9, f"{which}: only {share:.0%} of the park's vertices sit on the GCJ-02 tiles' outline"
        if which == "home":
            # the map still answers in WGS84: the plots request's bbox contains the park's WGS84 vertices
            page.wait_for_function("findparkHome.plots() !== null")
            bbox = [u for u in page.requests_seen if "/api/v1/plots?" in u][-1].split("bbox=")[1].split("&")[0]
            w, s, e, n = (float(v) for v in bbox.split(","))
            c = park_ring[0]
            assert w < c[0] < e and s < c[1] < n
            centre = page.evaluate("[findparkHome.map.getCenter().lng, findparkHome.map.getCenter().lat]")
            assert abs(centre[0] - c[0]) < 1e-6 and abs(centre[1] - c[1]) < 1e-6, (centre, c)  # round trip
    assert any(p.startswith(f"/{ZOOM}/") for p in _Tiles.seen)


def test_wrong_datum_misses_the_streets(browser, wgs_server, tile_server, park_ring, shot):
    """The control: the same GCJ-02 tiles declared as WGS84 are drawn as is, ~500 m off our park."""
    with open_page(browser, wgs_server) as page:
        share, info = _on_the_line(page, "park", park_ring, "wgs84_control", shot)
    assert info["crs"] == "EPSG:3857"
    assert share < 0.2, share


def test_js_datum_shift_matches_python(browser, gcj_server, bundled_db):
    """static/js/basemap.js ports findpark/geo/datum.py: same shift (and inverse) on every amenity in Zhejiang."""
    store = open_store(str(bundled_db))
    try:
        pts = np.array([[g.x, g.y] for g in (a["geometry"] for a in store.read("amenities"))])
    finally:
        store.close()
    pts = np.vstack([pts, [[121.47, 31.23], [2.35, 48.86]]])  # Shanghai, and Paris (outside China: unchanged)
    glon, glat = wgs84_to_gcj02(pts[:, 0], pts[:, 1])
    with open_page(browser, gcj_server) as page:
        page.goto(f"/parks/{PARK}")
        js = np.array(page.evaluate("pts => pts.map(([x, y]) => findparkDatum.wgs84ToGcj02(x, y))", pts.tolist()))
        back = np.array(page.evaluate("pts => pts.map(([x, y]) => findparkDatum.gcj02ToWgs84(x, y))",
                                      np.column_stack([glon, glat]).tolist()))
    assert len(pts) > 500
    assert np.abs(js - np.column_stack([glon, glat])).max() < 1e-10
    assert np.abs(back - pts).max() < 1e-8  # < 1 mm
    assert (js[-1] == pts[-1]).all()
