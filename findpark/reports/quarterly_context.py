"""The content of the quarterly 五力 evaluation report (``build_context``): what the HTML and the PDF both
show, as plain data (numbers formatted, labels from ``findpark.vocab``)."""
from __future__ import annotations

import statistics
from datetime import datetime

from .. import vocab
from ..evaluation.evaluate import Evaluation
from ..evaluation.schema import BY_KEY, DIMENSIONS, LOWER_OFFSET, previous_quarter
from ..services.comparison import dimension_label

DIMS = list(DIMENSIONS)  # the keys of the evaluation's scores
DIM_LABELS = {d: dimension_label(d) for d in DIMS}
GRADE_COLORS = {"A": "#2e7d32", "B": "#1565c0", "C": "#ef8f00", "D": "#c62828"}
GRADE_TINTS = {"A": "#e3f1e4", "B": "#e1ecf8", "C": "#fdf0dc", "D": "#f9e0e0"}
# Indicators a dimension uses that are computed rather than loaded (fivepower.derive).
DERIVED = {
    "hightech_firms_per_km2": ("每平方公里高新技术企业数", "家/km²", "higher",
                               "高新技术企业数 ÷ 园区面积（km²，由园区边界计算）"),
    "transport_access": ("交通可达性", "0-1", "higher",
                         "由库中机场、铁路站、地铁站按选址模型的交通准则在园区处计算"),
}
SECTIONS = (("overview", "一、概览"), ("ranking", "二、排名"), ("grades", "三、等级分布"),
            ("movers", "四、变化最大"), ("risk", "五、风险园区"), ("radar", "六、各园区五力雷达图"),
            ("sources", "七、数据来源与方法"))
N_MOVERS = 5
N_TOP = 20


# -- the content ------------------------------------------------------------------------------------
def signed(x, digits=2) -> str:
    if x is None:
        return "—"
    return f"{x:+.{digits}f}" if round(x, digits) != 0 else f"{0:.{digits}f}"


def _rank_change(x) -> str:
    if x is None:
        return "—"
    return f"↑{x}" if x > 0 else f"↓{-x}" if x < 0 else "0"


def _indicator(key: str) -> dict:
    if key in DERIVED:
        label, unit, better, note = DERIVED[key]
    else:
        ind = BY_KEY[key]
        label, unit, better, note = ind.label, ind.unit, ind.better, ""
    return {"key": key, "label": label, "unit": unit, "better": better, "note": note,
            "better_zh": "越高越好" if better == "higher" else "越低越好",
            "offset": LOWER_OFFSET.get(key) if better == "lower" else None}


def build_context(store, ev: Evaluation) -> dict:
    parks = []
    for p in ev.parks:
        parks.append({**p, "level_zh": vocab.label("park_level", p["level"]) if p["level"] else "",
                      "index_s": f"{p['index']:.2f}", "change_s": signed(p["index_change"]),
                      "rank_change_s": _rank_change(p["rank_change"]),
                      "scores_s": [f"{p['scores'][d]:.1f}" for d in DIMS]})
    n = len(parks)
    idx = [p["index"] for p in parks]
    cities = {}
    for p in parks:
        cities.setdefault(p["city"] or "（未知）", []).append(p)
    city_rows = []
    for city, ps in cities.items():
        best = min(ps, key=lambda p: p["rank"])
        city_rows.append({"city": city, "n": len(ps), "mean": statistics.fmean(q["index"] for q in ps),
                          "national": sum(q["level"] == "national" for q in ps),
                          "grades": {g: sum(q["grade"] == g for q in ps) for g in "ABCD"},
                          "at_risk": sum(q["at_risk"] for q in ps), "best": best["name"], "best_rank": best["rank"]})
    city_rows.sort(key=lambda r: (-r["mean"], r["city"]))
    for r in city_rows:
        r["mean_s"] = f"{r['mean']:.2f}"

    changed = [p for p in parks if p["index_change"] is not None]
    up = sorted((p for p in changed if p["index_change"] > 0), key=lambda p: (-p["index_change"], p["park_id"]))
    down = sorted((p for p in changed if p["index_change"] < 0), key=lambda p: (p["index_change"], p["park_id"]))
    q1 = previous_quarter(ev.quarter)
    q2 = previous_quarter(q1)
    risk = []
    for p in parks:
        if p["at_risk"]:
            h = dict(ev.history.get(p["park_id"], []))
            risk.append({**p, "trail": [f"{h[q]:.2f}" if q in h else "—" for q in (q2, q1, ev.quarter)],
                         "two_q_change_s": signed(p["index"] - h[q2]) if q2 in h else "—"})
    dim_means = {d: statistics.fmean(p["scores"][d] for p in parks) for d in DIMS} if parks else {}
    cut = ev.cutoffs
    grade_rows = []
    for g in "ABCD":
        c = ev.grade_counts.get(g, 0)
        rule = {"A": "前 ≤20%", "B": "其后 ≤30%（A+B ≤50%）", "C": "其余", "D": "末尾 ≥5%"}[g]
        bound = ("最低指数" if g != "D" else "最高指数") + (f" {cut[g]:.2f}" if g in cut else " —")
        grade_rows.append({"grade": g, "count": c, "share": f"{c / n:.1%}" if n else "—", "rule": rule,
                           "bound": bound, "color": GRADE_COLORS[g]})
    method = [{"dim": DIM_LABELS[d], "weights": [{**_indicator(key), "weight": w} for key, w in DIMENSIONS[d].items()]}
              for d in DIMS]
    prov = dict(ev.provenance)
    return {
        "title": f"浙江省开发区（园区）五力评价报告 {ev.quarter}",
        "quarter": ev.quarter, "previous_quarter": q1, "quarters": ev.quarters,
        "has_previous": q1 in ev.quarters,
        "generated": datetime.now().strftime("%Y-%m-%d %H:%M"),
        "n": n, "n_national": sum(p["level"] == "national" for p in parks),
        "n_provincial": sum(p["level"] == "provincial" for p in parks),
        "n_cities": len(city_rows),
        "mean_s": f"{statistics.fmean(idx):.2f}" if idx else "—",
        "median_s": f"{statistics.median(idx):.2f}" if idx else "—",
        "max_s": f"{max(idx):.2f}" if idx else "—", "min_s": f"{min(idx):.2f}" if idx else "—",
        "top": parks[0] if parks else None,
        "parks": parks, "cities": city_rows, "grades": grade_rows,
        "up": up[:N_MOVERS], "down": down[:N_MOVERS], "n_up": len(up), "n_down": len(down),
        "risk": risk, "risk_quarters": [q2, q1, ev.quarter],
        "dims": [DIM_LABELS[d] for d in DIMS], "dim_means": dim_means,  # dims: labels; dim_means: by key
        "dim_means_s": {DIM_LABELS[d]: f"{v:.1f}" for d, v in dim_means.items()},
        "method": method,
        "provenance": {**prov, "data_version": getattr(store, "data_version", None),
                       "font": "Noto Sans SC（SIL Open Font License 1.1，随 findpark 提供，static/fonts/）"},
        "sections": SECTIONS,
    }
