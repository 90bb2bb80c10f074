"""可比 with a requirement: each chosen park's best plot for the project, and why the others were excluded."""
from __future__ import annotations

import datetime as _dt

import numpy as np

from . import candidates, constraints, criteria, reasons
from .candidates import EPOCH
from .profiles import weights_for
from .kernel import normalise_weights
from .requirement import CRITERIA, Requirement


def best_plots(store, req: Requirement, park_ids: list[str], *, today: _dt.date | None = None) -> dict:
    """park_id → {"best_plot_id", "score", "contributions", "reasons", "n_eligible_plots", "excluded"}."""
    data = candidates.for_store(store)
    today_day = ((today or _dt.date.today()) - EPOCH).days
    weights, _ = weights_for(req)
    wn = normalise_weights([weights[c] for c in CRITERIA])
    park_industry, matches = criteria.industry_by_park(data, req)
    index = {pid: i for i, pid in enumerate(data.park_ids)}
    out = {}
    for pid in park_ids:
        p = index[pid]
        subset = np.flatnonzero(data.plot_park == p)
        fails = constraints.first_failure(constraints.plot_checks(data, req), data.n_plots, subset=subset)
        elig = fails.eligible
        entry = {"best_plot_id": None, "score": None, "contributions": None, "reasons": [],
                 "n_eligible_plots": int(len(elig)), "excluded": fails.summary(data.plot_ids, "plots")}
        if len(elig):
            X = criteria.plot_matrix(data, req, elig, park_industry, today_day)
            scores = X @ wn
            j = int(np.lexsort((elig, -scores))[0])
            i = elig[j]
            data.plot_synthetic.need(store, [i])
            entry.update(best_plot_id=str(data.plot_ids[i]), score=float(scores[j]),
                         contributions=dict(zip(CRITERIA, (X[j] * wn).tolist())),
                         reasons=reasons.plot_reasons(data, req, i, matches[data.park_codeset[p]], today_day))
        out[pid] = entry
    return out
