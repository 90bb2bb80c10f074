"""Branded error pages: the site header, the page's language, a way back, no traceback; API paths keep
problem details."""
from __future__ import annotations

import pytest
from flask import abort
from werkzeug.exceptions import TooManyRequests

from findpark.app import create_app
from tests.test_i18n import data_strings, untranslated  # noqa: F401  (data_strings: a fixture)


@pytest.fixture(scope="module")
def err_app(bundled_db):
    app = create_app({"DB": str(bundled_db), "TESTING": True, "TILES": None})

    @app.get("/_test/boom")
    def _boom():
        raise RuntimeError("secret detail of the bug")

    @app.get("/_test/forbidden")
    def _forbidden():
        abort(403)

    @app.get("/_test/busy")
    def _busy():
        exc = TooManyRequests(retry_after=42)
        raise exc

    @app.get("/api/v1/_test/boom")
    def _api_boom():
        raise RuntimeError("secret detail of the bug")

    yield app
    app.extensions["findpark_store"].close()


def _page(resp) -> str:
    assert resp.mimetype == "text/html"
    html = resp.get_data(as_text=True)
    assert '<header class="top">' in html and 'id="lang-switch"' in html and 'id="error-page"' in html
    return html


def test_unknown_page_is_a_chinese_page_with_the_site_header(err_app):
    r = err_app.test_client().get("/no-such-page")
    html = _page(r)
    assert r.status_code == 404 and '<html lang="zh-CN">' in html
    assert "页面不存在" in html and "返回首页" in html and "找园区" in html
    assert "Not Found" not in html


def test_unknown_page_in_english(err_app, data_strings):
    r = err_app.test_client().get("/no-such-page?lang=en")
    html = _page(r)
    assert r.status_code == 404 and '<html lang="en">' in html and "Page not found" in html
    assert "Back to the home page" in html and "页面不存在" not in html
    main = html[html.index("<main>"):html.index("</main>")]  # the header is the layout's (test_i18n checks it)
    assert untranslated(main, data_strings) == []


def test_a_bug_shows_the_branded_500_without_a_traceback(err_app):
    r = err_app.test_client().get("/_test/boom")
    html = _page(r)
    assert r.status_code == 500 and "服务器出错" in html
    assert "secret detail" not in html and "Traceback" not in html and "RuntimeError" not in html


@pytest.mark.parametrize("path, code, words", [("/_test/forbidden", 403, "无权访问"), ("/_test/busy", 429, "请求过于频繁")])
def test_403_and_429_are_branded(err_app, path, code, words):
    r = err_app.test_client().get(path)
    html = _page(r)
    assert r.status_code == code and words in html
    if code == 429:
        assert r.headers["Retry-After"] == "42"


def test_405_keeps_allow(err_app):
    r = err_app.test_client().delete("/")
    _page(r)
    assert r.status_code == 405 and "GET" in r.headers["Allow"]


def test_error_pages_carry_the_security_headers(err_app):
    r = err_app.test_client().get("/no-such-page")
    assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]
    assert r.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path, code", [("/api/v1/no-such-thing", 404), ("/api/v1/_test/boom", 500), ("/ogc/nope", 404)])
def test_api_paths_keep_problem_details(err_app, path, code):
    r = err_app.test_client().get(path)
    assert r.status_code == code and r.mimetype == "application/problem+json"
    assert "secret detail" not in r.get_data(as_text=True)
