"""五力 index, 亩均 grades and the indicator loader."""
import csv
import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from findpark.bootstrap import ensure_store
from findpark.cli import main
from findpark.evaluation import evaluate, latest_index
from findpark.evaluation.fivepower import scores
from findpark.evaluation.grades import grade
from findpark.evaluation.loader import validate
from findpark.evaluation.schema import BY_KEY, DIMENSIONS, INDICATORS, previous_quarter
from findpark.store import LoadError
from tests.conftest import copy_store, snapshot

KEYS = [i.key for i in INDICATORS] + ["hightech_firms_per_km2", "transport_access"]


def _frame(n, seed=0):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({k: rng.uniform(0.05, 0.95, n) if BY_KEY.get(k) and BY_KEY[k].max else rng.uniform(1, 100, n)
                       for k in KEYS})
    df.insert(0, "park_id", [f"P{i:03d}" for i in range(n)])
    return df


def _best_worst(df):
    best, worst = {}, {}
    for k in KEYS:
        lower = k in BY_KEY and BY_KEY[k].better == "lower"
        best[k] = df[k].min() if lower else df[k].max()
        worst[k] = df[k].max() * 2 if lower else df[k].min() / 2
    return best, worst


@settings(max_examples=40, deadline=None)
@given(n=st.integers(2, 40), seed=st.integers(0, 10_000))
def test_all_best_park_scores_highest_on_every_dimension(n, seed):
    df = _frame(n, seed)
    best, _ = _best_worst(df)
    df = pd.concat([df, pd.DataFrame([{"park_id": "BEST", **best}])], ignore_index=True)
    s = scores(df).set_index("park_id")
    for dim in DIMENSIONS:
        assert s.loc["BEST", dim] == pytest.approx(100.0)
        assert s[dim].max() == pytest.approx(s.loc["BEST", dim])


@settings(max_examples=40, deadline=None)
@given(n=st.integers(2, 40), seed=st.integers(0, 10_000))
def test_adding_a_worse_park_never_changes_the_others(n, seed):
    df = _frame(n, seed)
    _, worst = _best_worst(df)
    before = scores(df).set_index("park_id")
    after = scores(pd.concat([df, pd.DataFrame([{"park_id": "WORST", **worst}])], ignore_index=True)).set_index("park_id")
    for dim in [*DIMENSIONS, "index"]:
        assert np.allclose(after.loc[before.index, dim], before[dim])
        assert list(after.drop("WORST").sort_values(dim, kind="stable").index) == \
               list(before.sort_values(dim, kind="stable").index)
        assert after.loc["WORST", dim] <= after[dim].min() + 1e-9


def _counts(labels):
    return {g: labels.count(g) for g in "ABCD"}


@pytest.mark.parametrize("n", [20, 100, 120, 7, 33])
def test_quota_bands_distinct_scores(n):
    labels, cut = grade(np.arange(n, 0, -1, dtype=float))
    c = _counts(labels)
    assert c["A"] <= 0.2 * n and c["A"] + c["B"] <= 0.5 * n and c["D"] >= 0.05 * n
    assert c["A"] == int(0.2 * n) and c["A"] + c["B"] == int(0.5 * n)
    assert labels == sorted(labels)  # best first: A..D in order
    assert cut["A"] > cut["B"] > cut["C"] > cut["D"]


def test_quota_bands_with_ties():
    s = [10, 9, 9, 9, 8, 7, 6, 5, 4, 3]  # n=10: A ≤ 2, but three parks tie at 9
    labels, _ = grade(s)
    assert labels[0] == "A" and labels[1:4] == ["B", "B", "B"]  # the tie does not split; A stays ≤ 20%
    s = [10, 9, 8, 7, 6, 5, 4, 3, 1, 1]  # D ≥ 5% = 1 park, tie of two at the bottom → both D
    labels, cut = grade(s)
    assert labels[-2:] == ["D", "D"] and cut["D"] == 1
    labels, _ = grade([5.0] * 10)  # everybody tied: no A or B can be given without breaking a tie
    assert set(labels) == {"D"}


@pytest.mark.parametrize("n,expected", [(1, {"A": 0, "B": 0, "C": 0, "D": 1}), (2, {"A": 0, "B": 1, "C": 0, "D": 1}),
                                        (3, {"A": 0, "B": 1, "C": 1, "D": 1}), (4, {"A": 0, "B": 2, "C": 1, "D": 1})])
def test_quota_bands_fewer_than_five_parks(n, expected):
    labels, _ = grade(np.arange(n, 0, -1, dtype=float))
    assert _counts(labels) == expected


@pytest.fixture()
def eval_store(bundled_db, tmp_path):
    return ensure_store(copy_store(bundled_db, tmp_path / "ev.gpkg"))


def test_evaluate_bundled_history(eval_store):
    ev = evaluate(eval_store, "2025Q3")
    assert len(ev.parks) == 120 and ev.quarters[0] == "2023Q4" and ev.quarters[-1] == "2025Q3"
    assert [p["rank"] for p in ev.parks] == list(range(1, 121))
    assert sum(ev.grade_counts.values()) == 120 and ev.grade_counts["A"] <= 24 and ev.grade_counts["D"] >= 6
    for p in ev.parks:
        assert set(p["scores"]) == set(DIMENSIONS) and 0 <= p["index"] <= 100
        assert p["index"] == pytest.approx(np.mean(list(p["scores"].values())), abs=0.02)
        assert p["index_change"] == pytest.approx(p["index"] - p["previous_index"], abs=0.02)
        hist = [i for q, i in ev.history[p["park_id"]]]
        assert p["at_risk"] == (hist[-1] < hist[-2] < hist[-3])
    assert ev.provenance["synthetic"] is True
    assert evaluate(eval_store).quarter == "2025Q3"
    with pytest.raises(LookupError, match="2019Q1"):
        evaluate(eval_store, "2019Q1")
    assert previous_quarter("2025Q1") == "2024Q4"


def test_siting_performance_uses_the_latest_index(eval_store):
    from findpark.siting import candidates

    data = candidates.for_store(eval_store)
    idx = latest_index(eval_store)
    assert len(idx) == 120
    p = list(data.park_ids).index("G331018")
    assert data.park_index[p] == pytest.approx(idx["G331018"])


GOOD = {"park_id": "G331018", "quarter": "2025Q4", "tax_per_mu_wan": "12.5", "vacancy_rate": "0.08"}


@pytest.mark.parametrize("row,message", [
    ({**GOOD, "park_id": "NOPE"}, "unknown park 'NOPE'"),
    ({**GOOD, "quarter": "2025Q5"}, "quarter must look like 2025Q3"),
    ({**GOOD, "quarter": "25Q1"}, "quarter must look like"),
    ({**GOOD, "tax_per_mu_wan": "-3"}, "tax_per_mu_wan is negative"),
    ({**GOOD, "tax_per_mu_wan": "abc"}, "tax_per_mu_wan is not a number"),
    ({**GOOD, "vacancy_rate": "8"}, "vacancy_rate is above 1.0"),
    ({**GOOD, "park_id": ""}, "missing park_id"),
])
def test_loader_bad_rows(eval_store, tmp_path, runner, row, message):
    path = tmp_path / "q.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(GOOD))
        w.writeheader()
        w.writerow(GOOD | {"park_id": "G331019"})
        w.writerow(row)
    db = tmp_path / "ev.gpkg"  # the eval_store fixture's file
    before = snapshot(db)
    out = runner.invoke(main, ["indicators", "load", str(path), "--db", eval_store.url])
    assert out.exit_code == 1 and message in out.stderr and "line 3" in out.stderr, out.stderr
    assert snapshot(db) == before


def test_loader_duplicates_and_unknown_columns(eval_store):
    with pytest.raises(LoadError) as exc:
        validate([GOOD, GOOD], eval_store.ids("parks"), "x.csv")
    assert "duplicate park G331018 quarter 2025Q4 (also line 2)" in str(exc.value.problems)
    with pytest.raises(LoadError) as exc:
        validate([{**GOOD, "colour": "red"}], eval_store.ids("parks"), "x.csv")
    assert "unknown column(s) colour" in exc.value.problems[0]


def test_loader_xlsx_round_trip(eval_store, tmp_path, runner):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(list(GOOD))
    ws.append([GOOD[k] if k in ("park_id", "quarter") else float(GOOD[k]) for k in GOOD])
    wb.save(tmp_path / "q.xlsx")
    v0 = eval_store.data_version
    out = runner.invoke(main, ["indicators", "load", str(tmp_path / "q.xlsx"), "--db", eval_store.url])
    assert out.exit_code == 0, out.output
    assert "2025Q4" in eval_store.quarters() and eval_store.data_version == v0 + 1
    row = eval_store.read_quarterly(quarter="2025Q4", park_id="G331018")[0]
    assert row["tax_per_mu_wan"] == 12.5 and row["synthetic"] == []
    ev = evaluate(eval_store, "2025Q4")  # one park only: still graded (D ≥ 5%)
    assert [p["grade"] for p in ev.parks] == ["D"]


def test_bundled_history_file_is_labelled_synthetic():
    rows = list(csv.DictReader(open("data/park_quarterly.csv", encoding="utf-8")))
    assert len(rows) == 120 * 8
    for r in rows[:50]:
        assert r["source"].startswith("synthetic") and set(json.loads(r["synthetic"])) == {i.key for i in INDICATORS}
