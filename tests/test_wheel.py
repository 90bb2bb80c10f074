"""The package installs whole: a wheel built from this checkout, installed into a fresh venv, serves every page
with its CSS, JS and fonts from a directory outside the repo (nothing read from the checkout).

The venv reuses the test venv's installed dependencies (a .pth line to its site-packages, which does not run
the editable-install hook there), so only findpark itself is installed: no index, seconds not minutes."""
from __future__ import annotations

import html.parser
import importlib.util
import os
import re
import shutil
import socket
import subprocess
import sys
import sysconfig
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from tests.conftest import wait_until_serving

pytestmark = [pytest.mark.slow, pytest.mark.live]

REPO = Path(__file__).resolve().parent.parent
PAGES = ("/", "/recommend", "/parks/G331018")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _can_build_offline() -> bool:
    """setuptools can make a wheel without an isolated build env: it has bdist_wheel (>= 70.1) or `wheel`."""
    import setuptools

    major, minor = (int(x) for x in setuptools.__version__.split(".")[:2])
    return (major, minor) >= (70, 1) or importlib.util.find_spec("wheel") is not None


def _run(cmd, **kw):
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600, **kw)
    assert done.returncode == 0, f"{cmd}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel of a copy of the package sources (the build leaves no build/ or egg-info in the checkout)."""
    src = tmp_path_factory.mktemp("src")
    for name in ("setup.cfg", "pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, src / name)
    shutil.copytree(REPO / "findpark", src / "findpark", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    dist = tmp_path_factory.mktemp("dist")
    isolation = ["--no-build-isolation"] if _can_build_offline() else []
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", *isolation, "-w", str(dist), str(src)])
    (whl,) = dist.glob("findpark-*.whl")
    return whl


def test_wheel_carries_the_runtime_files(wheel):
    import zipfile

    names = set(zipfile.ZipFile(wheel).namelist())
    for f in ("findpark/templates/base.html", "findpark/templates/index.html", "findpark/static/findpark.css",
              "findpark/static/fonts/NotoSansSC-findpark.woff2", "findpark/static/fonts/NotoSansSC-Regular.ttf",
              "findpark/data/parks.geojson", "findpark/data/plots.geojson", "findpark/data/amenities.geojson",
              "findpark/data/boundaries.geojson", "findpark/data/park_quarterly.csv",
              "findpark/examples/auto_parts.json", "findpark/siting/profiles/default.json",
              "findpark/web/translations/en.json", "findpark/taxonomy/industry_labels.csv"):
        assert f in names, f
    assert any(n.startswith("findpark/static/vendor/leaflet-") and n.endswith("leaflet.js") for n in names)
    assert not any(n.startswith(("tools/", "tests/", "benchmarks/")) or n.endswith(("webfont.py", "loadtest.py"))
                   for n in names), "build tools and tests stay out of the wheel"


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    """A fresh venv with the wheel installed; dependencies come from this venv's site-packages."""
    root = tmp_path_factory.mktemp("venv") / "v"
    _run([sys.executable, "-m", "venv", "--without-pip", str(root)])
    py = root / "bin" / "python"
    purelib = Path(_run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip())
    (purelib / "_findpark_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", "utf-8")
    _run([sys.executable, "-m", "pip", "--python", str(py), "install", "-q", "--no-deps", "--no-index", str(wheel)])
    return root


def _env() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FINDPARK_", "PYTHON"))}
    env["OPENBLAS_NUM_THREADS"] = "1"
    return env


class _Assets(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href") and value and tag in ("script", "link", "img", "source"):
                self.urls.append(value)


def _get(url: str) -> tuple[int, bytes, str]:
    try:
        with urllib.request.urlopen(url, timeout=60) as r:
            return r.status, r.read(), r.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), exc.headers.get("Content-Type", "")


def test_installed_wheel_serves_every_page_with_its_assets(venv, tmp_path):
    cwd = tmp_path / "elsewhere"  # not the repo, nor under it
    cwd.mkdir()
    assert REPO not in cwd.resolve().parents
    env = _env()
    where = _run([str(venv / "bin" / "python"), "-c", "import findpark; print(findpark.__file__)"], cwd=cwd, env=env)
    assert Path(where.stdout.strip()).is_relative_to(venv), where.stdout  # the installed copy, not the checkout
    findpark = str(venv / "bin" / "findpark")
    _run([findpark, "load", "--db", "site.gpkg"], cwd=cwd, env=env)
    assert (cwd / "site.gpkg").is_file()

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(tmp_path / "serve.log", "w+", encoding="utf-8")
    proc = subprocess.Popen([findpark, "serve", "--db", "site.gpkg", "--host", "127.0.0.1", "--port", str(port)],
                            cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until_serving(base, proc, 90, lambda: (log.seek(0), log.read())[1])

        assets: set[str] = set()
        for page in PAGES:
            status, body, ctype = _get(base + page)
            assert status == 200 and ctype.startswith("text/html"), (page, status, body[:300])
            text = body.decode("utf-8")
            parser = _Assets()
            parser.feed(text)
            found = {urljoin(base + page, u) for u in parser.urls}
            found |= {urljoin(base + page, u) for u in re.findall(r"""["'(](/static/[^"'()\s]+)""", text)}
            assets |= {u for u in found if urlsplit(u).netloc == f"127.0.0.1:{port}"
                       and urlsplit(u).path.startswith("/static/")}
        assert any(u.endswith(".css") for u in assets) and any(".js" in u for u in assets), sorted(assets)

        fetched, todo = {}, sorted(assets)
        while todo:  # each asset, and what a stylesheet pulls in (fonts, Leaflet's images)
            url = todo.pop()
            if url in fetched:
                continue
            status, body, ctype = _get(url)
            fetched[url] = status
            if status == 200 and urlsplit(url).path.endswith(".css"):
                for ref in re.findall(r"""url\(\s*["']?([^"')]+)["']?\s*\)""", body.decode("utf-8")):
                    if not ref.startswith(("data:", "#")):
                        todo.append(urljoin(url, ref))
        bad = {u: s for u, s in fetched.items() if s != 200}
        assert not bad, bad
        paths = {urlsplit(u).path for u in fetched}
        assert "/static/fonts/NotoSansSC-findpark.woff2" in paths, sorted(paths)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
