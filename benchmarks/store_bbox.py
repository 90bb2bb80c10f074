"""Window query through the R*Tree vs a full attribute scan, on a generated store of N plots.

    .venv/bin/python benchmarks/store_bbox.py [N]

Reports medians and the ratio to the full scan measured in the same run (machines are shared and noisy).
"""
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import shapely

from findpark.store import open_store


def main(n: int = 100_000):
    rng = np.random.default_rng(0)
    path = Path(tempfile.mkdtemp()) / "bench.gpkg"
    store = open_store(path)
    store.init()
    lon = rng.uniform(118.5, 122.5, n)
    lat = rng.uniform(27.5, 31.0, n)
    park = {"geometry": shapely.box(118.5, 27.5, 122.5, 31.0), "id": "B", "name": "bench", "level": "county",
            "kind": "bench", "adcode": "330100", "source": "bench", "as_of": "2026", "synthetic": []}
    plots = [{"geometry": shapely.box(x, y, x + 0.002, y + 0.002), "id": f"B-{i}", "park_id": "B",
              "land_use": "M1", "status": "available", "source": "bench", "as_of": "2026", "synthetic": []}
             for i, (x, y) in enumerate(zip(lon, lat))]
    t = time.perf_counter()
    store.write({"parks": [park], "plots": plots})
    print(f"write {n} plots in one transaction: {time.perf_counter() - t:.2f} s")
    bbox = (120.15, 30.2, 120.2, 30.245)  # about 5 km x 5 km
    conn = store._reader()

    def rtree_ids():
        return conn.execute("SELECT id FROM rtree_plots_geom WHERE maxx >= ? AND minx <= ? AND maxy >= ? AND miny <= ?",
                            (bbox[0], bbox[2], bbox[1], bbox[3])).fetchall()

    def rtree_records():
        return store.read("plots", bbox=bbox)

    def full_scan():
        box = shapely.box(*bbox)
        return [r for r in store.read("plots") if r["geometry"].intersects(box)]

    def timeit(fn, reps):
        out = []
        for _ in range(reps):
            t = time.perf_counter()
            fn()
            out.append(time.perf_counter() - t)
        return statistics.median(out)

    scan = timeit(full_scan, 3)
    rows = [("full scan + shapely filter", scan), ("store.read(bbox=...) via R*Tree", timeit(rtree_records, 50)),
            ("raw R*Tree SQL (ids only)", timeit(rtree_ids, 200))]
    assert len(rtree_records()) == len(full_scan())
    print(f"{len(rtree_records())} plots in the 5 km window")
    print(f"{'query':<36}{'median':>12}{'vs scan':>10}")
    for name, sec in rows:
        print(f"{name:<36}{sec * 1000:>10.2f}ms{sec / scan:>10.4f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
