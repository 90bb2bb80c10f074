"""GeoPackage vs PostGIS on the same generated stores, in one run: ratios to the GeoPackage and to the bare
numpy bound measured in the same run.

    .venv/bin/python benchmarks/backends_bench.py [--sizes 10000,100000,1000000] [--reps 20] [--out FILE.md]
        [--pg URL]   (default: a throwaway cluster from tests/pgcluster.py; needs postgresql-15-postgis-3)

Per size N (recommend_bench's generator: shifted copies of the bundled parks and plots) and per backend:
write (one transaction of every layer), cold recommend (the first request after a write: candidates rebuilt),
warm recommend p50 (the README request), the numpy bound (X @ w + top-k on the N x 7 matrix), the first
recommend after each of ten one-plot edits (median; the candidates are patched from the change log) and the
resident memory change over those ten versions, a 5 km window (read_window, page of 100 + total), one z12 tile (densest), /health's
reads (data_version + three counts), and the process RSS after all that.
"""
from __future__ import annotations

import argparse
import datetime as dt
import gc
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.recommend_bench import REQUESTS, TOP_K, bound_once, generate, load_bundled  # noqa: E402
from findpark.siting import candidates, criteria, kernel, recommend  # noqa: E402
from findpark.siting.profiles import weights_for  # noqa: E402
from findpark.siting.requirement import CRITERIA, Requirement  # noqa: E402
from findpark.store import cache, open_store  # noqa: E402

TODAY = dt.date(2026, 1, 15)


def _t(fn, reps=1):
    times = []
    out = None
    for _ in range(reps):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def densest(plots, z=12):
    import math

    n = 2 ** z
    c = {}
    for r in plots[:: max(1, len(plots) // 20000)]:
        p = r["geometry"].representative_point()
        k = (int((p.x + 180) / 360 * n), int((1 - math.asinh(math.tan(math.radians(p.y))) / math.pi) / 2 * n))
        c[k] = c.get(k, 0) + 1
    (x, y), _ = max(c.items(), key=lambda kv: kv[1])
    return z, x, y


def _rss_now() -> float:
    """The process's resident memory now (MB), not its peak."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def bench(store, batches, reps, req) -> dict:
    row = {}
    store.init()
    row["write_s"], _ = _t(lambda: store.write({k: batches[k] for k in ("parks", "plots", "amenities")},
                                                replace=True))
    cache.clear()
    gc.collect()
    row["cold_s"], resp = _t(lambda: recommend(store, req, today=TODAY))
    row["warm_s"], _ = _t(lambda: recommend(store, req, today=TODAY), reps)
    data = candidates.for_store(store) if hasattr(candidates, "for_store") else None
    r = Requirement.model_validate(req)
    if data is not None:
        park_industry, _ = criteria.industry_by_park(data, r)
        w, _ = weights_for(r)
        wn = kernel.normalise_weights([w[c] for c in CRITERIA])
        X = np.ascontiguousarray(criteria.plot_matrix(data, r, np.arange(data.n_plots), park_industry,
                                                      (TODAY - candidates.EPOCH).days), dtype=np.float64)
        row["bound_s"], _ = _t(lambda: bound_once(X, wn, TOP_K), reps * 5)
        del X
    del data  # the bench's own hold on this version: the edits below must be able to free it
    gc.collect()
    edits, rss = [], [_rss_now()]
    for k in range(10):  # ten one-plot edits, each followed by the first request of its version
        one = dict(batches["plots"][len(batches["plots"]) // 2 + k])
        one["status"] = "reserved" if one["status"] == "available" else "available"
        store.write({"plots": [one]})
        edits.append(_t(lambda: recommend(store, req, today=TODAY))[0])
        rss.append(_rss_now())
    row["edit_cold_s"] = statistics.median(edits)
    row["edit_rss_mb"] = rss[-1] - rss[0]
    lon, lat = batches["plots"][0]["geometry"].centroid.coords[0]
    bbox = (lon - 0.025, lat - 0.025, lon + 0.025, lat + 0.025)
    row["window_s"], (page, total) = _t(lambda: store.read_window("plots", bbox, limit=100), reps)
    row["window_total"] = total
    z, x, y = densest(batches["plots"])
    row["tile_s"], body = _t(lambda: store.tile("plots", z, x, y, ["id", "park_id", "status", "land_use", "area_mu"]),
                             reps)
    row["tile_kb"] = len(body) / 1024
    row["health_s"], _ = _t(lambda: (store.data_version, [store.count(n) for n in ("parks", "plots", "amenities")]),
                            reps)
    row["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    row["top"] = [p["plot_id"] for p in resp["plots"]]
    return row


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--pg", default=None)
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    pg = args.pg
    if pg is None:
        from tests import pgcluster

        pg = pgcluster.url("bench")
    base = load_bundled()
    req = REQUESTS["readme"]
    lines = ["| plots | backend | write s | cold recommend s | warm recommend ms | numpy bound ms | warm / bound | "
             "first request after a 1-plot edit ms | RSS change over 10 edits MB | 5 km window ms (total) | "
             "z12 tile ms (kB) | health reads ms | max RSS MB |",
             "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for n in [int(s) for s in args.sizes.split(",")]:
        batches = generate(n, base)
        rows = {}
        with __import__("tempfile").TemporaryDirectory() as tmp:
            for name, url in (("gpkg", f"{tmp}/b.gpkg"), ("postgis", pg)):
                store = open_store(url)
                rows[name] = bench(store, batches, args.reps, req)
                store.close()
                cache.clear()
                gc.collect()
        assert rows["gpkg"]["top"] == rows["postgis"]["top"], "the backends ranked differently"
        for name, r in rows.items():
            g = rows["gpkg"]
            rel = "" if name == "gpkg" else " ({:.2f}×)"
            fmt = lambda k, scale=1, d=2: (f"{r[k] * scale:.{d}f}" + (rel.format(r[k] / g[k]) if rel else ""))  # noqa: E731
            lines.append(f"| {n:,} | {name} | {fmt('write_s', 1, 1)} | {fmt('cold_s')} | {fmt('warm_s', 1e3)} | "
                         f"{r.get('bound_s', float('nan')) * 1e3:.2f} | {r['warm_s'] / r.get('bound_s', float('nan')):.1f}× | "
                         f"{fmt('edit_cold_s', 1e3)} | {r['edit_rss_mb']:+.0f} | {fmt('window_s', 1e3)} ({r['window_total']}) | "
                         f"{fmt('tile_s', 1e3)} ({r['tile_kb']:.0f}) | {fmt('health_s', 1e3)} | {r['rss_mb']:.0f} |")
        print("\n".join(lines[-2:]), flush=True)
    text = "\n".join(lines)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n", "utf-8")


if __name__ == "__main__":
    main()
