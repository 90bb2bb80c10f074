"""The admin's data workflow in Chromium (issue 13): an untagged GCJ-02 upload → the GCJ-02 warning on the preview
map → choose GCJ-02 → check again → apply → the plots on the park page; and a staff member marks a plot sold on
the park page → it leaves the recommendations. Screenshot: docs/data_admin.png (FINDPARK_UPDATE_DOCS=1)."""
from __future__ import annotations

import json
import os
import shutil

import numpy as np
import shapely
from click.testing import CliRunner

from findpark.app import create_app
from findpark.cli import main
from findpark.geo.datum import wgs84_to_gcj02
from findpark.siting import recommend
from findpark.store import open_store
from tests.browser.conftest import open_page, serve_app
from tests.conftest import copy_store

PASSWORD = "a long enough password"


def _user(db, name, role, scope=None):
    args = ["users", "add", name, "--role", role, "--password-stdin", "--db", str(db)]
    if scope:
        args += ["--scope", scope]
    r = CliRunner().invoke(main, args, input=PASSWORD + "\n")
    assert r.exit_code == 0, r.output


def _sign_in(pg, name, path):
    pg.goto(f"/login?next={path}")
    pg.fill("#username", name)
    pg.fill("#password", PASSWORD)
    pg.click("#login-btn")
    pg.wait_for_url(f"**{path}")


def _gcj_file(tmp_path, db):
    """New plots of G331018 (copies of its first 6 moved to new ids, prices changed) as AMap would give them:
    GCJ-02 coordinates, and no datum tag."""
    store = open_store(db)
    recs = store.read("plots", where={"park_id": "G331018"}, limit=6)
    store.close()
    feats = []
    for i, r in enumerate(recs):
        g = shapely.transform(r["geometry"], lambda c: np.column_stack(wgs84_to_gcj02(c[:, 0], c[:, 1])))
        props = {k: v for k, v in r.items() if k not in ("geometry", "area_mu")}
        props.update(id=f"G331018-GCJ{i}", price_wan_per_mu=42.0, source="高德地图描绘 (测试)")
        feats.append({"type": "Feature", "properties": props, "geometry": shapely.geometry.mapping(g)})
    path = tmp_path / "plots.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}, ensure_ascii=False), "utf-8")
    return path


def test_gcj02_upload_warning_choose_gcj02_apply_then_plots_on_park_page(browser, bundled_db, tmp_path, shot):
    db = copy_store(bundled_db, tmp_path / "admin.gpkg")
    _user(db, "root", "admin")
    path = _gcj_file(tmp_path, db)
    app = create_app({"DB": str(db), "TESTING": True, "TILES": None})
    with serve_app(app) as base, open_page(browser, base) as pg:
        _sign_in(pg, "root", "/admin/data")
        pg.set_input_files("#f-file", str(path))
        pg.select_option("#f-crs", "wgs84")  # the officer first assumes WGS84
        pg.click("#upload-btn")
        pg.wait_for_url("**/admin/imports/*")
        warning = pg.locator(".warning[data-code=gcj02_signature]")
        assert warning.count() == 1 and "GCJ-02" in warning.inner_text()
        pg.wait_for_selector("#preview-map[data-ready='6']")
        assert pg.locator("#preview-map .leaflet-overlay-pane canvas, #preview-map path").count() > 0
        if os.environ.get("FINDPARK_UPDATE_DOCS"):
            shot(pg, "data_admin", full_page=True)
            shutil.copy(shot(pg, "data_admin", full_page=True), "docs/data_admin.png")
        else:
            shot(pg, "data_admin", full_page=True)
        pg.select_option("#f-crs", "gcj02")
        pg.click("#recheck-btn")
        pg.wait_for_selector("#datum:has-text('gcj02')")
        assert pg.locator(".warning[data-code=gcj02_signature]").count() == 0
        assert pg.inner_text("#diff-counts tr[data-layer=plots]").split()[1] == "6"  # 6 added
        pg.fill("#f-note", "高德描绘的新地块")
        pg.click("#apply-btn")
        pg.wait_for_url("**/admin/data")
        assert "版本 1" in pg.inner_text(".flash-ok")
        pg.goto("/parks/G331018")
        table = pg.inner_text("table.plots")
        assert all(f"G331018-GCJ{i}" in table for i in range(6))
    store = open_store(db)
    stored = store.get("plots", "G331018-GCJ0")
    orig = store.read("plots", where={"park_id": "G331018"}, limit=1)[0]
    assert stored["geometry"].centroid.distance(orig["geometry"].centroid) < 1e-5  # back on the WGS84 spot
    store.close()


def test_marking_a_plot_sold_on_the_park_page_removes_it_from_recommendations(browser, bundled_db, tmp_path):
    db = copy_store(bundled_db, tmp_path / "sold.gpkg")
    req = {"industry": "汽车零部件", "land_mu_min": 10, "land_mu_max": 300, "districts": ["杭州市"], "top_k": 5}
    store = open_store(db)
    top = recommend(store, req)["plots"][0]
    store.close()
    _user(db, "hz", "staff", "3301")
    app = create_app({"DB": str(db), "TESTING": True, "TILES": None})
    with serve_app(app) as base, open_page(browser, base) as pg:
        _sign_in(pg, "hz", f"/parks/{top['park_id']}")
        pg.select_option("#qe-plot", top["plot_id"])
        assert pg.input_value("#qe-status") == "available"
        pg.select_option("#qe-status", "sold")
        pg.click("#qe-save")
        pg.wait_for_selector(".flash-ok")
        assert top["plot_id"] in pg.inner_text(".flash-ok")
        r = pg.request.post(f"{base}/api/v1/recommend", data=req)
        ids = [p["plot_id"] for p in r.json()["plots"]]
        assert top["plot_id"] not in ids
