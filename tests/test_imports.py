"""Staged imports, versions, restore, backups and exports (issue 13): the CLI and the API round trip
stage → diff → apply → version → restore → identical tables; staff only within scope; quick plot edits reach
the next recommendation; readers are served during an apply."""
from __future__ import annotations

import io
import json
import threading

import pytest
import shapely
from click.testing import CliRunner

from findpark.app import create_app
from findpark.cli import main
from findpark.ingest.readers import SHAPEFILE_FIELDS
from findpark.services import accounts, imports, versions
from findpark.siting import recommend
from findpark.store import open_store
from findpark.store.schema import LAYERS
from tests.conftest import copy_store, plot_feature, write_fc

PASSWORD = "correct horse battery"


@pytest.fixture()
def db(bundled_db, tmp_path):
    return copy_store(bundled_db, tmp_path / "imp.gpkg")


def cli(db, *args, input=None):
    return CliRunner().invoke(main, [*args, "--db", str(db)], input=input)


def layers_digest(store) -> dict:
    """Every record of every layer (geometry as WKB), for 'identical table contents'."""
    out = {}
    for name in LAYERS:
        out[name] = [{**{k: v for k, v in r.items() if k != "geometry"}, "wkb": shapely.to_wkb(r["geometry"], hex=True)}
                     for r in store.read(name)]
    return out


def park_plots(park="G331018", n=6, bump=1.0):
    """The store's own plots of a park as a GeoJSON file's features, with the price raised by ``bump``."""
    d = json.load(open("findpark/data/plots.geojson", encoding="utf-8"))
    feats = [f for f in d["features"] if f["properties"]["park_id"] == park][:n]
    for f in feats:
        f["properties"]["price_wan_per_mu"] = (f["properties"].get("price_wan_per_mu") or 0) + bump
    return feats


def test_cli_round_trip_stage_diff_apply_version_restore(db, tmp_path):
    store = open_store(db)
    before = layers_digest(store)
    f = write_fc(tmp_path / "plots.geojson", park_plots() + [plot_feature("NEW-1")], datum="wgs84")
    r = cli(db, "import", "stage", str(f), "--json")
    assert r.exit_code == 0, r.output
    imp = json.loads(r.stdout)
    assert imp["counts"]["plots"] == {"added": 1, "changed": 6, "removed": 0, "unchanged": 0}
    ch = imp["diff"]["plots"]["changed"][0]
    assert set(ch["fields"]) == {"price_wan_per_mu"} and ch["geometry"] is False
    assert ch["fields"]["price_wan_per_mu"][1] == ch["fields"]["price_wan_per_mu"][0] + 1
    assert layers_digest(store) == before  # staging writes no data
    r = cli(db, "import", "apply", imp["id"], "--note", "new prices")
    assert r.exit_code == 0 and "version 1" in r.output, r.output
    after = layers_digest(store)
    assert after != before and store.get("plots", "NEW-1") is not None
    vs = json.loads(cli(db, "versions", "--json").stdout)
    assert [v["number"] for v in vs] == [1, 0] and vs[0]["note"] == "new prices" and vs[0]["restorable"]
    assert vs[0]["counts"]["plots"]["changed"] == 6 and vs[0]["author"]
    assert cli(db, "import", "apply", imp["id"]).exit_code == 1  # applied once only
    r = cli(db, "restore", "0")
    assert r.exit_code == 0, r.output
    assert layers_digest(store) == before  # identical table contents
    r = cli(db, "restore", "1")
    assert r.exit_code == 0 and layers_digest(store) == after
    vs = json.loads(cli(db, "versions", "--json").stdout)
    assert [(v["number"], v["kind"], v["restored_from"]) for v in vs[:2]] == [(3, "restore", 1), (2, "restore", 0)]
    assert cli(db, "restore", "99").exit_code == 1
    actions = [a["action"] for a in store.select_rows("audit_log")]
    assert actions.count("import_apply") == 1 and actions.count("version_restore") == 2
    store.close()


def test_discard_writes_nothing_and_stale_imports_are_refused(db, tmp_path):
    store = open_store(db)
    before, dv = layers_digest(store), store.data_version
    f = write_fc(tmp_path / "plots.geojson", park_plots(), datum="wgs84")
    a = json.loads(cli(db, "import", "stage", str(f), "--json").stdout)
    b = json.loads(cli(db, "import", "stage", str(f), "--json").stdout)
    assert cli(db, "import", "discard", a["id"]).exit_code == 0
    assert layers_digest(store) == before and store.data_version == dv
    assert cli(db, "import", "apply", a["id"]).exit_code == 1  # discarded
    assert cli(db, "load", str(write_fc(tmp_path / "plots.geojson", [plot_feature("X-9")], datum="wgs84", layer="plots"))).exit_code == 0
    r = cli(db, "import", "apply", b["id"])
    assert r.exit_code == 1 and "changed since" in r.output  # staged against an older data version
    store.close()


def test_outside_changes_become_an_external_version(db, tmp_path):
    store = open_store(db)
    f = write_fc(tmp_path / "plots.geojson", park_plots(), datum="wgs84")
    assert cli(db, "import", "apply", json.loads(cli(db, "import", "stage", str(f), "--json").stdout)["id"]).exit_code == 0
    assert cli(db, "load", str(write_fc(tmp_path / "p2.geojson", [plot_feature("EXT-1")], datum="wgs84", layer="plots"))).exit_code == 0
    g = write_fc(tmp_path / "p3.geojson", park_plots(bump=2), datum="wgs84", layer="plots")
    assert cli(db, "import", "apply", json.loads(cli(db, "import", "stage", str(g), "--json").stdout)["id"]).exit_code == 0
    kinds = [(v["number"], v["kind"]) for v in versions.list_versions(store)]
    assert kinds == [(3, "import"), (2, "external"), (1, "import"), (0, "baseline")]
    assert cli(db, "restore", "2").exit_code == 0 and store.get("plots", "EXT-1") is not None
    assert cli(db, "restore", "1").exit_code == 0 and store.get("plots", "EXT-1") is None
    store.close()


def test_replace_removes_the_parks_other_plots(db, tmp_path):
    store = open_store(db)
    n_park = store.count("plots", where={"park_id": "G331018"})
    f = write_fc(tmp_path / "plots.geojson", park_plots(n=3, bump=0), datum="wgs84")
    imp = json.loads(cli(db, "import", "stage", str(f), "--replace", "--json").stdout)
    assert imp["counts"]["plots"] == {"added": 0, "changed": 0, "removed": n_park - 3, "unchanged": 3}
    assert cli(db, "import", "apply", imp["id"]).exit_code == 0
    assert store.count("plots", where={"park_id": "G331018"}) == 3
    assert store.count("plots") > 3  # other parks untouched
    store.close()


def test_shapefile_field_map_is_total_and_unique():
    for name, table in SHAPEFILE_FIELDS.items():
        long_names = [f.name for f in LAYERS[name].fields if len(f.name) > 10]
        assert sorted(table.values()) == sorted(long_names)
        assert all(len(k) == 10 for k in table)
        short = {f.name for f in LAYERS[name].fields if len(f.name) <= 10}
        assert not set(table) & short


# -- the API -------------------------------------------------------------------------------------------------
@pytest.fixture()
def app(db):
    for name, role, scopes in (("hz", "staff", ["3301"]), ("jh", "staff", ["3307"]), ("boss", "admin", [])):
        r = cli(db, "users", "add", name, "--role", role, *[a for s in scopes for a in ("--scope", s)],
                "--password-stdin", input=PASSWORD + "\n")
        assert r.exit_code == 0, r.output
    a = create_app({"DB": str(db), "TESTING": True, "TILES": None})
    yield a
    a.extensions["findpark_store"].close()


def token(app, name):
    store = app.extensions["findpark_store"]
    return {"Authorization": f"Bearer {accounts.new_token(store, name)[1]}"}


def upload(client, headers, data: bytes, name="plots.geojson", **form):
    return client.post("/api/v1/imports", headers=headers,
                       data={"file": (io.BytesIO(data), name), **form}, content_type="multipart/form-data")


def fc_bytes(features, **members) -> bytes:
    return json.dumps({"type": "FeatureCollection", **members, "features": features}, ensure_ascii=False).encode()


def test_api_round_trip_and_scope(app):
    client, store = app.test_client(), app.extensions["findpark_store"]
    before = layers_digest(store)
    hz, jh, boss = token(app, "hz"), token(app, "jh"), token(app, "boss")
    body = fc_bytes(park_plots(), datum="wgs84")  # G331018 is in 杭州 (3301)
    assert upload(client, {}, body).status_code == 401
    r = upload(client, jh, body)  # Jinhua staff: staged, but not appliable
    assert r.status_code == 201 and r.get_json()["ok"] is False
    assert any("outside your scope" in p for p in r.get_json()["report"]["problems"])
    assert client.post(f"/api/v1/imports/{r.get_json()['id']}/apply", headers=jh).status_code == 403
    assert client.get(f"/api/v1/imports/{r.get_json()['id']}", headers=hz).status_code == 404  # not theirs
    r = upload(client, hz, body)
    assert r.status_code == 201, r.get_json()
    iid = r.get_json()["id"]
    assert r.headers["Location"].endswith(f"/api/v1/imports/{iid}")
    got = client.get(f"/api/v1/imports/{iid}", headers=hz).get_json()
    assert got["counts"]["plots"]["changed"] == 6 and got["status"] == "staged"
    assert layers_digest(store) == before
    r = client.post(f"/api/v1/imports/{iid}/apply", headers=hz)
    assert r.status_code == 200 and r.get_json()["version"] == 1
    assert client.post(f"/api/v1/imports/{iid}/apply", headers=hz).status_code == 409
    vs = client.get("/api/v1/versions", headers=hz).get_json()["versions"]
    assert [v["number"] for v in vs] == [1, 0]
    assert client.post("/api/v1/versions/0/restore", headers=hz).status_code == 403  # admins only
    r = client.post("/api/v1/versions/0/restore", headers=boss)
    assert r.status_code == 200 and r.get_json()["number"] == 2
    assert layers_digest(store) == before
    assert client.post("/api/v1/versions/77/restore", headers=boss).status_code == 404
    spec = client.get("/api/v1/openapi.json").get_json()
    for path in ("/api/v1/imports", "/api/v1/imports/{id}", "/api/v1/imports/{id}/apply", "/api/v1/versions",
                 "/api/v1/versions/{number}/restore"):
        assert path in spec["paths"]


def test_api_refuses_bad_uploads_with_problem_details(app):
    client, store = app.test_client(), app.extensions["findpark_store"]
    boss = token(app, "boss")
    before = layers_digest(store)
    r = upload(client, boss, b"#!/bin/sh\nrm -rf /\n", name="evil.sh")
    assert r.status_code == 422 and r.mimetype == "application/problem+json" and "not a file type" in r.get_json()["detail"]
    r = client.post("/api/v1/imports", headers=boss, json={"x": 1})
    assert r.status_code == 415
    app.config["MAX_UPLOAD"] = 1000
    r = upload(client, boss, b"{" + b" " * 5000 + b"}")
    assert r.status_code == 413
    app.config["MAX_UPLOAD"] = 64 * 1024 * 1024
    r = upload(client, boss, fc_bytes(park_plots()))  # no datum
    assert r.status_code == 201 and not r.get_json()["ok"] and "no CRS declared" in r.get_json()["report"]["problems"][0]
    assert layers_digest(store) == before


def test_untagged_gcj02_upload_is_flagged_and_reads_right_as_gcj02(app):
    from findpark.geo.datum import wgs84_to_gcj02
    import numpy as np

    client, store = app.test_client(), app.extensions["findpark_store"]
    hz = token(app, "hz")
    feats = park_plots(n=8, bump=0)
    for f in feats:
        g = shapely.transform(shapely.geometry.shape(f["geometry"]),
                              lambda c: np.column_stack(wgs84_to_gcj02(c[:, 0], c[:, 1])))
        f["geometry"] = shapely.geometry.mapping(g)
    r = upload(client, hz, fc_bytes(feats), crs="wgs84")
    imp = r.get_json()
    codes = [w["code"] for w in imp["report"]["warnings"]]
    assert codes[0] == "gcj02_signature" and 300 < imp["report"]["warnings"][0]["offset_m"] < 800
    assert imp["counts"]["plots"]["changed"] == 8  # read as WGS84 every plot moved ~500 m
    r = upload(client, hz, fc_bytes(feats), crs="gcj02")
    imp = r.get_json()
    assert imp["report"]["warnings"] == [] and imp["counts"]["plots"]["unchanged"] == 8


def test_quick_edit_sold_plot_leaves_the_recommendation(app):
    from tests.test_accounts import login

    client, store = app.test_client(), app.extensions["findpark_store"]
    req = {"industry": "汽车零部件", "land_mu_min": 10, "land_mu_max": 300, "top_k": 5}
    top = recommend(store, req)["plots"][0]
    park = store.get("parks", top["park_id"])
    out_of_scope = "jh" if park["adcode"].startswith("3301") else "hz"
    login(client, out_of_scope)
    page = client.get(f"/parks/{park['id']}")
    assert b"quick-edit-form" not in page.data
    assert client.post(f"/parks/{park['id']}/plots/{top['plot_id']}", data={"status": "sold"}).status_code == 404
    client.post("/logout")
    login(client, "boss")
    assert b"quick-edit-form" in client.get(f"/parks/{park['id']}").data
    r = client.post(f"/parks/{park['id']}/plots/{top['plot_id']}", data={"status": "sold", "price_wan_per_mu": "abc"})
    assert r.status_code == 302 and store.get("plots", top["plot_id"])["status"] == "available"  # nothing saved
    r = client.post(f"/parks/{park['id']}/plots/{top['plot_id']}", data={"status": "sold"})
    assert r.status_code == 302
    assert store.get("plots", top["plot_id"])["status"] == "sold"
    assert top["plot_id"] not in [p["plot_id"] for p in recommend(store, req)["plots"]]
    v = versions.list_versions(store)[0]
    assert v["kind"] == "edit" and v["author"] == "boss" and "available → sold" in v["note"]
    assert store.select_rows("audit_log", where={"action": "plot_edit"})[0]["target"] == f"plot:{top['plot_id']}"


@pytest.mark.slow
def test_admin_data_page_upload_preview_apply(app):
    from tests.test_accounts import login

    client, store = app.test_client(), app.extensions["findpark_store"]
    assert client.get("/admin/data").status_code == 302  # the public goes to /login
    login(client, "hz")
    page = client.get("/admin/data")
    assert page.status_code == 200 and b"upload-form" in page.data
    r = client.post("/admin/imports", data={"file": (io.BytesIO(fc_bytes(park_plots())), "plots.geojson"),
                                            "crs": "wgs84"}, content_type="multipart/form-data")
    assert r.status_code == 302
    show = client.get(r.headers["Location"])
    assert show.status_code == 200 and b"preview-data" in show.data and b"apply-btn" in show.data
    iid = r.headers["Location"].rsplit("/", 1)[1]
    assert client.post(f"/admin/imports/{iid}/apply", data={"note": "web"}).status_code == 302
    assert versions.list_versions(store)[0]["note"] == "web"
    for fmt in ("geojson", "xlsx", "gpkg"):
        r = client.get(f"/admin/data/export.{fmt}")
        assert r.status_code == 200 and len(r.data) > 1000
    exported = json.loads(client.get("/admin/data/export.geojson?layer=plots").data)
    assert len(exported["features"]) == store.count("plots")


@pytest.mark.slow
def test_export_reimports_unchanged(db, tmp_path):
    store = open_store(db)
    for fmt, name in (("geojson", "plots.geojson"), ("gpkg", "all.gpkg"), ("xlsx", "all.xlsx")):
        out = tmp_path / name
        assert cli(db, "export", "--format", fmt, "--out", str(out)).exit_code == 0
        args = ["--crs", "EPSG:4326"] if fmt == "xlsx" else []
        r = cli(db, "import", "stage", str(out), *args, "--json")
        imp = json.loads(r.stdout)
        assert imp["ok"], imp["report"]["problems"][:3]
        for layer, c in imp["counts"].items():
            assert c["added"] == c["changed"] == c["removed"] == 0, (fmt, layer, c)
    private = open_store(tmp_path / "all.gpkg")
    assert private.count_rows("users") == 0 and private.count_rows("audit_log") == 0
    private.close()
    store.close()


def test_readers_are_served_during_an_apply(app, tmp_path):
    client, store = app.test_client(), app.extensions["findpark_store"]
    boss = token(app, "boss")
    feats = park_plots(park="G331018", n=40)
    iid = upload(client, boss, fc_bytes(feats, datum="wgs84")).get_json()["id"]
    old, errors, seen = store.data_version, [], set()
    stop = threading.Event()

    def reader():
        c = app.test_client()
        while not stop.is_set():
            r = c.get("/api/v1/plots?park_id=G331018&limit=5")
            if r.status_code != 200:
                errors.append(r.status_code)
            seen.add(r.get_json()["plots"][0]["price_wan_per_mu"])

    t = threading.Thread(target=reader)
    t.start()
    try:
        assert client.post(f"/api/v1/imports/{iid}/apply", headers=boss).status_code == 200
    finally:
        stop.set()
        t.join()
    assert not errors and seen and store.data_version > old
