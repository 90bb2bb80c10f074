import hashlib
import os
import json
import re
import sqlite3
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from click.testing import CliRunner

from findpark.bootstrap import load_bundled
from findpark.ingest import load_files
from findpark.paths import DATA_DIR
from findpark.store import open_store

REPO = Path(__file__).resolve().parent.parent
# The suite posts many inquiries and exports from one address: the public rate limits are tested on their own
# (tests/test_accounts.py sets them in the app config); everywhere else they are out of the way.
os.environ.setdefault("FINDPARK_RATE_INQUIRIES", "100000 per minute")
os.environ.setdefault("FINDPARK_RATE_EXPORTS", "100000 per minute")
BROWSER_DIR = Path(__file__).resolve().parent / "browser"


def pytest_collection_modifyitems(config, items):
    """The test lanes (markers registered in setup.cfg): every test under tests/browser/ is ``browser``; a test
    on the gunicorn ``live_server`` is ``live``. ``make test-fast`` deselects browser, slow and live."""
    for item in items:
        if BROWSER_DIR in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)
        if "live_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.live)


class CSRFClient(FlaskClient):
    """A test client that sends the page's CSRF token (as the browser's scripts do, header X-CSRFToken) with
    every state-changing request to a page, unless the test gives one itself or asks for none
    (``app.test_client(csrf=False)``, to test the refusal). API paths are exempt (bearer tokens)."""

    def __init__(self, *args, csrf: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self._csrf = csrf
        self._token = None

    def open(self, *args, **kwargs):
        method = (kwargs.get("method") or "GET").upper()
        path = args[0] if args and isinstance(args[0], str) else kwargs.get("path", "")
        data = kwargs.get("data")
        gave = isinstance(data, dict) and "csrf_token" in data
        if (self._csrf and method in ("POST", "PUT", "PATCH", "DELETE") and not gave
                and not str(path).startswith(("/api/", "/ogc"))):
            headers = dict(kwargs.pop("headers", None) or {})
            headers.setdefault("X-CSRFToken", self.csrf_token())
            kwargs["headers"] = headers
        return super().open(*args, **kwargs)

    def csrf_token(self) -> str:
        if self._token is None:
            html = super().open("/login", method="GET").get_data(as_text=True)
            self._token = re.search(r'<meta name="csrf-token" content="([^"]+)"', html).group(1)
        return self._token


Flask.test_client_class = CSRFClient


@pytest.fixture(scope="session")
def bundled_db(tmp_path_factory) -> Path:
    """A store built once from the bundled data and its quarterly history (as ``findpark load`` builds it);
    tests must not write to it."""
    path = tmp_path_factory.mktemp("bundled") / "findpark.gpkg"
    store = open_store(path)
    load_bundled(store)
    store.close()
    return path


@pytest.fixture()
def bundled_store(bundled_db):
    store = open_store(bundled_db)
    yield store
    store.close()


@pytest.fixture(scope="module")
def app(bundled_db):
    """The web app on the bundled store, for reading (a module that writes overrides ``app`` with a
    ``copy_store`` copy). No tiles, whatever the environment says."""
    from findpark.app import create_app

    a = create_app({"DB": str(bundled_db), "TESTING": True, "TILES": None})
    yield a
    a.extensions["findpark_store"].close()


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def empty_store(tmp_path):
    store = open_store(tmp_path / "t.gpkg")
    store.init()
    yield store
    store.close()


@pytest.fixture()
def small_db(tmp_path) -> Path:
    """A writable store with two bundled parks, their plots and all amenities."""
    data = json.loads((DATA_DIR / "parks.geojson").read_text("utf-8"))
    plots = json.loads((DATA_DIR / "plots.geojson").read_text("utf-8"))
    keep = {"G331018", "G331019"}
    parks_fc = {**data, "features": [f for f in data["features"] if f["properties"]["id"] in keep]}
    plots_fc = {**plots, "features": [f for f in plots["features"] if f["properties"]["park_id"] in keep]}
    (tmp_path / "parks.geojson").write_text(json.dumps(parks_fc, ensure_ascii=False), "utf-8")
    (tmp_path / "plots.geojson").write_text(json.dumps(plots_fc, ensure_ascii=False), "utf-8")
    path = tmp_path / "small.gpkg"
    store = open_store(path)
    load_files(store, [tmp_path / "parks.geojson", tmp_path / "plots.geojson", DATA_DIR / "amenities.geojson"])
    store.close()
    return path


def wait_until_serving(base: str, proc, seconds: float, output) -> None:
    """Poll ``base``/api/v1/health until the server answers; if ``proc`` dies or ``seconds`` pass, kill it and
    raise RuntimeError with ``output()`` (its log)."""
    import time
    import urllib.request

    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(base + "/api/v1/health", timeout=2).read()
            return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError("the server did not start:\n" + output()[-3000:]) from None
            time.sleep(0.3)


def copy_store(src, dest) -> Path:
    """A writable copy of the store at ``src`` (online backup; the source connection is closed)."""
    store = open_store(src)
    store.backup(dest)
    store.close()
    return Path(dest)


def snapshot(path) -> str:
    """A digest of every row of every table (R*Tree included), read through a fresh connection."""
    conn = sqlite3.connect(path)
    digest = hashlib.sha256("\n".join(conn.iterdump()).encode("utf-8")).hexdigest()
    conn.close()
    return digest


@pytest.fixture()
def runner():
    return CliRunner()


def write_fc(path: Path, features: list, **members) -> Path:
    fc = {"type": "FeatureCollection", **members, "features": features}
    path.write_text(json.dumps(fc, ensure_ascii=False), "utf-8")
    return path


def square(lon, lat, d=0.002):
    return {"type": "Polygon", "coordinates": [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]]}


def plot_feature(pid, park_id="G331018", geometry=None, **props):
    base = {"id": pid, "park_id": park_id, "land_use": "M1", "status": "available", "source": "test",
            "as_of": "2026-01-01", "synthetic": []}
    base.update(props)
    return {"type": "Feature", "geometry": geometry or square(120.36, 30.30), "properties": base}


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(bundled_db, tmp_path_factory):
    """findpark under gunicorn on loopback (2 workers x 4 threads), on a copy of the bundled store."""
    import os
    import subprocess
    import sys

    db = copy_store(bundled_db, tmp_path_factory.mktemp("live") / "live.gpkg")
    port = _free_port()
    env = {**os.environ, "FINDPARK_DB": str(db), "OPENBLAS_NUM_THREADS": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "2", "--threads", "4", "-b", f"127.0.0.1:{port}",
                             "--log-level", "warning", "findpark.app:create_app()"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    wait_until_serving(base, proc, 60, lambda: proc.stdout.read().decode(errors="replace"))
    yield base
    proc.terminate()
    proc.wait(timeout=20)
