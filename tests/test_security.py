"""Hardening (issue 12 §6): security headers and the CSP nonce on every response, trusted hosts, the session
cookie's flags, paging parameters, stored XSS in server-rendered maps, spreadsheet formula injection."""
from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from werkzeug.datastructures import MultiDict

from findpark.app import create_app
from findpark.http import security
from findpark.http.parsing import BadParameter, int_param, page_number
from tests.security_data import example_requirement, make_evil_store

PAGES = ["/", "/parks/G331018", "/recommend", "/compare", "/compare?ids=G331018,G332019", "/parks/G331018/inquire",
         "/api/v1/docs", "/no-such-page"]
OTHER = ["/api/v1/parks?limit=1", "/api/v1/nope", "/ogc", "/static/findpark.css", "/api/v1/openapi.json"]


def csp_of(resp) -> dict[str, str]:
    out = {}
    for part in resp.headers["Content-Security-Policy"].split(";"):
        name, _, value = part.strip().partition(" ")
        out[name] = value
    return out


# -- headers ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", PAGES + OTHER)
def test_every_response_carries_the_security_headers(client, path):
    r = client.get(path)
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] in ("same-origin", "strict-origin-when-cross-origin")
    assert r.headers["X-Frame-Options"] == "DENY"
    assert r.headers["Server"] == "findpark"
    csp = csp_of(r)
    assert csp["default-src"] == "'self'" and csp["frame-ancestors"] == "'none'" and csp["base-uri"] == "'self'"
    assert csp["form-action"] == "'self'" and csp["connect-src"] == "'self'" and csp["object-src"] == "'none'"
    assert re.fullmatch(r"'self' 'nonce-[A-Za-z0-9_-]{20,}'", csp["script-src"]), csp["script-src"]
    assert "unsafe" not in csp["script-src"] and csp["img-src"] == "'self' data:"


@pytest.mark.parametrize("path", PAGES)
def test_every_inline_script_carries_the_requests_nonce(client, path):
    r = client.get(path)
    html = r.get_data(as_text=True)
    nonce = re.search(r"'nonce-([^']+)'", r.headers["Content-Security-Policy"]).group(1)
    scripts = re.findall(r"<script\b([^>]*)>", html)
    assert scripts
    for attrs in scripts:  # JSON data blocks (type="application/json") are never executed: no nonce needed
        if "src=" not in attrs and 'type="application/json"' not in attrs:
            assert f'nonce="{nonce}"' in attrs, (path, attrs)
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", html, re.I), "inline event handlers are refused by the CSP"
    assert "javascript:" not in html


def test_the_nonce_is_new_on_every_request(client):
    nonces = {re.search(r"'nonce-([^']+)'", client.get("/").headers["Content-Security-Policy"]).group(1)
              for _ in range(3)}
    assert len(nonces) == 3


def test_img_src_allows_the_configured_tile_hosts(bundled_db):
    app = create_app({"DB": str(bundled_db), "TESTING": True, "TILES": "amap"})
    try:
        img = csp_of(app.test_client().get("/"))["img-src"].split()
    finally:
        app.extensions["findpark_store"].close()
    assert img[:2] == ["'self'", "data:"]
    assert "https://webrd01.is.autonavi.com" in img and "https://webrd04.is.autonavi.com" in img
    assert security.tile_sources({"layers": ["/t/{z}/{x}/{y}.png", "//10.1.2.3:8080/{z}/{x}/{y}"],
                                  "subdomains": "abc"}) == ["10.1.2.3:8080"]


# -- trusted hosts ---------------------------------------------------------------------------------------
def _app(bundled_db, **config):
    return create_app({"DB": str(bundled_db), "TESTING": True, "TILES": None, **config})


def test_any_host_is_accepted_by_default(client):
    r = client.get("/ogc", headers={"Host": "anything.example"})
    assert r.status_code == 200 and "http://anything.example/ogc" in r.get_data(as_text=True)


def test_trusted_hosts_refuse_other_hosts(bundled_db, monkeypatch):
    monkeypatch.setenv("FINDPARK_TRUSTED_HOSTS", "findpark.example.gov.cn, localhost")
    app = _app(bundled_db)
    try:
        assert app.config["TRUSTED_HOSTS"] == ["findpark.example.gov.cn", "localhost"]
        c = app.test_client()
        good = c.get("/ogc", headers={"Host": "findpark.example.gov.cn"})
        assert good.status_code == 200 and "http://findpark.example.gov.cn/ogc" in good.get_data(as_text=True)
        evil = c.get("/ogc", headers={"Host": "evil.example"})
        assert evil.status_code == 400 and evil.mimetype == "application/problem+json"
        assert "http://evil.example" not in evil.get_data(as_text=True)  # no link built on that host
        page = c.get("/", headers={"Host": "evil.example"})
        assert page.status_code == 400 and "http://evil.example" not in page.get_data(as_text=True)
        assert page.headers["X-Frame-Options"] == "DENY"
        assert c.get("/", headers={"Host": "localhost"}).status_code == 200
    finally:
        app.extensions["findpark_store"].close()


# -- session cookie --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def session_app(bundled_db):
    app = _app(bundled_db)

    @app.get("/_test/session")
    def _touch_session():
        from flask import session

        session["seen"] = True
        return "ok"

    yield app
    app.extensions["findpark_store"].close()


def _cookie(resp) -> str:
    name = resp.headers.get("Set-Cookie", "")
    assert name.startswith("session="), name
    return name


def test_session_cookie_is_lax_and_httponly_over_http(session_app):
    cookie = _cookie(session_app.test_client().get("/_test/session"))
    assert "SameSite=Lax" in cookie and "HttpOnly" in cookie and "Secure" not in cookie


def test_session_cookie_is_secure_over_https(session_app):
    c = session_app.test_client()
    cookie = _cookie(c.get("/_test/session", base_url="https://localhost"))
    assert "Secure" in cookie and "SameSite=Lax" in cookie and "HttpOnly" in cookie


def test_proxy_fix_trusts_the_proxys_scheme(bundled_db, monkeypatch):
    monkeypatch.setenv("FINDPARK_PROXY_FIX", "1")
    app = _app(bundled_db)

    @app.get("/_test/session")
    def _touch_session():
        from flask import session

        session["seen"] = True
        return "ok"

    try:
        r = app.test_client().get("/_test/session", headers={"X-Forwarded-Proto": "https"})
        assert "Secure" in _cookie(r)
    finally:
        app.extensions["findpark_store"].close()


# -- paging parameters -----------------------------------------------------------------------------------
@pytest.mark.parametrize("raw", ["0", "-1", "abc", "1.5", "99999999999999999999", "²", "１"])
def test_page_number_refuses_what_is_not_a_page(raw):
    with pytest.raises(BadParameter) as info:
        page_number(MultiDict({"page": raw}))
    assert info.value.code == 400 and info.value.param == "page"


def test_page_number_accepts_pages():
    assert page_number(MultiDict()) == 1 and page_number(MultiDict({"page": ""})) == 1
    assert page_number(MultiDict({"page": " 7 "})) == 7
    with pytest.raises(BadParameter):
        page_number(MultiDict([("page", "1"), ("page", "2")]))
    with pytest.raises(BadParameter):
        page_number(MultiDict({"page": "11"}), max_pages=10)
    assert int_param(MultiDict({"limit": "100"}), "limit", 30, 1, 100) == 100


def test_industry_search_limit_is_validated(client):
    assert len(client.get("/recommend/industries?q=&limit=5").get_json()["items"]) == 5
    for bad in ("abc", "0", "99999999999999999999"):
        r = client.get(f"/recommend/industries?q=&limit={bad}")
        assert r.status_code == 400 and r.mimetype == "application/problem+json"
        assert r.get_json()["invalid-params"][0]["name"] == "limit"


def test_a_bad_page_parameter_is_a_400_page_naming_it(bundled_db):
    app = _app(bundled_db)

    @app.get("/_test/paged")
    def _paged():
        from flask import request

        return str(page_number(request.args))

    try:
        c = app.test_client()
        assert c.get("/_test/paged?page=3").get_data(as_text=True) == "3"
        r = c.get("/_test/paged?page=99999999999999999999")
        html = r.get_data(as_text=True)
        assert r.status_code == 400 and 'class="top"' in html and "参数 page 应为 1-100000 之间的整数" in html
        r = c.get("/_test/paged?page=x&lang=en")
        assert r.status_code == 400 and "The parameter page must be a whole number from 1 to 100000" in r.get_data(as_text=True)
    finally:
        app.extensions["findpark_store"].close()


# -- stored XSS: server side -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def evil(bundled_db, tmp_path_factory):
    path, renamed = make_evil_store(bundled_db, tmp_path_factory.mktemp("evil") / "evil.gpkg")
    app = _app(path)
    yield app, renamed
    app.extensions["findpark_store"].close()


RAW = ("<img src=x", "<svg onload", "<script>alert", "<b onmouseover")


def test_evil_park_names_are_escaped_in_pages_and_maps(evil):
    app, renamed = evil
    c = app.test_client()
    ids = list(renamed)
    paths = ["/", "/compare?ids=" + ",".join(ids), "/recommend?example=auto_parts", *(f"/parks/{i}" for i in ids)]
    for path in paths:
        html = c.get(path).get_data(as_text=True)
        assert not [s for s in RAW if s in html], path
    home = c.get("/").get_data(as_text=True)
    assert "&lt;img src=x onerror=alert(1)&gt;" in home  # in the list and, escaped, in the map's tooltip data


# -- spreadsheet formula injection -----------------------------------------------------------------------
FORMULA = '=HYPERLINK("http://x","y")'


def _cells(data: bytes):
    wb = load_workbook(io.BytesIO(data))
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


def test_recommendation_xlsx_neutralises_formulas(app):
    from findpark.reports import recommendation as report
    from findpark.siting import Requirement, recommend

    store = app.extensions["findpark_store"]
    req = Requirement.model_validate({**example_requirement(), "name": FORMULA})
    resp = recommend(store, req)
    data = report.workbook(resp, req, report.park_provenance(store, [r["park_id"] for r in resp["parks"]]))
    cells = _cells(data)
    named = [c for c in cells if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert named, "the requirement's name is in the workbook"
    for c in cells:
        assert c.data_type != "f", (c.coordinate, c.value)
        if isinstance(c.value, str):
            assert not c.value.startswith(("=", "+", "-", "@", "\t", "\r")), (c.coordinate, c.value)
    assert all(c.data_type == "s" and c.value == "'" + FORMULA for c in named)


def test_comparison_xlsx_neutralises_evil_park_names(evil):
    from findpark.reports import comparison as report
    from findpark.services.comparison import compare_data

    app, renamed = evil
    evil_ids = list(renamed)[:2]
    store = app.extensions["findpark_store"]
    with app.test_request_context():
        data = compare_data(store, evil_ids, None)
    for c in _cells(report.workbook(data)):
        assert c.data_type != "f"


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"])
def test_sheet_makes_formula_like_text_inert(value):
    from findpark.reports import xlsx

    wb = xlsx.new_workbook(value)
    xlsx.sheet(wb, "s", [value, "ok"], [[value, 3, -2.5, None, "正常"]])
    ws = load_workbook(io.BytesIO(xlsx.workbook_bytes(wb)))["s"]
    for cell in (ws["A1"], ws["A2"]):
        assert cell.data_type == "s" and cell.value.startswith("'") and cell.value[1:].strip() == value.strip()
    assert ws["B2"].value == 3 and ws["C2"].value == -2.5 and ws["E2"].value == "正常"
