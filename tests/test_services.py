"""Services shared by the pages and the API (one validation, one creation, one search), and the composition
root (the app factory opens the store but never writes it)."""
from __future__ import annotations

import json
import re

import pytest
from pydantic import ValidationError

from findpark.app import create_app
from findpark.services import inquiries
from findpark.services.parks import ParkFilter, search
from findpark.store import StoreError, open_store

from tests.conftest import copy_store

GOOD = {"park_id": "G331018", "company": "某公司", "contact_name": "王经理", "contact_phone": "0571-88880000",
        "project_summary": "电驱动总成项目"}


@pytest.fixture()
def store(bundled_db, tmp_path):
    s = open_store(copy_store(bundled_db, tmp_path / "copy.gpkg"))
    yield s
    s.close()


def test_inquiry_validation_names_every_problem(store):
    assert inquiries.validate(store, GOOD).park_id == "G331018"
    with pytest.raises(ValidationError) as exc:
        inquiries.validate(store, {**GOOD, "contact_phone": None})  # neither phone nor e-mail
    assert "contact_phone or contact_email" in str(exc.value)
    with pytest.raises(inquiries.InquiryRefused) as refused:
        inquiries.validate(store, {**GOOD, "park_id": "G000000", "plot_id": "G331018-001"})
    assert refused.value.problems["park_id"] == ("unknown_park", "G000000")
    assert refused.value.problems["plot_id"] == ("unknown_plot", "G331018-001")  # not a plot of G000000
    other = store.read("plots", where={"park_id": "G331019"}, limit=1)[0]["id"]
    with pytest.raises(inquiries.InquiryRefused) as refused:
        inquiries.validate(store, {**GOOD, "plot_id": other})
    assert list(refused.value.problems) == ["plot_id"]


def test_inquiry_created_once_with_hashed_token_and_masked_in_lists(store):
    version = store.data_version
    rec, token = inquiries.create(store, inquiries.validate(store, {**GOOD, "confidential": True}))
    assert "token_sha256" not in rec and re.fullmatch(r"[0-9a-f]{16}", rec["id"])
    stored = store.get_inquiry(rec["id"])
    assert stored["token_sha256"] != token and inquiries.token_matches(stored, token)
    assert not inquiries.token_matches(stored, token + "x")
    masked = inquiries.masked(stored)
    assert all(masked[k] is None for k in ("company", "contact_name", "contact_phone", "contact_email"))
    assert masked["project_summary"] == GOOD["project_summary"] and "token_sha256" not in masked
    assert set(inquiries.public(stored)) == set(inquiries.PUBLIC_FIELDS)
    assert not set(inquiries.PUBLIC_FIELDS) & {"contact_name", "contact_phone", "contact_email"}
    assert store.data_version == version  # inquiries are not park data: siting caches stay valid


def test_park_search_is_the_same_for_page_and_api(app, client, bundled_store):
    """One filter: the home page's list and GET /api/v1/parks answer the same parks for the same conditions."""
    parks, summaries = search(bundled_store, ParkFilter(industry="汽车零部件", min_available_mu=100))
    assert parks and all(summaries[p["id"]]["available_mu"] >= 100 for p in parks)
    api = client.get("/api/v1/parks?industry=汽车零部件&min_available_mu=100&limit=500").get_json()
    assert [p["id"] for p in api["parks"]] == [p["id"] for p in parks]
    page = client.get("/?industry=汽车零部件&land_min=100").get_data(as_text=True)
    listed = re.findall(r'<tr data-park="([^"]+)"', page)
    assert listed == [p["id"] for p in parks]


def test_app_factory_does_not_write_the_store(tmp_path, bundled_db):
    missing = tmp_path / "none.gpkg"
    with pytest.raises(StoreError, match="findpark load"):
        create_app({"DB": str(missing), "TESTING": True, "TILES": None})
    assert not missing.exists()
    db = copy_store(bundled_db, tmp_path / "c.gpkg")
    before = db.read_bytes()
    app = create_app({"DB": str(db), "TESTING": True, "TILES": None})
    assert app.test_client().get("/api/v1/health").status_code == 200
    app.extensions["findpark_store"].close()
    assert db.read_bytes() == before


def test_a_request_reads_one_snapshot(tmp_path, bundled_db):
    """Reads that make up one response share one read transaction: a writer committing in the middle of a
    request is not seen by that request (the next request sees it)."""
    import threading

    db = copy_store(bundled_db, tmp_path / "snap.gpkg")
    app = create_app({"DB": str(db), "TESTING": True, "TILES": None})
    store = app.extensions["findpark_store"]
    seen = {}

    @app.get("/_test/two-reads")
    def two_reads():
        first = (store.data_version, store.count("plots"))
        writer = threading.Thread(target=lambda: store.delete("plots", [store.read("plots", limit=1)[0]["id"]]))
        writer.start()
        writer.join()
        seen["after_write"] = True
        return {"first": first, "second": (store.data_version, store.count("plots"))}

    got = app.test_client().get("/_test/two-reads").get_json()
    assert seen["after_write"] and got["first"] == got["second"]
    after = app.test_client().get("/api/v1/health").get_json()
    assert after["data_version"] == got["first"][0] + 1 and after["counts"]["plots"] == got["first"][1] - 1
    store.close()


def test_raw_utf8_in_the_query_string(bundled_db):
    """`curl '…/api/v1/parks?industry=生物医药&adcode=3301'` (raw UTF-8, the README's own example) finds the
    same parks as the percent-encoded query, through werkzeug's server (what `make run` uses) and any PEP 3333
    server."""
    import socket
    import threading

    from werkzeug.serving import make_server

    from findpark.http.wsgi import query_bytes

    app = create_app({"DB": str(bundled_db), "TESTING": True, "TILES": None})
    expected = app.test_client().get("/api/v1/parks?industry=%E7%94%9F%E7%89%A9%E5%8C%BB%E8%8D%AF&adcode=3301")
    assert expected.get_json()["total"] >= 1
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with socket.create_connection(("127.0.0.1", server.server_port), timeout=10) as sock:
            sock.sendall("GET /api/v1/parks?industry=生物医药&adcode=3301 HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n"
                         .encode("utf-8"))
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
        body = json.loads(data.split(b"\r\n\r\n", 1)[1])
        assert body["total"] == expected.get_json()["total"] and body["parks"][0]["id"] == expected.get_json()["parks"][0]["id"]
    finally:
        server.shutdown()
        thread.join(timeout=10)
        app.extensions["findpark_store"].close()
    raw = "industry=生物医药".encode("utf-8")
    assert query_bytes(raw.decode("latin-1")) == raw  # PEP 3333
    assert query_bytes(raw.decode("latin-1").encode("utf-8").decode("latin-1")) == raw  # werkzeug's dev server
    assert query_bytes("q=café".encode("utf-8").decode("latin-1")) == "q=café".encode("utf-8")


def test_unknown_industry_in_the_park_search_cli_suggests(client, bundled_db):
    """`findpark parks --industry` with text that is no label, trade name, code or fragment of any 主导产业 exits 2
    with the closest labels; the API's search answers an empty list (as a search does) and the recommend
    endpoint refuses it with suggestions."""
    from click.testing import CliRunner

    from findpark.cli import main

    assert client.get("/api/v1/parks?industry=宇宙飞船").get_json()["total"] == 0
    assert client.get("/api/v1/parks?industry=医药").get_json()["total"] >= 1  # a fragment still searches
    assert client.get("/api/v1/parks?industry=芯片").status_code == 200  # a trade name resolves
    out = CliRunner().invoke(main, ["parks", "--industry", "宇宙飞船", "--db", str(bundled_db)])
    assert out.exit_code == 2 and "closest labels" in out.output
