"""gzip for text responses (findpark/web/compress.py): what is compressed, what is not, and that nothing changes
but the encoding."""
from __future__ import annotations

import gzip
import json
import re

import pytest

GZ = {"Accept-Encoding": "gzip, deflate, br"}


def _plain_and_gzipped(client, url):
    plain = client.get(url)
    packed = client.get(url, headers=GZ)
    assert plain.status_code == packed.status_code == 200, url
    return plain, packed


@pytest.mark.parametrize("url, ratio", [
    ("/", 4.0),                                                              # the home page: outlines + list
    ("/api/v1/plots?bbox=120.3,30.2,120.5,30.4&format=geojson&limit=1000", 4.0),
    ("/static/vendor/leaflet-1.9.4/leaflet.js", 2.5),
    ("/static/findpark.css", 2.0),
    ("/api/v1/openapi.json", 4.0),
])
def test_text_is_gzipped_and_decodes_to_the_same_bytes(client, url, ratio):
    plain, packed = _plain_and_gzipped(client, url)
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert int(packed.headers["Content-Length"]) == len(packed.data)
    # folium names its map objects at random per render, and every page has its own CSP nonce: compare the
    # page with those blanked
    def same(body):
        return re.sub(rb'_[0-9a-f]{32}|nonce="[^"]*"|name="csrf-token" content="[^"]*"', b"_", body)  # the token is timed
    assert same(gzip.decompress(packed.data)) == same(plain.data)
    assert len(plain.data) / len(packed.data) >= ratio, (url, len(plain.data), len(packed.data))
    assert packed.mimetype == plain.mimetype


def test_static_files_keep_working_validators(client):
    url = "/static/vendor/leaflet-1.9.4/leaflet.js"
    first = client.get(url, headers=GZ)
    etag = first.headers["ETag"]
    assert etag.startswith('W/"') and "Accept-Ranges" not in first.headers
    again = client.get(url, headers={**GZ, "If-None-Match": etag})
    assert again.status_code == 304 and not again.data
    # a second full read comes from the per-version cache, identical
    assert client.get(url, headers=GZ).data == first.data
    # ranges are served from the file as is, not compressed
    part = client.get(url, headers={**GZ, "Range": "bytes=0-99"})
    assert part.status_code == 206 and len(part.data) == 100 and "Content-Encoding" not in part.headers


@pytest.mark.parametrize("url, why", [
    ("/static/fonts/NotoSansSC-findpark.woff2", "already compressed"),
    ("/api/v1/health", "too small to gain"),
])
def test_left_alone(client, url, why):
    r = client.get(url, headers=GZ)
    assert r.status_code == 200 and "Content-Encoding" not in r.headers, why


def test_not_for_clients_that_do_not_accept_it(client):
    for headers in ({}, {"Accept-Encoding": "identity"}, {"Accept-Encoding": "gzip;q=0, deflate"}):
        r = client.get("/", headers=headers)
        assert r.status_code == 200 and "Content-Encoding" not in r.headers, headers


def test_head_and_errors(client):
    head = client.head("/", headers=GZ)
    assert head.status_code == 200 and "Content-Encoding" not in head.headers
    # a large problem response is compressed like any JSON, and still decodes to the problem
    bad = client.post("/api/v1/recommend", json={"industry": "汽车零部件", "x" * 2000: 1}, headers=GZ)
    assert bad.status_code == 422
    body = gzip.decompress(bad.data) if bad.headers.get("Content-Encoding") == "gzip" else bad.data
    assert json.loads(body)["status"] == 422


def test_exports_are_not_recompressed(client):
    r = client.get("/export/compare.xlsx?ids=G331018,G331019", headers=GZ)
    assert r.status_code == 200 and "Content-Encoding" not in r.headers and r.data[:2] == b"PK"


def test_switched_off_by_config(bundled_db):
    from findpark.app import create_app

    a = create_app({"DB": str(bundled_db), "TESTING": True, "TILES": None, "GZIP": False})
    try:
        r = a.test_client().get("/", headers=GZ)
    finally:
        a.extensions["findpark_store"].close()
    assert r.status_code == 200 and "Content-Encoding" not in r.headers
