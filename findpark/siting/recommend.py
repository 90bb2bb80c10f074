"""项目落位智能匹配: request → requirement → candidates → criteria matrix → scores and reasons → response.

``recommend(store, request)`` returns the response contract:
{"request", "weights", "plots": [...], "parks": [...], "excluded": {"total", "by_reason", ...}} plus
"profile", "reference_date", "data_version" and "warnings".
"""
from __future__ import annotations

import datetime as _dt

import numpy as np

from . import candidates, constraints, criteria, kernel, reasons
from .candidates import EPOCH
from .profiles import weights_for
from .requirement import CRITERIA, Requirement


def _contrib(row: np.ndarray, wn: np.ndarray) -> dict:
    return {c: float(v) for c, v in zip(CRITERIA, row * wn)}


def _criteria(row: np.ndarray) -> dict:
    return {c: round(float(v), 6) for c, v in zip(CRITERIA, row)}


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
    _, first, _ = constraints.first_failure(checks, data.n_plots)
    elig = np.flatnonzero(first == -1)
    return criteria.plot_matrix(data, req, elig, park_industry, today_day), data.plot_ids[elig]


def recommend(store, request, *, today: _dt.date | None = None, data=None) -> dict:
    """Rank plots and parks for a request (dict or Requirement). Raises pydantic.ValidationError on bad input."""
    req = request if isinstance(request, Requirement) else Requirement.model_validate(request)
    data = data if data is not None else candidates.for_store(store)
    today = today or _dt.date.today()
    today_day = (today - EPOCH).days
    weights, profile = weights_for(req)
    wn = kernel.normalise_weights([weights[c] for c in CRITERIA])
    park_industry, matches = criteria.industry_by_park(data, req)
    warnings = [f"店内没有 {k} 类设施, 距离条件无法满足 (no {k} in the store)"
                for k in (req.max_distance_km or {}) if k not in data.plot_dist]

    plots_out, excluded = [], None
    best = {}  # park index -> (score, kind, local index)
    if req.wants_land:
        codes, first, _ = constraints.first_failure(constraints.plot_checks(data, req), data.n_plots)
        excluded = {**constraints.summarise(codes, first, data.plot_ids), "unit": "plots"}
        elig = np.flatnonzero(first == -1)
        X = criteria.plot_matrix(data, req, elig, park_industry, today_day)
        scores = X @ wn
        top = kernel.rank(scores, elig, req.top_k)  # plots are stored in id order: position = id order
        stab = kernel.stability(X, wn, top)
        for r, (j, s) in enumerate(zip(top, stab), start=1):
            i = elig[j]
            p = data.plot_park[i]
            plots_out.append({
                "rank": r, "plot_id": str(data.plot_ids[i]), "park_id": str(data.park_ids[p]),
                "park_name": data.park_names[p], "score": float(scores[j]), "contributions": _contrib(X[j], wn),
                "criteria": _criteria(X[j]),
                "reasons": reasons.plot_reasons(data, req, i, matches[data.park_codeset[p]], today_day),
                "stability": round(float(s), 3), "area_mu": round(float(data.area[i]), 2),
                "centroid": [round(float(data.lon[i]), 7), round(float(data.lat[i]), 7)],
            })
        order = np.lexsort((elig, -scores))
        park_of = data.plot_park[elig][order]
        _, firsts = np.unique(park_of, return_index=True)
        n_eligible = np.bincount(data.plot_park[elig], minlength=data.n_parks)
        for j in order[firsts]:
            best[int(data.plot_park[elig[j]])] = (float(scores[j]), "plot", j)
    else:
        n_eligible = np.zeros(data.n_parks, dtype=int)

    floor_excluded = None
    if req.wants_floor:
        pcodes, pfirst, _ = constraints.first_failure(constraints.park_checks(data, req), data.n_parks)
        floor_excluded = {**constraints.summarise(pcodes, pfirst, data.park_ids), "unit": "parks"}
        pelig = np.flatnonzero(pfirst == -1)
        Xp = criteria.park_matrix(data, req, pelig, park_industry)
        pscores = Xp @ wn
        for j, p in enumerate(pelig):
            if int(p) not in best or pscores[j] > best[int(p)][0]:
                best[int(p)] = (float(pscores[j]), "floor_space", j)

    park_idx = np.array(sorted(best), dtype=int)
    park_scores = np.array([best[p][0] for p in park_idx])
    parks_out = []
    for r, k in enumerate(kernel.rank(park_scores, park_idx, req.top_k), start=1):
        p = int(park_idx[k])
        score, via, j = best[p]
        match = matches[data.park_codeset[p]]
        if via == "plot":
            i = elig[j]
            row, best_plot = X[j], str(data.plot_ids[i])
            why = reasons.plot_reasons(data, req, i, match, today_day)
        else:
            row, best_plot = Xp[j], None
            why = reasons.floor_reasons(data, req, p, match)
        n = int(n_eligible[p])
        parks_out.append({
            "rank": r, "park_id": str(data.park_ids[p]), "name": data.park_names[p], "score": score,
            "best_plot_id": best_plot, "n_eligible_plots": n, "via": via, "contributions": _contrib(row, wn),
            "criteria": _criteria(row), "reasons": ([f"{n} 个地块符合全部条件"] if n else []) + why,
            "centroid": [round(float(data.park_lon[p]), 7), round(float(data.park_lat[p]), 7)],
        })

    response = {
        "request": normalised_request(req),
        "weights": {c: float(v) for c, v in zip(CRITERIA, wn)},
        "profile": profile,
        "plots": plots_out,
        "parks": parks_out,
        "excluded": excluded if excluded is not None else floor_excluded,
        "reference_date": today.isoformat(),
        "data_version": data.version,
        "warnings": warnings,
    }
    if excluded is not None and floor_excluded is not None:
        response["excluded_parks"] = floor_excluded
    return response
