"""项目落位智能匹配: request → requirement → candidates → criteria matrix → scores and reasons → response.

``recommend(store, request)`` returns the response contract:
{"request", "weights", "plots": [...], "parks": [...], "excluded": {"total", "by_reason", ...}} plus
"profile", "reference_date", "data_version" and "warnings".
"""
from __future__ import annotations

import datetime as _dt

import numpy as np

from .. import vocab
from . import candidates, constraints, criteria, kernel, reasons, relax
from .candidates import EPOCH
from .profiles import weights_for
from .requirement import CRITERIA, Requirement


def _contrib(row: np.ndarray, wn: np.ndarray) -> dict:
    return dict(zip(CRITERIA, (row * wn).tolist()))


def _criteria(row: np.ndarray) -> dict:
    return dict(zip(CRITERIA, np.round(row, 6).tolist()))


def normalised_request(req: Requirement) -> dict:
    out = req.model_dump(exclude_none=True)
    out["industry_codes"] = list(req.industry_codes)
    if req.family:
        out["industry_family"] = req.family
    out["land_use"] = req.effective_land_use
    out["allowed_land_uses"] = list(req.allowed_land_uses)
    if req.district_adcodes:
        out["district_adcodes"] = list(req.district_adcodes)
    return out


def choice_set(data, req: Requirement, today: _dt.date | None = None, *, ignore_status: bool = False):
    """The eligible plots of a land request and their criteria: (X [m × len(CRITERIA)], plot ids [m]).

    The same matrix ``recommend`` scores; the weight learner fits on it. ``ignore_status`` drops the
    status rule, for past placements whose plot has been sold or leased since."""
    today_day = ((today or _dt.date.today()) - EPOCH).days
    park_industry, _ = criteria.industry_by_park(data, req)
    checks = [(c, m) for c, m in constraints.plot_checks(data, req) if not (ignore_status and c == "status_unavailable")]
    elig = constraints.first_failure(checks, data.n_plots).eligible
    return criteria.plot_matrix(data, req, elig, park_industry, today_day), data.plot_ids[elig]


def _scope(adcodes: np.ndarray, req: Requirement) -> np.ndarray | None:
    """The candidates in the request's districts (None: no districts, the whole province)."""
    return np.isin(adcodes, req.district_adcodes) if req.district_adcodes else None


def recommend(store, request, *, today: _dt.date | None = None, data=None) -> dict:
    """Rank plots and parks for a request (dict or Requirement). Raises pydantic.ValidationError on bad input."""
    req = request if isinstance(request, Requirement) else Requirement.model_validate(request)
    data = data if data is not None else candidates.for_store(store)
    today = today or _dt.date.today()
    today_day = (today - EPOCH).days
    weights, profile = weights_for(req)
    wn = kernel.normalise_weights([weights[c] for c in CRITERIA])
    park_industry, matches = criteria.industry_by_park(data, req)
    warnings = [f"数据中没有{vocab.label('amenity_kind', k)}类设施, 距离条件无法满足 (no {k} in the store)"
                for k in (req.max_distance_km or {}) if k not in data.plot_dist]

    plots_out, excluded, why_plot = [], None, {}
    n_parks = data.n_parks
    # per park: best plot score / its row in X (-1: none), best floor score / its row in Xp
    plot_best = np.full(n_parks, -np.inf)
    plot_row = np.full(n_parks, -1)
    floor_best = np.full(n_parks, -np.inf)
    floor_row = np.full(n_parks, -1)
    n_eligible = np.zeros(n_parks, dtype=int)
    relaxations, n_eligible_total = [], 0
    if req.wants_land:
        checks = list(constraints.plot_checks(data, req))
        park_scope = _scope(data.park_adcode, req)  # per park, then spread to its plots
        scope = None if park_scope is None else park_scope[data.plot_park]
        elig, excluded = constraints.screen(checks, data.n_plots, scope, data.plot_ids, "plots")
        n_eligible_total = len(elig)
        if len(elig) < req.top_k:
            relaxations = relax.relaxations(data, req, req.model_dump(exclude_none=True), checks, scope, elig)
        X = criteria.plot_matrix(data, req, elig, park_industry, today_day)
        scores = X @ wn
        top = kernel.rank(scores, elig, req.top_k)  # plots are stored in id order: position = id order
        stab = kernel.stability(X, wn, top)
        data.plot_synthetic.need(store, elig[top])
        for r, (j, s) in enumerate(zip(top, stab), start=1):
            i = elig[j]
            p = data.plot_park[i]
            why_plot[int(j)] = reasons.split(reasons.plot_assessment(data, req, i, matches[data.park_codeset[p]], today_day))
            plots_out.append({
                "rank": r, "plot_id": str(data.plot_ids[i]), "park_id": str(data.park_ids[p]),
                "park_name": data.park_names[p], "score": float(scores[j]), "contributions": _contrib(X[j], wn),
                "criteria": _criteria(X[j]), **why_plot[int(j)],
                "stability": round(float(s), 3), "area_mu": round(float(data.area[i]), 2),
                "centroid": [round(float(data.lon[i]), 7), round(float(data.lat[i]), 7)],
            })
        # each park's best plot: highest score, then lowest position (= id)
        park_of = data.plot_park[elig]
        np.maximum.at(plot_best, park_of, scores)
        hit = np.flatnonzero(scores == plot_best[park_of])
        parks_hit, first_hit = np.unique(park_of[hit], return_index=True)
        plot_row[parks_hit] = hit[first_hit]
        n_eligible = np.bincount(park_of, minlength=n_parks)

    floor_excluded = None
    if req.wants_floor:
        pchecks = list(constraints.park_checks(data, req))
        pfail = constraints.first_failure(pchecks, n_parks)
        pelig = pfail.eligible
        floor_excluded = constraints.scoped_summary(pchecks, n_parks, _scope(data.park_adcode, req), pelig,
                                                    data.park_ids, "parks")
        if not req.wants_land:
            n_eligible_total = len(pelig)
        Xp = criteria.park_matrix(data, req, pelig, park_industry)
        floor_best[pelig] = Xp @ wn
        floor_row[pelig] = np.arange(len(pelig))

    # a park's score: its best plot's, or its floor space's when that is higher (供楼)
    via_floor = floor_best > plot_best
    park_score = np.where(via_floor, floor_best, plot_best)
    ranked = np.flatnonzero(np.isfinite(park_score))
    parks_out = []
    shown = [int(ranked[k]) for k in kernel.rank(park_score[ranked], ranked, req.top_k)]
    best_rows = [elig[int(plot_row[p])] for p in shown if not via_floor[p]]
    if best_rows:
        data.plot_synthetic.need(store, best_rows)
    for r, p in enumerate(shown, start=1):
        match = matches[data.park_codeset[p]]
        if not via_floor[p]:
            j = int(plot_row[p])
            i = elig[j]
            row, best_plot, via = X[j], str(data.plot_ids[i]), "plot"
            why = why_plot.get(j) or reasons.split(reasons.plot_assessment(data, req, i, match, today_day))
        else:
            j = int(floor_row[p])
            row, best_plot, via = Xp[j], None, "floor_space"
            why = reasons.split(reasons.floor_assessment(data, req, p, match))
        n = int(n_eligible[p])
        parks_out.append({
            "rank": r, "park_id": str(data.park_ids[p]), "name": data.park_names[p], "score": float(park_score[p]),
            "best_plot_id": best_plot, "n_eligible_plots": n, "via": via, "contributions": _contrib(row, wn),
            "criteria": _criteria(row), "reasons": ([f"{n} 个地块符合全部条件"] if n else []) + why["reasons"],
            "strengths": why["strengths"], "weaknesses": why["weaknesses"],
            "centroid": [round(float(data.park_lon[p]), 7), round(float(data.park_lat[p]), 7)],
        })

    response = {
        "request": normalised_request(req),
        "weights": {c: float(v) for c, v in zip(CRITERIA, wn)},
        "profile": profile,
        "plots": plots_out,
        "parks": parks_out,
        "eligible": int(n_eligible_total),
        "relaxations": relaxations,
        "excluded": excluded if excluded is not None else floor_excluded,
        "reference_date": today.isoformat(),
        "data_version": data.version,
        "warnings": warnings,
    }
    if excluded is not None and floor_excluded is not None:
        response["excluded_parks"] = floor_excluded
    return response
