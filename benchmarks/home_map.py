"""The home map (/) at scale: page load, transferred bytes, plots in the viewport and frame smoothness in headless
Chromium, on the bundled store (the baseline) and on generated stores of N plots, measured in the same run.

    .venv/bin/python benchmarks/home_map.py [--sizes 100000] [--reps 5] [--out home_map.md]
                                            [--server gunicorn|werkzeug] [--before DIR] [--shots reports/home_map]

Every store is served by its own real server: by default gunicorn (2 workers x 4 threads, as
benchmarks/api_load.py; all servers up at once, on 127.0.0.1), or werkzeug (threaded, in this process) with
``--server werkzeug``. The generated stores come from benchmarks/recommend_bench.py (``make_store``: copy 0 = the
bundled 4,070 plots, further copies = whole parks shifted up to ~8 km, new ids; so 100k plots = 2,945 parks).
``--before DIR`` also serves every store from another code tree (a copy of the repo before a change), so before
and after are measured in one run. One rep = for every server in turn (interleaved), a fresh browser context
(empty cache) that

* loads ``/`` and waits for ``window.findparkHome`` (set by static/js/home.js; timed by a setter installed before
  the page runs) and network idle: ``load ms`` = navigation start -> the later of the two; ``load longest task``
  is the longest main-thread task until then;
* sums the bytes of every response (Resource Timing ``encodedBodySize``; no compression is configured, so these
  are the bytes on the wire less headers): HTML, JS, CSS, JSON, and the font separately;
* over the densest area (the zoom-12 view holding the most plots of the largest store, for the page's map size;
  the same centre for every store) calls ``map.setView(centre, z, {animate: false})`` for z = 12, 13, 14 and
  times, inside the page, setView -> the answer shown (the ``#plots-status`` text leaves "loading": plots drawn,
  or "too many, zoom in") -> the canvas frame after it (``plots ms``); plots drawn vs matched (numberMatched,
  from the status text) and the bytes of the plots responses;
* from zoom 13 over the same centre, with the plots shown, runs a scripted sequence (4 animated pans of 300/200 px,
  then animated zooms 13 -> 14 -> 13 -> 12 -> 13; every moveend reloads the plots) while recording
  requestAnimationFrame deltas and 'longtask' entries (PerformanceObserver): frame median / p95 / max, frames
  over 50 ms, long tasks count / longest / total;
* then times the plots API without the browser: the URLs the page fetched for each zoom, GET over loopback with
  urllib one after the other, summed (``API ms``; home.js fetches a view's pages in parallel, so this is the
  server work, not the page's wait).

Machines are shared and noisy: figures are medians over ``--reps``, and every one is also given as a ratio to the
bundled store served by the current code in the same run. Screenshots at zoom 12 and 14 (first rep) go to
``--shots`` (reports/ is not committed).
"""
from __future__ import annotations

import argparse
import os
import shlex
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
for p in (ROOT, ROOT / "benchmarks"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

from recommend_bench import load_bundled, make_store  # noqa: E402

from findpark.bootstrap import ensure_store  # noqa: E402

ZOOMS = (12, 13, 14)
SMOOTH_ZOOM = 13  # the pan/zoom sequence starts here, over the dense centre, with the plots shown
GUNICORN = ["-w", "2", "--threads", "4"]  # as benchmarks/api_load.py


def _gunicorn_args() -> list[str]:
    from gunicorn import config

    # newer gunicorn opens a control socket at one fixed path: several servers at once would fight over it
    return GUNICORN + (["--no-control-socket"] if any(s.name == "control_socket_disable" for s in config.KNOWN_SETTINGS) else [])
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-default-apps", "--disable-extensions",
                 "--no-pings", "--disable-domain-reliability", "--disable-client-side-phishing-detection"]
VIEWPORT = {"width": 1400, "height": 900}  # as tests/browser/conftest.py

# Installed before any page script: the time home.js publishes window.findparkHome, and every long task.
INIT_JS = """(() => {
  const fp = window.__fp = {ready: null, longtasks: []};
  let v;
  Object.defineProperty(window, 'findparkHome', {configurable: true, get() { return v; },
    set(x) { v = x; if (fp.ready === null) { fp.ready = performance.now(); } }});
  try {
    new PerformanceObserver(list => { for (const e of list.getEntries()) { fp.longtasks.push([e.startTime, e.duration]); } })
      .observe({type: 'longtask', buffered: true});
  } catch (e) { fp.noLongtask = String(e); }
})();"""

LOAD_JS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const res = performance.getEntriesByType('resource');
  const kinds = {html: nav.encodedBodySize, js: 0, css: 0, json: 0, font: 0, img: 0, other: 0};
  const files = {'/': nav.encodedBodySize};
  let end = nav.loadEventEnd;
  for (const r of res) {
    const path = new URL(r.name).pathname;
    const k = /\\.(woff2?|ttf|otf)$/.test(path) ? 'font' : /\\.js$/.test(path) ? 'js' : /\\.css$/.test(path) ? 'css'
      : (r.initiatorType === 'fetch' || r.initiatorType === 'xmlhttprequest') ? 'json'
      : /\\.(png|svg|gif|jpe?g|webp)$/.test(path) ? 'img' : 'other';
    kinds[k] += r.encodedBodySize; files[path] = r.encodedBodySize;
    end = Math.max(end, r.responseEnd);
  }
  const lt = window.__fp.longtasks;
  return {ready: window.__fp.ready, idle: end, kinds, files, n_parks: findparkHome.parkIds().length,
          load_longtask_max: lt.reduce((m, t) => Math.max(m, t[1]), 0),
          size: [findparkHome.map.getSize().x, findparkHome.map.getSize().y]};
}"""

ZOOM_JS = """async ({lat, lng, z}) => {
  const H = findparkHome, st = document.getElementById('plots-status');
  const mark = performance.getEntriesByType('resource').length;
  const t0 = performance.now();
  H.map.setView([lat, lng], z, {animate: false});  // moveend -> loadPlots() at once: the status says loading
  const frame = () => new Promise(r => requestAnimationFrame(r));
  for (;;) {
    await frame();
    if (!/正在加载/.test(st.textContent)) { break; }  // the answer is in: plots drawn, or "too many"
    if (performance.now() - t0 > 120000) { return {timeout: true, status: st.textContent}; }
  }
  const tLayer = performance.now();
  await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));  // the canvas redraws in a frame
  const t1 = performance.now();
  const fetched = performance.getEntriesByType('resource').slice(mark)
    .filter(r => r.name.includes('/api/v1/plots?'));
  const b = H.map.getBounds();
  return {ms: t1 - t0, layer_ms: tLayer - t0, drawn: H.plotFeatures ? H.plotFeatures().length : (H.plots() ? H.plots().getLayers().length : 0), status: st.textContent,
          urls: fetched.map(r => r.name), bytes: fetched.reduce((s, r) => s + r.encodedBodySize, 0),
          ttfb: fetched.map(r => r.responseStart - r.requestStart),
          bbox: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]};
}"""

# A user exploring the plots from zoom 13: four pans (animated, 0.5 s), then animated zooms 13 -> 14 -> 13 -> 12 -> 13.
# Every moveend reloads the plots, so their draws land in the middle of the next animation, as for a user.
SMOOTH_JS = """async () => {
  const H = findparkHome, m = H.map, st = document.getElementById('plots-status');
  const frames = []; let last = null, running = true;
  const tick = t => { if (last !== null) { frames.push(t - last); } last = t; if (running) { requestAnimationFrame(tick); } };
  const wait = ms => new Promise(r => setTimeout(r, ms));
  const settled = async () => {
    const t = performance.now();
    while (/正在加载/.test(st.textContent) && performance.now() - t < 60000) { await wait(20); }
  };
  requestAnimationFrame(tick);
  await wait(100);
  const t0 = performance.now();
  for (const d of [[300, 0], [0, 200], [-300, 0], [0, -200]]) {
    m.panBy(d, {animate: true, duration: 0.5});
    await wait(900);
  }
  for (const z of [14, 13, 12, 13]) { m.setZoom(z, {animate: true}); await wait(1200); }
  await settled(); await wait(300);
  const t1 = performance.now();
  running = false;
  const lt = window.__fp.longtasks.filter(([s, d]) => s + d >= t0 && s <= t1).map(([s, d]) => d);
  return {frames, seconds: (t1 - t0) / 1000, longtasks: lt, drawn: H.plotFeatures ? H.plotFeatures().length : (H.plots() ? H.plots().getLayers().length : 0)};
}"""


# ---------------------------------------------------------------------------------------------------------
# servers
# ---------------------------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_up(base: str, proc=None, seconds: float = 120) -> None:
    t = time.monotonic()
    while time.monotonic() - t < seconds:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            urllib.request.urlopen(base + "/api/v1/health", timeout=5).read()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{base} did not come up in {seconds:.0f} s")


class Server:
    """findpark on one store: gunicorn in a subprocess (started at once; ``wait()`` for it), or werkzeug (threaded)
    in a thread of this process. ``root``: serve the code tree there (``--before``; gunicorn only)."""

    def __init__(self, db: Path, kind: str, root: Path = ROOT):
        self.db, self.kind = db, kind
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc = None
        if kind == "gunicorn":
            env = {k: v for k, v in os.environ.items() if not k.startswith("FINDPARK_")}
            env.update(FINDPARK_DB=str(db), OPENBLAS_NUM_THREADS="1")
            prefix = f"FINDPARK_DB={db} "
            if root != ROOT:  # its findpark package, static/ and templates/ instead of this checkout's
                env["PYTHONPATH"] = str(root)
                prefix += f"PYTHONPATH={root} "
            cmd = [sys.executable, "-m", "gunicorn", *_gunicorn_args(), "-b", f"127.0.0.1:{self.port}",
                   "--log-level", "warning",
                   "findpark.app:create_app()" if (root / "findpark" / "app.py").exists() else "findpark.web:create_app()"]
            self.command = prefix + shlex.join(cmd) + (f"   # in {root}" if root != ROOT else "")
            self.proc = subprocess.Popen(cmd, env=env, cwd=root)
        else:
            if root != ROOT:
                raise SystemExit("--before needs --server gunicorn (one findpark package per process)")
            import logging

            from werkzeug.serving import make_server

            from findpark.app import create_app

            logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
            self.app = create_app({"DB": str(db), "TESTING": True, "TILES": None})
            self.srv = make_server("127.0.0.1", self.port, self.app, threaded=True)
            self.thread = threading.Thread(target=self.srv.serve_forever, daemon=True)
            self.thread.start()
            self.command = (f"werkzeug.serving.make_server('127.0.0.1', {self.port}, create_app({{'DB': '{db}', "
                            f"'TILES': None}}), threaded=True)   # in-process thread")

    def wait(self) -> "Server":
        _wait_up(self.base, self.proc)
        return self

    def close(self) -> None:
        if self.kind == "gunicorn":
            self.proc.terminate()
            self.proc.wait(timeout=30)
        else:
            self.srv.shutdown()
            self.thread.join(timeout=10)
            self.app.extensions["findpark_store"].close()


# ---------------------------------------------------------------------------------------------------------
# the densest area
# ---------------------------------------------------------------------------------------------------------
def plot_centres(db: Path) -> np.ndarray:
    import sqlite3

    conn = sqlite3.connect(db)
    xy = np.array(conn.execute("SELECT (minx + maxx) / 2, (miny + maxy) / 2 FROM rtree_plots_geom").fetchall())
    conn.close()
    return xy


def view_deg(size_px: tuple[int, int], z: int, lat: float) -> tuple[float, float]:
    """Degrees of lon and lat a Web Mercator view of size_px covers at zoom z around lat (small-view approx.)."""
    per_px = 360.0 / (256 * 2 ** z)
    return size_px[0] * per_px, size_px[1] * per_px * np.cos(np.radians(lat))


def densest_centre(xy: np.ndarray, size_px, z: int = 12, cell: float = 0.005) -> tuple[float, float, int]:
    """Centre (lon, lat) of the zoom-z view holding the most plot centres (summed-area table on a fine grid)."""
    w, h = view_deg(size_px, z, float(np.median(xy[:, 1])))
    x0, y0 = xy[:, 0].min(), xy[:, 1].min()
    nx, ny = int((xy[:, 0].max() - x0) / cell) + 2, int((xy[:, 1].max() - y0) / cell) + 2
    grid = np.zeros((nx, ny))
    np.add.at(grid, (((xy[:, 0] - x0) / cell).astype(int), ((xy[:, 1] - y0) / cell).astype(int)), 1)
    sat = np.zeros((nx + 1, ny + 1))
    sat[1:, 1:] = grid.cumsum(0).cumsum(1)
    kx, ky = max(1, int(w / cell)), max(1, int(h / cell))
    win = sat[kx:, ky:] - sat[:-kx, ky:] - sat[kx:, :-ky] + sat[:-kx, :-ky]
    i, j = np.unravel_index(np.argmax(win), win.shape)
    return x0 + (i + kx / 2) * cell, y0 + (j + ky / 2) * cell, int(win[i, j])


# ---------------------------------------------------------------------------------------------------------
# one measurement
# ---------------------------------------------------------------------------------------------------------
def measure(browser, base: str, centre, shots: Path | None, label: str) -> dict:
    ctx = browser.new_context(viewport=VIEWPORT, locale="zh-CN", base_url=base, service_workers="block")
    outside: list[str] = []
    page = ctx.new_page()
    page.on("request", lambda r: None if _local(r.url) else outside.append(r.url))
    page.set_default_timeout(180_000)
    page.add_init_script(INIT_JS)
    try:
        page.goto("/")
        page.wait_for_function("window.findparkHome !== undefined && window.L !== undefined")
        page.wait_for_load_state("networkidle")
        page.wait_for_function("!findparkHome.map._animatingZoom")  # Leaflet drops a setView during a zoom animation
        load = page.evaluate(LOAD_JS)
        out = {"load_ms": max(load["ready"], load["idle"]), "ready_ms": load["ready"], "kinds": load["kinds"],
               "files": load["files"], "n_parks": load["n_parks"], "load_longtask_max": load["load_longtask_max"],
               "size": load["size"], "zoom": {}}
        for z in ZOOMS:
            r = page.evaluate(ZOOM_JS, {"lat": centre[1], "lng": centre[0], "z": z})
            if r.get("timeout"):
                raise RuntimeError(f"{label}: plots at zoom {z} never arrived ({r['status']})")
            r["matched"] = _matched(r["status"], r["drawn"])
            out["zoom"][z] = r
            if shots is not None and z in (12, 14):
                page.screenshot(path=str(shots / f"{label}_z{z}.png"))
        page.evaluate(ZOOM_JS, {"lat": centre[1], "lng": centre[0], "z": SMOOTH_ZOOM})
        out["smooth"] = page.evaluate(SMOOTH_JS)
    finally:
        ctx.close()
    if outside:
        raise RuntimeError(f"requests left 127.0.0.1: {outside[:5]}")
    return out


def _local(url: str) -> bool:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or parts.hostname == "127.0.0.1"


def _matched(status: str, drawn: int) -> int:
    import re

    m = re.search(r"视窗内\s*(\d+)", status)
    return int(m.group(1)) if m else drawn


def time_api(base: str, urls: list[str]) -> float:
    """Seconds to GET the URLs the browser fetched for a view, one after the other: the server's work."""
    t = time.perf_counter()
    for u in urls:
        path = u.split("://", 1)[1].split("/", 1)[1]
        with urllib.request.urlopen(f"{base}/{path}", timeout=120) as r:
            r.read()
    return time.perf_counter() - t


# ---------------------------------------------------------------------------------------------------------
# report
# ---------------------------------------------------------------------------------------------------------
def _med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else float("nan")


def _pct(xs, q):
    return float(np.percentile(xs, q)) if len(xs) else float("nan")


def summarise(runs: list[dict], api: dict) -> dict:
    """Medians over reps of one store's figures (a flat dict: metric -> value)."""
    s: dict = {}
    s["parks"] = runs[0]["n_parks"]
    s["load ms"] = _med([r["load_ms"] for r in runs])
    s["ready ms"] = _med([r["ready_ms"] for r in runs])
    s["load longest task ms"] = _med([r["load_longtask_max"] for r in runs])
    for k in ("html", "js", "css", "json"):
        s[f"{k} kB"] = _med([r["kinds"][k] for r in runs]) / 1000
    s["page kB (HTML+JS+CSS+JSON)"] = sum(s[f"{k} kB"] for k in ("html", "js", "css", "json"))
    s["font kB"] = _med([r["kinds"]["font"] for r in runs]) / 1000
    for z in ZOOMS:
        s[f"z{z} plots ms"] = _med([r["zoom"][z]["ms"] for r in runs])
        s[f"z{z} API ms"] = _med(api.get(z, [])) * 1000
        s[f"z{z} drawn"] = _med([r["zoom"][z]["drawn"] for r in runs])
        s[f"z{z} matched"] = _med([r["zoom"][z]["matched"] for r in runs])
        s[f"z{z} plots kB"] = _med([r["zoom"][z]["bytes"] for r in runs]) / 1000
    frames = [r["smooth"]["frames"] for r in runs]
    s["frame median ms"] = _med([_pct(f, 50) for f in frames])
    s["frame p95 ms"] = _med([_pct(f, 95) for f in frames])
    s["frame max ms"] = _med([max(f) if f else float("nan") for f in frames])
    s["frames > 50 ms"] = _med([sum(1 for x in f if x > 50) for f in frames])
    lts = [r["smooth"]["longtasks"] for r in runs]
    s["long tasks (n)"] = _med([len(x) for x in lts])
    s["longest task ms"] = _med([max(x) if x else 0.0 for x in lts])
    s["long tasks total ms"] = _med([sum(x) for x in lts])
    return s


FMT = {"parks": "{:,.0f}", "drawn": "{:,.0f}", "matched": "{:,.0f}", "(n)": "{:.0f}", "> 50": "{:.0f}"}


def _fmt(metric: str, v: float) -> str:
    if v != v:
        return "n/a"
    for key, f in FMT.items():
        if key in metric:
            return f.format(v)
    return f"{v:,.1f}" if abs(v) < 1000 else f"{v:,.0f}"


def table(labels: list[str], sums: list[dict]) -> str:
    base = sums[0]
    head = "| metric (median) | " + " | ".join(
        labels[:1] + [f"{lab} | ratio" for lab in labels[1:]]) + " |"
    lines = [head, "|---|" + "---:|" * (1 + 2 * (len(labels) - 1))]
    for metric in base:
        cells = [_fmt(metric, base[metric])]
        for s in sums[1:]:
            v, b = s[metric], base[metric]
            ratio = "n/a" if not (b and b == b and v == v) else f"{v / b:.2f}x"
            cells += [_fmt(metric, v), ratio]
        lines.append(f"| {metric} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------------
def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="100000", help="comma-separated plot counts of the generated stores")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--server", choices=("gunicorn", "werkzeug"), default="gunicorn")
    ap.add_argument("--before", type=Path, help="also serve every store from this code tree (a copy of the "
                                                "repo's findpark/, static/, templates/, data/ before a change): "
                                                "before and after in one run (gunicorn only)")
    ap.add_argument("--out", type=Path, help="also write the report (Markdown) here")
    ap.add_argument("--shots", default=str(ROOT / "reports" / "home_map"),
                    help="directory for the screenshots at zoom 12 and 14 (first rep); '' for none")
    ap.add_argument("--keep", action="store_true", help="keep the generated stores (printed)")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    shots = Path(args.shots) if args.shots else None
    if shots is not None:
        shots.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    workdir = Path(tempfile.mkdtemp(prefix="findpark_home_"))
    py = os.path.relpath(sys.executable, ROOT) if sys.executable.startswith(str(ROOT)) else sys.executable
    commands = [f"{py} {shlex.join(sys.argv)}"]
    servers: list[Server] = []
    try:
        bundled = workdir / "bundled.gpkg"
        ensure_store(bundled).close()
        stores = [("bundled", bundled, len(plot_centres(bundled)), ROOT)]  # (label, store, plots, code tree)
        if args.before:
            stores.append(("bundled before", bundled, stores[0][2], args.before.resolve()))
        base = load_bundled()
        for n in sizes:
            store, info = make_store(n, base, workdir)
            store.close()
            print(f"generated {n:,} plots ({info['n_parks']:,} parks) in {info['gen_s'] + info['write_s']:.1f} s, "
                  f"{info['size_mb']:.0f} MB", flush=True)
            label = f"{n // 1000}k" if n % 1000 == 0 else str(n)
            stores.append((label, info["path"], n, ROOT))
            if args.before:
                stores.append((f"{label} before", info["path"], n, args.before.resolve()))
        t = time.perf_counter()
        servers = [Server(db, args.server, root) for _, db, _, root in stores]
        for s in servers:
            s.wait()
        commands += [s.command for s in servers]
        print(f"{len(servers)} {args.server} servers up in {time.perf_counter() - t:.1f} s", flush=True)

        pw = sync_playwright().start()
        try:
            exe = next((c for c in (os.environ.get("FINDPARK_CHROMIUM"), "/usr/bin/chromium") if c and Path(c).exists()),
                       None)
            browser = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
            # warm-up (not measured): every worker imports, opens its store and caches the park summaries
            size = None
            for srv in servers:
                for _ in range(3):
                    ctx = browser.new_context(viewport=VIEWPORT, locale="zh-CN", base_url=srv.base)
                    pg = ctx.new_page()
                    pg.goto("/")
                    pg.wait_for_function("window.findparkHome !== undefined")
                    size = size or page_size(pg)
                    ctx.close()
            biggest = max(stores, key=lambda s: s[2])
            lon, lat, inside = densest_centre(plot_centres(biggest[1]), size, 12)
            centre = (round(lon, 5), round(lat, 5))
            print(f"map {size[0]}x{size[1]} px; densest zoom-12 view of the {biggest[0]} store centred at "
                  f"{centre[0]}, {centre[1]} (~{inside:,} plot centres)", flush=True)

            runs = {label: [] for label, *_ in stores}
            api = {label: {z: [] for z in ZOOMS} for label, *_ in stores}
            for rep in range(args.reps):
                for (label, db, n, _), srv in zip(stores, servers):  # interleaved, rep by rep
                    name = "home_" + label.replace(" ", "_")
                    r = measure(browser, srv.base, centre, shots if rep == 0 else None, name)
                    runs[label].append(r)
                    for z in ZOOMS:
                        api[label][z].append(time_api(srv.base, r["zoom"][z]["urls"]))
                    zs = ", ".join(f"z{z} {r['zoom'][z]['ms']:.0f} ms {r['zoom'][z]['drawn']}/{r['zoom'][z]['matched']}"
                                   for z in ZOOMS)
                    lt = r["smooth"]["longtasks"]
                    print(f"rep {rep + 1} {label:>12}: load {r['load_ms']:.0f} ms; {zs}; frames p95 "
                          f"{_pct(r['smooth']['frames'], 95):.0f} max {max(r['smooth']['frames']):.0f} ms; "
                          f"long tasks {len(lt)} max {max(lt, default=0):.0f} ms", flush=True)
            browser.close()
        finally:
            pw.stop()

        labels = [f"{lab} ({n:,} plots)" for lab, _, n, _ in stores]
        sums = [summarise(runs[lab], api[lab]) for lab, *_ in stores]
        report = table(labels, sums)
        files = runs["bundled"][0]["files"]
        detail = ", ".join(f"`{k}` {v / 1000:.1f} kB" for k, v in sorted(files.items()) if v)
        big = ", ".join(f"{lab}: `/` {runs[lab][0]['files'].get('/', 0) / 1000:.0f} kB" for lab, *_ in stores[1:])
        head = (f"{args.server} ({' '.join(GUNICORN) if args.server == 'gunicorn' else 'threaded'}) per store, "
                f"{os.cpu_count()} cores, headless Chromium {VIEWPORT['width']}x{VIEWPORT['height']} (map "
                f"{size[0]}x{size[1]} px), {args.reps} reps interleaved; dense centre {centre[0]}, {centre[1]}; "
                f"ratio = / bundled")
        text = (f"{head}\n\n{report}\n\n"
                f"Bundled page, per file: {detail}. {big}.\n\n"
                "Commands:\n\n" + "\n".join(f"    {c}" for c in commands) + "\n")
        print("\n" + text)
        if args.out:
            args.out.write_text("# home map at scale\n\n" + text, encoding="utf-8")
            print(f"wrote {args.out}")
    finally:
        for s in servers:
            s.close()
        if args.keep:
            print(f"stores kept in {workdir}")
        else:
            import shutil

            shutil.rmtree(workdir, ignore_errors=True)


def page_size(pg) -> tuple[int, int]:
    return tuple(pg.evaluate("[findparkHome.map.getSize().x, findparkHome.map.getSize().y]"))


if __name__ == "__main__":
    main()
