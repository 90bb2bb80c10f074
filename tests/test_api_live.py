"""Real clients against a live gunicorn server on loopback: GDAL's OGC API Features driver and concurrent load."""
import json
import urllib.request

import pyogrio

from tools import loadtest


def test_gdal_reads_every_collection(live_server, bundled_store):
    for layer in ("parks", "plots", "amenities"):
        df = pyogrio.read_dataframe(f"OAPIF:{live_server}/ogc", layer=layer)
        assert len(df) == bundled_store.count(layer), layer
        assert df.crs is not None and df.crs.equals("OGC:CRS84") or df.crs.to_epsg() == 4326, df.crs
    plots = pyogrio.read_dataframe(f"OAPIF:{live_server}/ogc", layer="plots", bbox=(120.2, 30.1, 120.6, 30.5))
    assert len(plots) == len(bundled_store.read("plots", bbox=(120.2, 30.1, 120.6, 30.5)))
    assert set(plots["park_id"]) <= bundled_store.ids("parks")


def test_concurrent_load_has_no_errors(live_server):
    req = json.load(open("examples/auto_parts.json", encoding="utf-8"))
    health = loadtest.run(live_server, "GET", "/api/v1/health", clients=20, seconds=2.0)
    rec = loadtest.run(live_server, "POST", "/api/v1/recommend", req, clients=20, seconds=2.0)
    for r in (health, rec):
        assert r.errors == 0, r.statuses
        assert r.requests > 20
    print(f"\nhealth {health.rps:.0f} req/s, recommend {rec.rps:.0f} req/s "
          f"(ratio {rec.rps / health.rps:.2f}; p95 {rec.percentile(0.95):.0f} ms)")


def test_live_server_never_500s_on_garbage(live_server):
    for path, body, ctype in (("/api/v1/recommend", b"\xff\xfe", "application/json"),
                              ("/api/v1/recommend", b"[1,2]", "application/json"),
                              ("/api/v1/inquiries", b"{}", "text/plain")):
        request = urllib.request.Request(live_server + path, data=body, headers={"Content-Type": ctype}, method="POST")
        try:
            urllib.request.urlopen(request, timeout=10)
            raise AssertionError("expected an error status")
        except urllib.error.HTTPError as exc:
            assert 400 <= exc.code < 500 and exc.headers["Content-Type"].startswith("application/problem+json")


def test_gzip_over_real_http(live_server):
    """gunicorn passes the gzip body through intact: the GeoJSON decodes to the identity answer."""
    import gzip

    url = live_server + "/api/v1/plots?bbox=120.3,30.2,120.5,30.4&format=geojson&limit=500"
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept-Encoding": "gzip"}), timeout=10) as r:
        assert r.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in r.headers["Vary"]
        packed = r.read()
    with urllib.request.urlopen(url, timeout=10) as r:
        assert r.headers.get("Content-Encoding") is None
        plain = json.loads(r.read())
    fc = json.loads(gzip.decompress(packed))
    assert fc == plain and fc["type"] == "FeatureCollection" and len(fc["features"]) > 50
