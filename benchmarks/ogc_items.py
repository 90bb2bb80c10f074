"""OGC items with a bbox against /api/v1/health, in one run, on a generated store of N plots.

    .venv/bin/python benchmarks/ogc_items.py [--sizes 100000] [--reps 200]

Per size N (recommend_bench's generator and make_store: shifted copies of the bundled parks and plots) the
app is created on the store and both endpoints are requested through the WSGI test client (no sockets, so
the figure is the server's work), interleaved rep by rep, median per endpoint. Windows: a 5 km box and a
0.1° box (~10 x 11 km) around the densest z12 tile (Hangzhou), ``limit`` 100 (the default) and 1,000.
``ratio`` = health median / items median (the issue's goal: ≥ 0.3 at 10^5). A page is encoded once per
data_version and window (``repeat``: a client asking again, as GIS clients do while panning); ``first ask``
clears that cache before each request (a window nobody asked for yet). ``decode-all`` times what the endpoint
did before (``store.read(bbox)`` of every plot in the window, then slice the page) for reference.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.backends_bench import densest  # noqa: E402
from benchmarks.recommend_bench import generate, load_bundled, make_store  # noqa: E402


def _tile_centre(z, x, y):
    import math

    n = 2 ** z
    lon = (x + 0.5) / n * 360 - 180
    lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * (y + 0.5) / n))))
    return lon, lat


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="100000")
    ap.add_argument("--reps", type=int, default=200)
    args = ap.parse_args(argv)
    from findpark.app import create_app
    from findpark.store.cache import clear

    base = load_bundled()
    print("| plots | request | matched | items ms (repeat) | health ms | ratio (health / items) "
          "| items ms (first ask) | ratio (first ask) | decode-all ms |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for n in [int(s) for s in args.sizes.split(",")]:
        with tempfile.TemporaryDirectory() as tmp:
            store, info = make_store(n, base, Path(tmp))
            z, x, y = densest(generate(min(n, 20000), base)["plots"]) if n > 20000 else densest(store.read("plots"))
            store.close()
            lon, lat = _tile_centre(z, x, y)
            app = create_app({"DB": str(info["path"]), "TESTING": True, "TILES": None})
            client = app.test_client()
            dlon, dlat = 0.0259, 0.0225  # ~2.5 km each way at 30°N
            windows = {"5 km": (lon - dlon, lat - dlat, lon + dlon, lat + dlat),
                       "0.1°": (lon - 0.05, lat - 0.05, lon + 0.05, lat + 0.05)}
            for wname, bb in windows.items():
                for limit in (100, 1000):
                    url = ("/ogc/collections/plots/items?bbox=" + ",".join(f"{v:.5f}" for v in bb)
                           + f"&limit={limit}")
                    for _ in range(3):  # warm: caches of the version, connections
                        assert client.get(url).status_code == 200
                        assert client.get("/api/v1/health").status_code == 200
                    ti, th = [], []
                    for _ in range(args.reps):
                        t = time.perf_counter()
                        r = client.get(url)
                        ti.append(time.perf_counter() - t)
                        t = time.perf_counter()
                        client.get("/api/v1/health")
                        th.append(time.perf_counter() - t)
                    matched = r.get_json()["numberMatched"]
                    tf = []  # the first ask of a window in this data_version: the page encoded anew
                    for _ in range(max(10, args.reps // 4)):
                        clear(name="ogc.items")
                        t = time.perf_counter()
                        client.get(url)
                        tf.append(time.perf_counter() - t)
                    st = app.extensions.get("findpark_store")
                    old = []
                    if st is not None:
                        for _ in range(max(3, args.reps // 20)):
                            t = time.perf_counter()
                            recs = st.read("plots", bbox=bb)
                            recs[:limit]
                            old.append(time.perf_counter() - t)
                    mi, mh = statistics.median(ti) * 1e3, statistics.median(th) * 1e3
                    mf = statistics.median(tf) * 1e3
                    od = f"{statistics.median(old) * 1e3:.2f}" if old else "n/a"
                    print(f"| {n:,} | {wname} bbox, limit {limit} | {matched:,} | {mi:.2f} | {mh:.2f} | "
                          f"{mh / mi:.2f} | {mf:.2f} | {mh / mf:.2f} | {od} |", flush=True)
            app.extensions["findpark_store"].close()
            clear()


if __name__ == "__main__":
    main()
