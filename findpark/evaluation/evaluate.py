"""Evaluate one quarter: five dimension scores, index, rank, grade and change against the previous quarter."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..access import park_transport_access
from ..store.cache import cached
from .fivepower import derive, scores
from .grades import grade
from .schema import DIMENSIONS, previous_quarter


@dataclass
class Evaluation:
    quarter: str
    parks: list  # dicts, ranked: park_id, name, city, district, level, kind, rank, grade, index, scores, ...
    cutoffs: dict
    grade_counts: dict
    quarters: list
    history: dict = field(default_factory=dict)  # park_id → [(quarter, index)]
    provenance: dict = field(default_factory=dict)

    def by_park(self) -> dict:
        return {p["park_id"]: p for p in self.parks}


def _context(store):
    parks = store.read("parks")
    return {p["id"]: p for p in parks}, {p["id"]: p["area_mu"] for p in parks}, park_transport_access(store)


def _score_quarter(rows: list[dict], area, transport) -> pd.DataFrame:
    df = derive(pd.DataFrame(rows), area, transport)
    out = scores(df)
    out = out.sort_values(["index", "park_id"], ascending=[False, True]).reset_index(drop=True)
    out["rank"] = np.arange(1, len(out) + 1)
    return out


def evaluate(store, quarter: str | None = None) -> Evaluation:
    quarters = store.quarters()
    if not quarters:
        raise LookupError("no quarterly indicators in the store: load some with `findpark indicators load`")
    quarter = quarter or quarters[-1]
    if quarter not in quarters:
        raise LookupError(f"no indicators for {quarter}; quarters available: {', '.join(quarters)}")
    parks, area, transport = _context(store)
    scored = {}
    for q in quarters:
        if q > quarter:
            break
        rows = store.read_quarterly(quarter=q)
        scored[q] = _score_quarter(rows, area, transport)
    cur = scored[quarter]
    grades_, cut = grade(cur["index"].to_numpy(), cur["park_id"].to_numpy())
    prev_q = previous_quarter(quarter)
    prev = scored.get(prev_q)
    prev_idx = dict(zip(prev["park_id"], prev["index"])) if prev is not None else {}
    prev_rank = dict(zip(prev["park_id"], prev["rank"])) if prev is not None else {}
    history: dict = {}
    for q, df in scored.items():
        for pid, idx in zip(df["park_id"], df["index"]):
            history.setdefault(pid, []).append((q, round(float(idx), 2)))
    out = []
    rows_now = {r["park_id"]: r for r in store.read_quarterly(quarter=quarter)}
    for g, row in zip(grades_, cur.itertuples(index=False)):
        pid = row.park_id
        p = parks.get(pid, {})
        idx = float(row.index)
        pi, pr = prev_idx.get(pid), prev_rank.get(pid)
        shown = [i for q, i in history.get(pid, []) if q in (quarter, prev_q, previous_quarter(prev_q))]
        falling = len(shown) == 3 and shown[2] < shown[1] < shown[0]  # on the published (rounded) values
        out.append({
            "park_id": pid, "name": p.get("name"), "city": p.get("city"), "district": p.get("district"),
            "level": p.get("level"), "kind": p.get("kind"), "rank": int(row.rank), "grade": g,
            "index": round(idx, 2), "scores": {d: round(float(getattr(row, d)), 2) for d in DIMENSIONS},
            "previous_index": None if pi is None else round(float(pi), 2),
            "index_change": None if pi is None else round(idx - float(pi), 2),
            "rank_change": None if pr is None else int(pr) - int(row.rank),
            "at_risk": bool(falling), "synthetic": bool(rows_now.get(pid, {}).get("synthetic")),
        })
    sources = sorted({r["source"] for r in rows_now.values()})
    return Evaluation(quarter=quarter, parks=out, cutoffs=cut,
                      grade_counts={gr: sum(1 for p in out if p["grade"] == gr) for gr in "ABCD"},
                      quarters=quarters, history=history,
                      provenance={"sources": sources, "synthetic": any(p["synthetic"] for p in out),
                                  "as_of": max((r["as_of"] for r in rows_now.values()), default=quarter)})


def latest_index(store) -> dict:
    """park_id → the latest quarter's 五力 index (0-100); {} when no indicators are loaded."""
    return {pid: e["index"] for pid, e in latest_standing(store).items()}


def latest_standing(store) -> dict:
    """park_id → {"index", "grade", "rank", "of", "quarter"} of the latest quarter; {} without indicators."""
    try:
        ev = evaluate(store)
    except LookupError:
        return {}
    n = len(ev.parks)
    return {p["park_id"]: {"index": p["index"], "grade": p["grade"], "rank": p["rank"], "of": n,
                           "quarter": ev.quarter, "synthetic": p.get("synthetic", False)} for p in ev.parks}


def cached_evaluate(store, quarter: str | None = None) -> Evaluation:
    """evaluate(), kept per (store, data_version, quarter) in findpark.store.cache: the API and the pages
    ask often."""
    return cached(store, "evaluation.evaluate", lambda q: evaluate(store, q), quarter)


def park_history(store, park_id: str) -> list[dict]:
    """The park's rank, grade and index in every quarter."""
    out = []
    for q in store.quarters():
        p = cached_evaluate(store, q).by_park().get(park_id)
        if p:
            out.append({"quarter": q, "rank": p["rank"], "grade": p["grade"], "index": p["index"],
                        "scores": p["scores"]})
    return out
