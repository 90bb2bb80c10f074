"""One product, two stores: the same bundled data in a GeoPackage and in PostGIS gives the same answers.

Siting (API and CLI), park search, bbox windows, OGC items, comparisons and evaluations are compared byte for
byte (as parsed JSON; only ``backend`` in /health and the OGC ``timeStamp`` differ); the inquiry round trip,
``findpark load --db postgresql://…`` and ``findpark db copy`` run on both. Live lanes: GDAL reads OGC API
Features served from PostGIS, and two gunicorn servers on one PostGIS both see a new import on their next request.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from findpark.bootstrap import load_bundled
from findpark.store import open_store
from findpark.store.schema import LAYERS, TABLES
from tests import pgcluster
from tests.conftest import REPO, _free_port, copy_store, plot_feature, wait_until_serving, write_fc

EXAMPLE = json.loads((REPO / "examples" / "auto_parts.json").read_text("utf-8"))
GETS = [
    "/api/v1/health", "/api/v1/parks", "/api/v1/parks?format=geojson&limit=500",
    "/api/v1/parks?industry=生物医药&adcode=3301", "/api/v1/parks?q=杭州&level=national&limit=5&offset=2",
    "/api/v1/parks?bbox=120.2,30.1,120.6,30.5", "/api/v1/parks?min_available_mu=100", "/api/v1/parks/G331018",
    "/api/v1/plots?status=available&min_mu=80&max_mu=120&format=geojson",
    "/api/v1/plots?bbox=120.2,30.1,120.6,30.5&format=geojson&limit=1000",
    "/api/v1/plots?bbox=120.2,30.1,120.6,30.5&limit=7&offset=5", "/api/v1/plots?park_id=G331018&land_use=M1",
    "/api/v1/plots?bbox=120.2,30.1,120.6,30.5&format=geojson&limit=1", "/api/v1/amenities?format=geojson",
    "/api/v1/amenities?kind=airport", "/api/v1/evaluation", "/api/v1/evaluation?quarter=2024Q4",
    "/api/v1/parks/G331018/evaluation", "/api/v1/compare?ids=G331018,G332019",
    "/ogc/collections", "/ogc/collections/plots", "/ogc/collections/plots/items?limit=100",
    "/ogc/collections/plots/items?bbox=120.2,30.1,120.6,30.5&limit=50&offset=10",
    "/ogc/collections/parks/items?limit=1000", "/ogc/collections/parks/items/G331018",
    "/ogc/collections/amenities/items?bbox=119,29,121,31", "/api/v1/plots/nope", "/ogc/collections/plots/items/nope",
]
POSTS = [
    ("/api/v1/recommend", EXAMPLE),
    ("/api/v1/recommend", {"industry": "生物医药", "land_mu_min": 20, "land_mu_max": 80}),
    ("/api/v1/recommend", {"industry": "生物医药", "floor_m2": 5000, "districts": ["杭州市"]}),
    ("/api/v1/recommend", {"industry": "C27", "land_mu_min": 10, "max_distance_km": {"airport": 60}, "top_k": 50,
                           "profile": "manufacturing"}),
    ("/api/v1/recommend", {"industry": "化工", "land_mu_max": 200, "eia": "报告书", "power_kva": 2000}),
    ("/api/v1/compare", {"ids": ["G331018", "G332019"],
                         "requirement": {"industry": "生物医药", "land_mu_min": 20, "land_mu_max": 80}}),
]


@pytest.fixture(scope="module")
def pg_url():
    url = pgcluster.url()
    store = open_store(url)
    load_bundled(store)
    store.close()
    return url


@pytest.fixture(scope="module")
def clients(bundled_db, pg_url):
    from findpark.app import create_app

    apps = [create_app({"DB": str(bundled_db), "TESTING": True, "TILES": None}),
            create_app({"DB": pg_url, "TESTING": True, "TILES": None})]
    yield [a.test_client() for a in apps]
    for a in apps:
        a.extensions["findpark_store"].close()


def _epoch(stamp):
    from datetime import datetime

    return datetime.fromisoformat(stamp).timestamp()


def _same(responses):
    (a, b) = responses
    assert a.status_code == b.status_code, (a.status_code, b.status_code)
    ja, jb = a.get_json(), b.get_json()
    if isinstance(ja, dict) and ja.get("backend"):
        assert (ja.pop("backend"), jb.pop("backend")) == ("gpkg", "postgis")
    if isinstance(ja, dict) and "timeStamp" in ja:  # OGC: the response time, not the data; may straddle a second
        assert abs(_epoch(ja.pop("timeStamp")) - _epoch(jb.pop("timeStamp"))) < 60
    assert ja == jb
    return ja


@pytest.mark.parametrize("path", GETS)
def test_get_answers_are_identical(clients, path):
    _same([c.get(path) for c in clients])


@pytest.mark.parametrize("path,body", POSTS, ids=[f"{p}-{i}" for i, (p, _) in enumerate(POSTS)])
def test_siting_answers_are_identical(clients, path, body):
    got = _same([c.post(path, json=body) for c in clients])
    if path.endswith("recommend"):
        assert got["plots"] or got["parks"]


def test_cli_recommend_is_identical(runner, bundled_db, pg_url, tmp_path):
    from findpark.cli import main

    req = tmp_path / "req.json"
    req.write_text(json.dumps(EXAMPLE, ensure_ascii=False), "utf-8")
    out = [runner.invoke(main, ["recommend", str(req), "--json", "--db", str(db)]) for db in (bundled_db, pg_url)]
    assert out[0].exit_code == out[1].exit_code == 0, out[1].output
    assert json.loads(out[0].output) == json.loads(out[1].output)
    table = [runner.invoke(main, ["recommend", str(req), "--db", str(db)]).output for db in (bundled_db, pg_url)]
    assert table[0] == table[1]


@pytest.mark.parametrize("kind", ["gpkg", "postgis"])
def test_inquiry_round_trip(kind, bundled_db, tmp_path):
    from findpark.app import create_app

    if kind == "gpkg":
        url = str(copy_store(bundled_db, tmp_path / "w.gpkg"))
    else:
        url = pgcluster.url()
        s = open_store(url)
        load_bundled(s)
        s.close()
    app = create_app({"DB": url, "TESTING": True, "TILES": None})
    client = app.test_client()
    try:
        version = client.get("/api/v1/health").get_json()["data_version"]
        body = {"park_id": "G331018", "company": "某新能源科技有限公司", "contact_name": "王经理",
                "contact_phone": "0571-8888 6666", "project_summary": "新能源汽车零部件", "industry": "汽车零部件"}
        made = client.post("/api/v1/inquiries", json=body)
        assert made.status_code == 201, made.get_data(as_text=True)
        made = made.get_json()
        secret = client.post("/api/v1/inquiries", json={**body, "company": "保密公司", "confidential": True}).get_json()
        got = client.get(f"/api/v1/inquiries/{made['id']}", headers={"X-Inquiry-Token": made["token"]})
        assert got.status_code == 200 and got.get_json()["contact_phone"] == "0571-8888 6666"
        assert client.get(f"/api/v1/inquiries/{made['id']}", headers={"X-Inquiry-Token": secret["token"]}).status_code == 403
        store = app.extensions["findpark_store"]
        assert [i["id"] for i in store.list_inquiries()[0]] == [secret["id"], made["id"]]
        assert client.get("/api/v1/health").get_json()["data_version"] == version  # not geodata
    finally:
        app.extensions["findpark_store"].close()


def _everything(store) -> dict:
    return {"version": store.data_version, "uid": store.uid,
            "layers": {n: [{**r, "geometry": r["geometry"].wkb} for r in store.read(n)] for n in LAYERS},
            "tables": {t: store.select_rows(t) for t in TABLES if t not in ("load_log", "changes")},
            "inquiries": store.list_inquiries(limit=None)}


def test_db_copy_round_trip_and_all_or_nothing(runner, bundled_db, tmp_path):
    from findpark.cli import main

    src = open_store(copy_store(bundled_db, tmp_path / "src.gpkg"))
    src.add_inquiry({"id": "i1", "created_at": "2026-01-01T00:00:00Z", "park_id": "G331018", "company": "甲",
                     "confidential": False, "token_sha256": "0" * 64, "status": "new"})
    src.add_inquiry({"id": "i0", "created_at": "2026-01-01T00:00:00Z", "park_id": "G331018", "company": "乙",
                     "confidential": True, "token_sha256": "1" * 64, "status": "new"})
    src.insert_row("users", {"username": "wang", "role": "staff", "scopes": ["3301"], "disabled": False})
    pg, back = pgcluster.url(), tmp_path / "back.gpkg"
    r = runner.invoke(main, ["db", "copy", src.url, pg])
    assert r.exit_code == 0, r.output
    assert "plots 4070" in r.output
    r = runner.invoke(main, ["db", "copy", pg, str(back)])
    assert r.exit_code == 0, r.output
    want = _everything(src)
    for url in (pg, str(back)):
        s = open_store(url)
        try:
            assert _everything(s) == want
        finally:
            s.close()
    r = runner.invoke(main, ["db", "copy", src.url, pg])  # a destination with data needs --replace
    assert r.exit_code != 0 and "--replace" in r.output

    # all or nothing: a failure half-way through leaves the destination exactly as it was
    from findpark.store.copy import copy_store as copy_all

    dst = open_store(pg)
    before = _everything(dst)
    src.write({"plots": [{**src.get("plots", "G331018-001"), "status": "sold"}]} if src.get("plots", "G331018-001")
              else {"parks": [src.get("parks", "G331018")]})
    calls = []

    def failing_insert(table, row, _orig=dst.insert_row):
        calls.append(table)
        if len(calls) > 50:
            raise RuntimeError("disk full")
        return _orig(table, row)

    dst.insert_row = failing_insert
    with pytest.raises(RuntimeError):
        copy_all(src, dst)
    del dst.insert_row
    assert _everything(dst) == before
    dst.close()
    src.close()


def test_load_into_postgis_from_the_cli(runner, tmp_path):
    from findpark.cli import main

    url = pgcluster.url()
    r = runner.invoke(main, ["load", "--db", url])
    assert r.exit_code == 0, r.output
    f = write_fc(tmp_path / "plots.geojson", [plot_feature("NEW-1")], datum="wgs84", layer="plots")
    r = runner.invoke(main, ["load", str(f), "--db", url])
    assert r.exit_code == 0, r.output
    s = open_store(url)
    try:
        assert s.get("plots", "NEW-1")["park_id"] == "G331018" and s.count("parks") == 120
    finally:
        s.close()
    bad = write_fc(tmp_path / "bad.geojson", [plot_feature("NEW-2", park_id="NOPE")], datum="wgs84", layer="plots")
    r = runner.invoke(main, ["load", str(bad), "--db", url])
    assert r.exit_code == 1 and "NOPE" in r.output


# -- live: gunicorn on PostGIS --------------------------------------------------------------------------------------
def _serve(url, tmp_path, name):
    port = _free_port()
    log = open(tmp_path / f"{name}.log", "wb")
    env = {**os.environ, "FINDPARK_DB": url, "OPENBLAS_NUM_THREADS": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "2", "--threads", "4", "-b", f"127.0.0.1:{port}",
                             "--log-level", "warning", "findpark.app:create_app()"], env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    wait_until_serving(base, proc, 60, lambda: (tmp_path / f"{name}.log").read_text(errors="replace"))
    return proc, base


def _get(url, body=None):
    import urllib.request

    req = urllib.request.Request(url, data=None if body is None else json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"} if body is not None else {})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


@pytest.mark.live
def test_gdal_reads_ogc_features_served_from_postgis(pg_url, tmp_path):
    import pyogrio

    proc, base = _serve(pg_url, tmp_path, "gdal")
    try:
        store = open_store(pg_url)
        try:
            for layer in ("parks", "plots", "amenities"):
                df = pyogrio.read_dataframe(f"OAPIF:{base}/ogc", layer=layer)
                assert len(df) == store.count(layer)
            bbox = (120.2, 30.1, 120.6, 30.5)
            got = pyogrio.read_dataframe(f"OAPIF:{base}/ogc", layer="plots", bbox=bbox)
            assert set(got["id"]) == {r["id"] for r in store.read("plots", bbox=bbox)}
        finally:
            store.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.mark.live
def test_two_servers_on_one_postgis_see_a_new_import_at_once(tmp_path, runner):
    from findpark.cli import main

    url = pgcluster.url()
    assert runner.invoke(main, ["load", "--db", url]).exit_code == 0
    servers = [_serve(url, tmp_path, f"s{i}") for i in range(2)]
    try:
        (_, a), (_, b) = servers
        for base in (a, b):  # warm every worker's caches on the old version
            for _ in range(6):
                _get(base + "/api/v1/recommend", EXAMPLE)
                _get(base + "/api/v1/parks?limit=5")
        old = _get(b + "/api/v1/health")["data_version"]
        # the import goes through server A's process environment: its worker writes with the same store code
        f = write_fc(tmp_path / "p.geojson", [plot_feature("LIVE-1", status="available", land_use="M1")],
                     datum="wgs84", layer="plots")
        env = {**os.environ, "FINDPARK_DB": url}
        done = subprocess.run([sys.executable, "-m", "findpark.cli", "load", str(f)], env=env, capture_output=True,
                              text=True, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        for base in (a, b):
            for _ in range(4):  # whichever worker answers, the very next request sees the new version
                assert _get(base + "/api/v1/health")["data_version"] == old + 1
                assert _get(base + "/api/v1/plots/LIVE-1")["id"] == "LIVE-1"
                assert _get(base + "/api/v1/recommend", EXAMPLE)["data_version"] == old + 1
    finally:
        for proc, _ in servers:
            proc.terminate()
            proc.wait(timeout=20)


@pytest.mark.parametrize("zxy", [(12, 3400, 1703), (13, 6800, 3406), (14, 13601, 6813), (10, 850, 425), (9, 425, 212)])
def test_vector_tiles_hold_the_same_features(clients, zxy):
    import mapbox_vector_tile

    z, x, y = zxy
    got = []
    for c in clients:
        r = c.get(f"/tiles/plots/{z}/{x}/{y}.mvt")
        assert r.status_code == 200 and r.mimetype == "application/vnd.mapbox-vector-tile"
        again = c.get(f"/tiles/plots/{z}/{x}/{y}.mvt", headers={"If-None-Match": r.headers["ETag"]})
        assert again.status_code == 304
        layer = mapbox_vector_tile.decode(r.data).get("plots", {"features": []})
        got.append(sorted((f["properties"]["id"], f["properties"]["status"], f["properties"]["land_use"],
                           f["properties"]["park_id"], f["properties"]["area_mu"]) for f in layer["features"]))
    assert got[0] == got[1]
    if z >= 12:
        assert got[0]


def test_tile_errors_name_the_coordinate(clients):
    for c in clients:
        r = c.get("/tiles/plots/3/9/1.mvt")
        assert r.status_code == 400 and "x=9" in r.get_json()["detail"]
        assert c.get("/tiles/nothing/3/1/1.mvt").status_code == 404
        assert c.get("/tiles/plots/8/200/100.mvt").data == b""  # below the plots' zoom: empty
