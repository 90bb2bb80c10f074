"""Browser tests: the real pages in Chromium (Playwright), served by the Flask app from a background thread.

Fixtures:
- ``web_server``: the app under werkzeug on 127.0.0.1 (a free port), on a writable copy of the bundled store.
- ``browser``: a headless Chromium (Debian's /usr/bin/chromium, or $FINDPARK_CHROMIUM, or Playwright's own).
- ``page``: a fresh page that records every request; at teardown it fails if any left 127.0.0.1, or if the
  page's Content-Security-Policy refused anything (``page.csp_violations``: the console's "Refused to …").
- ``serve_app(app)`` / ``open_page(browser, base_url)``: the same for a test's own app (another store or config).
- ``shot(page, name)``: a full-page screenshot in tests/artifacts/ (look at them).

No browser: the tests skip, saying why; under CI=true a missing browser fails the run instead.
"""
from __future__ import annotations

import os
import shutil
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import copy_store

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-default-apps", "--disable-extensions",
                 "--no-pings", "--disable-domain-reliability", "--disable-client-side-phishing-detection"]
LOCAL_SCHEMES = {"data", "blob", "about"}


def _no_browser(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but the browser tests cannot run: {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason}")


def _chromium_path(playwright) -> str | None:
    candidates = [os.environ.get("FINDPARK_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser",
                  shutil.which("chromium"), shutil.which("chromium-browser")]
    try:
        candidates.append(playwright.chromium.executable_path)  # a browser `playwright install` downloaded
    except Exception:  # noqa: BLE001 - no bundled browser is fine
        pass
    for c in candidates:
        if c and Path(c).is_file() and os.access(c, os.X_OK):
            return c
    return None


@contextmanager
def serve_app(app):
    """Serve a Flask app from a thread (werkzeug, threaded) on a free loopback port; yields its base URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="findpark-browser-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        app.extensions["findpark_store"].close()


@pytest.fixture(scope="session")
def web_server(bundled_db, tmp_path_factory):
    """Base URL of findpark served from a thread (werkzeug, threaded) on loopback."""
    from findpark.app import create_app

    db = copy_store(bundled_db, tmp_path_factory.mktemp("browser") / "browser.gpkg")
    with serve_app(create_app({"DB": str(db), "TESTING": True, "TILES": None})) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        _no_browser(f"Playwright for Python is not installed ({exc}); pip install -e '.[test]'")
    pw = sync_playwright().start()
    try:
        path = _chromium_path(pw)
        if path is None:
            _no_browser("no Chromium found (/usr/bin/chromium, $FINDPARK_CHROMIUM or `playwright install chromium`)")
        try:
            b = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        except PlaywrightError as exc:
            _no_browser(f"Chromium at {path} does not start: {str(exc).splitlines()[0]}")
        yield b
        b.close()
    finally:
        pw.stop()


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    return parts.scheme in ("http", "https", "ws", "wss") and parts.hostname == "127.0.0.1"


def _wait_for_function(pg, expression, arg=None, timeout=None, polling=None):
    """``page.wait_for_function``, polled from here: Playwright's own polls the predicate through ``new Function``
    in the page, which the pages' CSP (no 'unsafe-eval') refuses; ``page.evaluate`` goes through DevTools and
    is not subject to it."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    deadline = time.monotonic() + (15_000 if timeout is None else timeout) / 1000
    interval = polling / 1000 if isinstance(polling, (int, float)) else 0.05
    while True:
        value = pg.evaluate(expression, arg)
        if value:
            return value
        if time.monotonic() > deadline:
            raise PlaywrightTimeout(f"wait_for_function timed out: {expression[:200]}")
        time.sleep(interval)


@contextmanager
def open_page(browser, base_url: str):
    """A page in a fresh context on ``base_url``; ``page.requests_seen`` lists every request URL it made.
    On exit it fails if any request left 127.0.0.1 (or if the page made none)."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN", base_url=base_url,
                                  service_workers="block")
    pg = context.new_page()
    seen: list[str] = []
    pg.on("request", lambda req: seen.append(req.url))
    pg.requests_seen = seen
    refused: list[str] = []  # findpark/http/security.py: no page may trip its own CSP
    pg.on("console", lambda msg: refused.append(msg.text) if msg.type == "error" and (
        "Content Security Policy" in msg.text or msg.text.startswith("Refused to")) else None)
    pg.csp_violations = refused
    pg.wait_for_function = lambda expression, arg=None, timeout=None, polling=None: _wait_for_function(
        pg, expression, arg, timeout, polling)
    pg.set_default_timeout(15_000)
    try:
        yield pg
    finally:
        context.close()
    outside = [u for u in seen if not _is_local(u)]
    assert not outside, f"requests left 127.0.0.1: {outside[:10]}"
    assert not refused, f"Content-Security-Policy violations: {refused[:5]}"
    assert seen, "the page made no request at all"


@pytest.fixture()
def page(browser, web_server):
    """A page on the bundled-data server (see ``open_page``)."""
    with open_page(browser, web_server) as pg:
        yield pg


@pytest.fixture()
def shot():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def _shot(pg, name: str, full_page: bool = False) -> Path:
        path = ARTIFACTS / f"{name}.png"
        pg.screenshot(path=str(path), full_page=full_page)
        return path

    return _shot
