"""Basemap tile configuration (findpark/web/basemap.py) and how the pages carry it. The drawing itself, on a real
GCJ-02 tile source, is tested in tests/browser/test_tiles.py."""
from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from findpark.web.basemap import PRESETS, TileConfigError, settings_from_env, tile_config

URL = "http://tiles.intranet.example/{z}/{x}/{y}.png"


def test_no_tiles_means_no_basemap():
    assert tile_config({}) is None
    assert tile_config({"TILES": "  "}) is None
    assert tile_config(settings_from_env({})) is None


def test_wgs84_by_default_and_settings_read_from_env():
    env = {"FINDPARK_TILES": URL, "FINDPARK_TILES_ATTRIBUTION": "市测绘院", "FINDPARK_TILES_MAX_ZOOM": "17"}
    cfg = tile_config(settings_from_env(env))
    assert cfg == {"layers": [URL], "datum": "wgs84", "crs": "EPSG3857", "subdomains": "abc",
                   "attribution": "市测绘院", "max_zoom": 17}


def test_gcj02_datum_and_aliases():
    for name in ("gcj02", "GCJ-02", "amap", "gaode"):
        cfg = tile_config({"TILES": URL, "TILES_DATUM": name})
        assert cfg["datum"] == "gcj02" and cfg["crs"] == "FindparkGCJ02"
    assert tile_config({"TILES": URL, "TILES_DATUM": "CGCS2000"})["crs"] == "EPSG3857"


def test_presets():
    amap = tile_config({"TILES": "amap"})
    assert amap["datum"] == "gcj02" and amap["subdomains"] == "1234" and "autonavi" in amap["layers"][0]
    tdt = tile_config({"TILES": "tianditu", "TILES_KEY": "abc123"})
    assert tdt["datum"] == "wgs84" and len(tdt["layers"]) == 2  # roads + labels
    assert all("tk=abc123" in u and "{key}" not in u for u in tdt["layers"])
    # a setting overrides the preset's
    assert tile_config({"TILES": "amap", "TILES_SUBDOMAINS": "12"})["subdomains"] == "12"
    assert set(PRESETS) == {"amap", "tianditu"}


@pytest.mark.parametrize("settings, setting, words", [
    ({"TILES": URL, "TILES_DATUM": "bd09"}, "FINDPARK_TILES_DATUM", "Baidu"),
    ({"TILES": URL, "TILES_DATUM": "mars"}, "FINDPARK_TILES_DATUM", "unknown datum"),
    ({"TILES": "http://x/{z}/{x}.png"}, "FINDPARK_TILES", "lacks {y}"),
    ({"TILES": "osm"}, "FINDPARK_TILES", "neither a preset"),
    ({"TILES": "tianditu"}, "FINDPARK_TILES_KEY", "needs a key"),
    ({"TILES": URL, "TILES_MAX_ZOOM": "deep"}, "FINDPARK_TILES_MAX_ZOOM", "not a whole number"),
    ({"TILES": URL, "TILES_MAX_ZOOM": "30"}, "FINDPARK_TILES_MAX_ZOOM", "outside 1-22"),
])
def test_bad_settings_name_the_setting(settings, setting, words):
    with pytest.raises(TileConfigError) as exc:
        tile_config(settings)
    assert str(exc.value).startswith(setting + ":")
    assert words in str(exc.value)


def test_app_refuses_a_bad_setting_at_start(bundled_db):
    from findpark.app import create_app

    with pytest.raises(TileConfigError, match="FINDPARK_TILES_DATUM"):
        create_app({"DB": str(bundled_db), "TESTING": True, "TILES": URL, "TILES_DATUM": "bd09"})


def test_serve_names_a_bad_setting_without_a_traceback(monkeypatch):
    from findpark.cli import main

    monkeypatch.setenv("FINDPARK_TILES", URL)
    monkeypatch.setenv("FINDPARK_TILES_DATUM", "baidu")
    result = CliRunner().invoke(main, ["serve", "--port", "0"])
    assert result.exit_code == 2
    assert "FINDPARK_TILES_DATUM" in result.output and "Traceback" not in result.output


@pytest.fixture(scope="module")
def gcj_client(bundled_db):
    from findpark.app import create_app

    app = create_app({"DB": str(bundled_db), "TESTING": True, "TILES": "amap", "TILES_SUBDOMAINS": "1234"})
    yield app.test_client()
    app.extensions["findpark_store"].close()


def test_folium_pages_use_the_gcj02_crs_and_the_tiles(gcj_client):
    for path in ("/", "/parks/G331018"):
        html = gcj_client.get(path).get_data(as_text=True)
        assert "crs: L.CRS.FindparkGCJ02" in html, path
        # basemap.js (which defines the CRS) is loaded after Leaflet and before the map script
        assert html.index("leaflet-1.9.4/leaflet.js") < html.index("js/basemap.js") < html.index("L.map(")
        assert "autonavi.com" in html and '"subdomains": "1234"' in html


def test_recommend_page_carries_the_basemap(gcj_client):
    html = gcj_client.get("/recommend").get_data(as_text=True)
    cfg = json.loads(re.search(r'<script type="application/json" id="rec-config">(.*?)</script>', html, re.S).group(1))
    assert cfg["basemap"]["crs"] == "FindparkGCJ02" and cfg["basemap"]["datum"] == "gcj02"
    assert html.index("leaflet.js") < html.index("js/basemap.js") < html.index("js/recommend.js")


def test_without_tiles_no_tile_layer_and_web_mercator(bundled_db):
    from findpark.app import create_app

    app = create_app({"DB": str(bundled_db), "TESTING": True, "TILES": None})
    try:
        html = app.test_client().get("/").get_data(as_text=True)
    finally:
        app.extensions["findpark_store"].close()
    assert "crs: L.CRS.EPSG3857" in html and "L.tileLayer" not in html
