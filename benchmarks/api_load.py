"""Requests/s of the API under concurrent load on loopback: /recommend next to a trivial endpoint (/health)
measured in the same run, against gunicorn (2 workers x 4 threads) on a copy of the bundled store.

    .venv/bin/python benchmarks/api_load.py [--clients 20] [--seconds 5]
"""
import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: tools/ sits beside benchmarks/
    sys.path.insert(0, str(ROOT))

from findpark.bootstrap import ensure_store  # noqa: E402
from findpark.paths import EXAMPLES_DIR  # noqa: E402
from tools import loadtest  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    db = Path(tempfile.mkdtemp()) / "load.gpkg"
    ensure_store(db).close()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "FINDPARK_DB": str(db), "OPENBLAS_NUM_THREADS": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", str(args.workers), "--threads", "4", "-b",
                             f"127.0.0.1:{port}", "--log-level", "warning", "findpark.app:create_app()"], env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/api/v1/health", timeout=2).read()
                break
            except OSError:
                time.sleep(0.3)
        req = json.loads((EXAMPLES_DIR / "auto_parts.json").read_text("utf-8"))
        loadtest.run(base, "POST", "/api/v1/recommend", req, clients=4, seconds=1.0)  # warm both workers
        rows = []
        for name, method, path, body in (("GET /api/v1/health", "GET", "/api/v1/health", None),
                                         ("POST /api/v1/recommend", "POST", "/api/v1/recommend", req),
                                         ("GET /api/v1/parks?limit=50", "GET", "/api/v1/parks?limit=50", None)):
            r = loadtest.run(base, method, path, body, clients=args.clients, seconds=args.seconds)
            rows.append((name, r))
        base_rps = rows[0][1].rps
        print(f"gunicorn {args.workers} workers x 4 threads, {args.clients} clients, {args.seconds:.0f} s each, "
              f"{os.cpu_count()} cores")
        print(f"{'endpoint':<28}{'requests':>10}{'errors':>8}{'req/s':>9}{'vs health':>11}{'p50 ms':>9}{'p95 ms':>9}")
        for name, r in rows:
            print(f"{name:<28}{r.requests:>10}{r.errors:>8}{r.rps:>9.0f}{r.rps / base_rps:>11.2f}"
                  f"{r.percentile(0.5):>9.1f}{r.percentile(0.95):>9.1f}")
    finally:
        proc.terminate()
        proc.wait(timeout=20)


if __name__ == "__main__":
    main()
