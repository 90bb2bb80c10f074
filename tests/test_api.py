"""/api/v1 and /ogc through Flask's test client: filters, formats, contracts, inquiries, CORS."""
import json
import re

import pytest
import shapely
from shapely.geometry import shape

from findpark.siting import recommend
from tests.conftest import copy_store
from findpark.app import create_app


@pytest.fixture()
def app(bundled_db, tmp_path):
    db = copy_store(bundled_db, tmp_path / "api.gpkg")  # a writable copy: inquiries are written
    return create_app({"DB": str(db), "TESTING": True})


def get(client, url, status=200):
    r = client.get(url)
    assert r.status_code == status, (url, r.get_data(as_text=True)[:300])
    return r.get_json(force=True)


def test_parks_filters_and_paging(client):
    all_ = get(client, "/api/v1/parks?limit=1000")
    assert all_["total"] == 120 and len(all_["parks"]) == 120
    p = all_["parks"][0]
    assert {"id", "name", "source", "as_of", "synthetic", "available_mu", "centroid"} <= set(p) and "geometry" not in p
    page1 = get(client, "/api/v1/parks?limit=50&offset=0")["parks"]
    page3 = get(client, "/api/v1/parks?limit=50&offset=100")["parks"]
    assert len(page3) == 20 and not {x["id"] for x in page1} & {x["id"] for x in page3}
    bio = get(client, "/api/v1/parks?industry=生物医药&limit=1000")
    assert 0 < bio["total"] < 120
    hz = get(client, "/api/v1/parks?adcode=3301&limit=1000")
    assert hz["total"] == 14 and all(x["adcode"].startswith("3301") for x in hz["parks"])
    assert get(client, "/api/v1/parks?district=萧山区")["total"] >= 1
    assert get(client, "/api/v1/parks?level=national&limit=1000")["total"] == 38
    big = get(client, "/api/v1/parks?min_available_mu=1000&limit=1000")
    assert all(x["available_mu"] >= 1000 for x in big["parks"]) and big["total"] < 120
    assert get(client, "/api/v1/parks?q=杭州经济")["parks"][0]["id"] == "G331018"
    box = get(client, "/api/v1/parks?bbox=120.0,30.0,120.6,30.5&limit=1000")
    assert 0 < box["total"] < 120


def _check_rfc7946(fc):
    assert "crs" not in fc
    text = json.dumps(fc)
    assert not re.search(r"\d\.\d{8,}", text)
    for f in fc["features"]:
        g = f["geometry"]
        polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"] if g["type"] == "MultiPolygon" else []
        for rings in polys:
            assert shapely.LinearRing(rings[0]).is_ccw


def test_geojson_format(client):
    r = client.get("/api/v1/parks?format=geojson&limit=10")
    assert r.status_code == 200 and r.mimetype == "application/geo+json"
    fc = r.get_json(force=True)
    assert fc["type"] == "FeatureCollection" and fc["numberMatched"] == 120 and fc["numberReturned"] == 10
    _check_rfc7946(fc)
    fc = get(client, "/api/v1/plots?format=geojson&park_id=G331018&limit=1000")
    _check_rfc7946(fc)
    assert all(f["properties"]["park_id"] == "G331018" for f in fc["features"])


def test_park_detail_has_indicators_provenance_and_plots(client, bundled_store):
    p = get(client, "/api/v1/parks/G331018")
    assert p["source"] and p["as_of"] and "tax_per_mu_wan" in p["synthetic"]
    ind = {i["key"]: i for i in p["indicators"]}
    assert ind["tax_per_mu_wan"]["synthetic"] is True and ind["core_area_ha"]["synthetic"] is False
    assert ind["area_mu"]["synthetic"] is True  # approximate boundary
    plots = get(client, "/api/v1/plots?park_id=G331018&limit=1000")
    s = p["plots_summary"]
    assert s["n_plots"] == plots["total"]
    avail = [x for x in plots["plots"] if x["status"] == "available"]
    assert s["n_available"] == len(avail) and s["available_mu"] == pytest.approx(sum(x["area_mu"] for x in avail), abs=0.05)
    assert get(client, "/api/v1/parks/NOPE", 404)["status"] == 404


def test_plots_filters(client, bundled_store):
    r = get(client, "/api/v1/plots?status=available&min_mu=80&max_mu=120&land_use=M1&limit=1000")
    assert r["total"] > 0 and all(x["status"] == "available" and 80 <= x["area_mu"] <= 120 and x["land_use"] == "M1"
                                  for x in r["plots"])
    bbox = (120.2, 30.1, 120.6, 30.5)
    r = get(client, "/api/v1/plots?bbox=120.2,30.1,120.6,30.5&limit=1000")
    assert r["total"] == len(bundled_store.read("plots", bbox=bbox))
    one = get(client, f"/api/v1/plots/{r['plots'][0]['id']}")
    assert one["park_name"] and one["centroid"]
    assert get(client, "/api/v1/plots?min_mu=50&max_mu=10", 400)["invalid-params"][0]["name"] == "max_mu"


def test_amenities(client):
    r = get(client, "/api/v1/amenities?kind=airport")
    assert r["total"] == 4 and all(a["kind"] == "airport" and len(a["location"]) == 2 for a in r["amenities"])
    assert get(client, "/api/v1/amenities?kind=spaceport", 400)["invalid-params"][0]["name"] == "kind"


def test_recommend_matches_the_library(client, app):
    req = json.load(open("examples/auto_parts.json", encoding="utf-8"))
    r = client.post("/api/v1/recommend", json=req)
    assert r.status_code == 200
    api = r.get_json()
    lib = recommend(app.extensions["findpark_store"], req)
    assert [p["plot_id"] for p in api["plots"]] == [p["plot_id"] for p in lib["plots"]]
    assert api["excluded"] == lib["excluded"]
    bad = client.post("/api/v1/recommend", json={"industry": "宇宙飞船", "land_mu_min": -1, "extra": 1})
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json"
    names = {e["name"] for e in bad.get_json()["invalid-params"]}
    assert {"industry", "land_mu_min", "extra"} <= names


def test_compare(client):
    r = get(client, "/api/v1/compare?ids=G331018,G332019")
    assert [p["id"] for p in r["parks"]] == ["G331018", "G332019"]
    assert all(len(p["indicators"]) == len(r["indicators"]) for p in r["parks"]) and "fit" not in r["parks"][0]
    assert get(client, "/api/v1/compare?ids=G331018", 400)["invalid-params"][0]["name"] == "ids"
    assert "NOPE" in get(client, "/api/v1/compare?ids=G331018,NOPE", 404)["detail"]
    body = {"ids": ["G331018", "G332019", "G331019"],
            "requirement": {"industry": "生物医药", "land_mu_min": 10, "land_mu_max": 100}}
    r = client.post("/api/v1/compare", json=body)
    assert r.status_code == 200
    out = r.get_json()
    assert out["requirement"]["industry_codes"]
    for p in out["parks"]:
        fit = p["fit"]
        if fit["best_plot_id"]:
            assert fit["best_plot_id"].startswith(p["id"] + "-") and fit["reasons"]
            assert abs(sum(fit["contributions"].values()) - fit["score"]) < 4e-4  # each rounded to 4 decimals (README)
        assert fit["n_eligible_plots"] + fit["excluded"]["total"] == p["plots_summary"]["n_plots"]
    r = client.post("/api/v1/compare", json={**body, "requirement": {"industry": "x"}})
    assert r.status_code == 422 and r.get_json()["invalid-params"][0]["name"] == "requirement.industry"


INQUIRY = {"park_id": "G331018", "company": "某新能源科技有限公司", "contact_name": "王经理", "contact_phone": "0571-8888 6666",
           "project_summary": "新能源汽车零部件, 用地 80-120 亩", "industry": "汽车零部件"}


def test_inquiries(client, app):
    version = get(client, "/api/v1/health")["data_version"]  # before any inquiry is written
    r = client.post("/api/v1/inquiries", json=INQUIRY)
    assert r.status_code == 201, r.get_data(as_text=True)
    made = r.get_json()
    assert made["token"] and r.headers["Location"].endswith(f"/api/v1/inquiries/{made['id']}")
    secret = client.post("/api/v1/inquiries", json={**INQUIRY, "company": "保密公司", "confidential": True}).get_json()
    got = client.get(f"/api/v1/inquiries/{made['id']}", headers={"X-Inquiry-Token": made["token"]})
    assert got.status_code == 200 and got.get_json()["contact_phone"] == "0571-8888 6666"
    assert "token_sha256" not in got.get_json() and "token" not in got.get_json()
    assert got.headers["Cache-Control"] == "no-store" and r.headers["Cache-Control"] == "no-store"
    assert got.get_json()["history"] == []  # nothing has happened to it yet
    # the token only in a header: a URL ends up in access logs
    assert client.get(f"/api/v1/inquiries/{made['id']}?token={made['token']}").status_code == 400
    assert client.get(f"/api/v1/inquiries/{made['id']}").status_code == 401
    assert client.get(f"/api/v1/inquiries/{made['id']}", headers={"X-Inquiry-Token": secret["token"]}).status_code == 403
    assert client.get("/api/v1/inquiries/ffffffffffffffff", headers={"X-Inquiry-Token": "x"}).status_code == 403
    # without a staff token the list says how many, nothing personal
    listing = get(client, "/api/v1/inquiries")
    assert listing["inquiries"] == [] and listing["counts"]["total"] >= 2 and listing["counts"]["by_status"]["new"] >= 2
    assert "保密公司" not in json.dumps(listing, ensure_ascii=False) and "0571" not in json.dumps(listing)
    store = app.extensions["findpark_store"]
    n = store.list_inquiries()[1]
    for bad, field in (({**INQUIRY, "park_id": "NOPE"}, "park_id"), ({**INQUIRY, "plot_id": "G331019-001"}, "plot_id"),
                       ({k: v for k, v in INQUIRY.items() if k != "contact_phone"}, "request"),
                       ({**INQUIRY, "company": ""}, "company")):
        r = client.post("/api/v1/inquiries", json=bad)
        assert r.status_code == 422 and field in {e["name"] for e in r.get_json()["invalid-params"]}, (field, r.get_json())
    assert store.list_inquiries()[1] == n  # nothing written by the rejected ones
    # posting inquiries does not bump data_version, so it does not invalidate the siting caches
    assert version is not None and get(client, "/api/v1/health")["data_version"] == version == store.data_version


def test_profiles_and_health(client):
    assert {p["name"] for p in get(client, "/api/v1/profiles")["profiles"]} >= {"default", "logistics"}
    h = get(client, "/api/v1/health")
    assert h["status"] == "ok" and h["counts"]["parks"] == 120


def test_cors_off_by_default_and_configurable(bundled_db, client):
    r = client.get("/api/v1/health", headers={"Origin": "http://crm.example.org"})
    assert "Access-Control-Allow-Origin" not in r.headers
    app = create_app({"DB": str(bundled_db), "CORS_ORIGINS": ["http://crm.example.org"]})
    c = app.test_client()
    r = c.get("/api/v1/health", headers={"Origin": "http://crm.example.org"})
    assert r.headers["Access-Control-Allow-Origin"] == "http://crm.example.org"
    r = c.options("/api/v1/recommend", headers={"Origin": "http://crm.example.org",
                                                "Access-Control-Request-Method": "POST"})
    assert r.status_code == 200 and "POST" in r.headers["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Origin" not in c.get("/api/v1/health", headers={"Origin": "http://evil.example.com"}).headers


def test_ogc_paging_follows_next_links(client, bundled_store):
    url, seen = "/ogc/collections/amenities/items?limit=100", []
    while url:
        r = client.get(url)
        assert r.status_code == 200 and r.mimetype == "application/geo+json"
        fc = r.get_json(force=True)
        assert fc["numberMatched"] == bundled_store.count("amenities")
        seen += [f["id"] for f in fc["features"]]
        nxt = [link["href"] for link in fc["links"] if link["rel"] == "next"]
        url = nxt[0].replace("http://localhost", "") if nxt else None
    assert len(seen) == len(set(seen)) == bundled_store.count("amenities")
    fc = get(client, "/ogc/collections/plots/items?bbox=120.2,30.1,120.6,30.5&limit=10000")
    assert fc["numberMatched"] == len(bundled_store.read("plots", bbox=(120.2, 30.1, 120.6, 30.5)))
    f = get(client, "/ogc/collections/parks/items/G331018")
    assert f["id"] == "G331018" and shape(f["geometry"]).is_valid
    coll = get(client, "/ogc/collections/plots")
    minx, miny, maxx, maxy = coll["extent"]["spatial"]["bbox"][0]
    assert 118 < minx < maxx < 123 and 27 < miny < maxy < 31.5
    assert get(client, "/ogc/collections/roads", 404)["status"] == 404


def test_docs_page_is_offline(client):
    html = client.get("/api/v1/docs").get_data(as_text=True)
    assert "/static/vendor/swagger-ui-5/swagger-ui-bundle.js" in html and "validatorUrl: null" in html
    assert not re.findall(r"(?:src|href)=\"https?://", html)
