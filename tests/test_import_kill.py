"""SIGKILL during an apply (issue 13): ten times, `findpark import apply` on a staged import touching every plot
is killed at a random moment; afterwards the GeoPackage passes `PRAGMA integrity_check` and holds either the old
version (import still staged, old prices, no new version) or the new one (all of it), never a mixture."""
from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from findpark.cli import main
from findpark.store import open_store
from tests.conftest import copy_store

pytestmark = pytest.mark.slow
RUNS = 10


def test_sigkill_during_apply_leaves_old_or_new(bundled_db, tmp_path):
    base = copy_store(bundled_db, tmp_path / "base.gpkg")
    store = open_store(base)
    doc = {"type": "FeatureCollection", "datum": "wgs84", "layer": "plots", "features": []}
    for r in store.read("plots"):
        props = {k: v for k, v in r.items() if k not in ("geometry", "area_mu")}
        props["price_wan_per_mu"] = (props.get("price_wan_per_mu") or 0) + 1000
        import shapely

        doc["features"].append({"type": "Feature", "properties": props,
                                "geometry": shapely.geometry.mapping(r["geometry"])})
    old_prices = {r["id"]: r["price_wan_per_mu"] for r in store.read("plots")}
    store.close()
    f = tmp_path / "plots.geojson"
    f.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    r = CliRunner().invoke(main, ["import", "stage", str(f), "--json", "--db", str(base)])
    iid = json.loads(r.stdout)["id"]
    rng = random.Random(13)
    outcomes, kills = [], 0
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}
    cmd = [sys.executable, "-c", "from findpark.cli import main; main()", "import", "apply", iid, "--db"]
    # The moments to kill at are drawn from this machine's own timings (a loaded CI machine is slower): the
    # interpreter and imports (``start``), then one whole apply (``whole``); kills fall in between, i.e. while
    # the snapshot is taken and the transaction runs.
    t0 = time.monotonic()
    subprocess.run([sys.executable, "-c", "import findpark.cli"], check=True, env=env)
    start = time.monotonic() - t0
    t0 = time.monotonic()
    subprocess.run([*cmd, str(copy_store(base, tmp_path / "calibrate.gpkg"))], check=True, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    whole = time.monotonic() - t0
    for i in range(RUNS):
        db = copy_store(base, tmp_path / f"run{i}.gpkg")
        proc = subprocess.Popen([*cmd, str(db)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        time.sleep(start + rng.uniform(0.05, 0.9) * max(whole - start, 0.2))
        killed = proc.poll() is None
        if killed:
            os.kill(proc.pid, signal.SIGKILL)
            kills += 1
        proc.wait()
        conn = sqlite3.connect(db)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()
        s = open_store(db)
        prices = {r["id"]: r["price_wan_per_mu"] for r in s.read("plots")}
        status = s.select_rows("imports", where={"id": iid})[0]["status"]
        imported = [v for v in s.select_rows("versions") if v["kind"] == "import"]
        if status == "applied":
            assert all(prices[k] == (old_prices[k] or 0) + 1000 for k in prices) and len(imported) == 1
            outcomes.append("new")
        else:
            assert status == "staged" and prices == old_prices and not imported
            outcomes.append("old")
        s.close()
        print(f"run {i}: killed={killed} → {outcomes[-1]}")
    assert len(outcomes) == RUNS and kills >= RUNS // 2 and "old" in outcomes
