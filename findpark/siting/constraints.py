"""Stage 1: hard constraints. Each candidate is counted under the FIRST code it fails, in this order, and
separately under "fails only this" (``scoped_summary``); both counts cover the request's scope: the plots (or
parks) in its districts, or all of them.

A check is ``(code, fails)`` where ``fails(idx)`` answers for the candidates ``idx`` (an index array, or
``slice(None)`` for all). :func:`first_failure` asks each check only about the candidates that passed
the checks before it, so a request costs one pass over all plots and ever smaller passes after it.
"""
from __future__ import annotations

import numpy as np

from ..store.schema import AMENITY_KINDS, LAND_USES
from .requirement import EIA_RANK, Requirement

PLOT_CODES = ("status_unavailable", "area_too_small", "area_too_large", "investment_intensity", "tax_per_mu",
              "power", "water", "eia", "land_use", "price", "district")
PARK_CODES = ("floor_space", "power", "water", "district")
ALL = slice(None)


def _gt(a, b):
    """a > b where both are known; an unknown threshold (NaN) never fails (an IEEE comparison with NaN is
    false, so no NaN needs replacing)."""
    return np.greater(a, b)


def distance_checks(req: Requirement, dist: dict, n: int):
    for kind in AMENITY_KINDS:
        if req.max_distance_km and kind in req.max_distance_km:
            limit = req.max_distance_km[kind]
            if kind in dist:
                yield f"distance_{kind}", lambda i, d=dist[kind][0], lim=limit: d[i] > lim
            else:  # no amenity of that kind in the store: nothing can be shown to be near one
                yield f"distance_{kind}", lambda i: np.ones(n, dtype=bool)[i]


def plot_checks(data, req: Requirement):
    """Yield (code, fails) in the order of PLOT_CODES, then distances; only checks the request needs
    (an unused check cannot fail, so leaving it out changes no count)."""
    yield "status_unavailable", lambda i: ~data.available[i]
    if req.land_mu_min is not None:
        yield "area_too_small", lambda i: data.area[i] < req.land_mu_min
    if req.land_mu_max is not None:
        yield "area_too_large", lambda i: data.area[i] > req.land_mu_max
    if req.investment_wan is not None:
        yield "investment_intensity", lambda i: _gt(data.min_invest[i], req.investment_wan / data.area[i])
    if req.annual_tax_wan is not None:
        yield "tax_per_mu", lambda i: _gt(data.min_tax[i], req.annual_tax_wan / data.area[i])
    if req.power_kva is not None:
        yield "power", lambda i: _gt(req.power_kva, data.power[i])
    if req.water_t_day is not None:
        yield "water", lambda i: _gt(req.water_t_day, data.water[i])
    if req.eia is not None:
        rank = EIA_RANK[req.eia]
        yield "eia", lambda i: (data.eia[i] >= 0) & (data.eia[i] < rank)
    allowed = np.zeros(len(LAND_USES) + 1, dtype=bool)  # by land-use index; the extra last slot: -1, unknown
    allowed[[LAND_USES.index(u) for u in req.allowed_land_uses]] = True
    yield "land_use", lambda i: ~allowed[data.land_use[i]]
    if req.max_price_wan_per_mu is not None:
        yield "price", lambda i: _gt(data.price[i], req.max_price_wan_per_mu)
    districts = req.district_adcodes
    if districts:
        in_district = np.isin(data.park_adcode, districts)
        yield "district", lambda i: ~in_district[data.plot_park[i]]
    yield from distance_checks(req, data.plot_dist, data.n_plots)


def park_checks(data, req: Requirement):
    """Floor-space (供楼) candidates: parks with vacant standard-factory floor."""
    yield "floor_space", lambda i: _gt(req.floor_m2, np.nan_to_num(data.park_vacant[i], nan=0.0))
    if req.power_kva is not None:
        yield "power", lambda i: _gt(req.power_kva, data.park_power[i])
    if req.water_t_day is not None:
        yield "water", lambda i: _gt(req.water_t_day, data.park_water[i])
    districts = req.district_adcodes
    if districts:
        yield "district", lambda i: ~np.isin(data.park_adcode[i], districts)
    yield from distance_checks(req, data.park_dist, data.n_parks)


class Failures:
    """The outcome of stage 1: per-code counts, a few example candidates per code, the eligible indices and
    ``first`` (index of the first failed check per candidate, -1 if eligible)."""

    def __init__(self, codes, first, eligible, counts, examples):
        self.codes, self.first, self.eligible, self.counts, self.examples = codes, first, eligible, counts, examples

    def summary(self, ids, unit: str) -> dict:
        by_reason = {c: int(k) for c, k in zip(self.codes, self.counts) if k}
        examples = {c: [str(x) for x in ids[self.examples[c]]] for c in by_reason}
        return {"total": int(sum(by_reason.values())), "by_reason": by_reason, "examples": examples, "unit": unit}


def _first_true(mask: np.ndarray, k: int) -> np.ndarray:
    """Indices of the first k True values, looking at a growing prefix rather than the whole mask."""
    size = 1024
    while True:
        hits = np.flatnonzero(mask[:size])
        if len(hits) >= k or size >= len(mask):
            return hits[:k]
        size *= 16


def first_failure(checks, n: int, n_examples: int = 3, subset: np.ndarray | None = None) -> Failures:
    """Run checks in order, each on the survivors of the ones before it (only on ``subset`` when given;
    candidates outside it keep first = -1 and are not counted)."""
    checks = list(checks)
    first = np.full(n, -1, dtype=np.int16)
    counts = np.zeros(len(checks), dtype=np.int64)
    examples = {}
    alive = None if subset is None else np.asarray(subset, dtype=int)
    for k, (code, fails) in enumerate(checks):
        if alive is None:  # the one pass over every candidate: no index array of the failures
            bad_mask = fails(ALL)
            alive = np.flatnonzero(~bad_mask)
            first[:] = k
            first[alive] = -1
            counts[k] = n - len(alive)
            examples[code] = _first_true(bad_mask, n_examples)
        else:
            bad_mask = fails(alive)
            bad = alive[bad_mask]
            alive = alive[~bad_mask]
            first[bad] = k
            counts[k] = len(bad)
            examples[code] = bad[:n_examples]
        if len(alive) == 0:
            break
    if alive is None:
        alive = np.arange(n)
    return Failures([c for c, _ in checks], first, alive, counts, examples)


def scoped_summary(checks, n: int, scope: np.ndarray | None, eligible: np.ndarray, ids, unit: str,
                   n_examples: int = 3) -> dict:
    """The exclusions among the candidates in ``scope`` (a bool mask; None = all): ``by_reason`` counts each
    under the first check it fails, ``only`` those failing that check and no other, with ``examples`` of the
    first failures. The district check defines the scope and is not counted."""
    codes, rows, idx = _scope_rows(checks, n, scope)
    return _summary(codes, rows, idx, n, scope, len(eligible), ids, unit, n_examples)


def screen(checks, n: int, scope: np.ndarray | None, ids, unit: str, n_examples: int = 3):
    """(eligible, exclusions): ``first_failure(checks, n).eligible`` and ``scoped_summary`` from one
    evaluation of each check over the scope (the district check is the scope: eligible candidates lie in it).
    What a request needs, without asking every check twice."""
    codes, rows, idx = _scope_rows(checks, n, scope)
    size = n if idx is None else len(idx)
    bad = np.zeros(size, dtype=bool)
    for row in rows:
        bad |= row
    ok = np.flatnonzero(~bad)
    eligible = ok if idx is None else idx[ok]
    return eligible, _summary(codes, rows, idx, n, scope, len(eligible), ids, unit, n_examples)


def _scope_rows(checks, n: int, scope):
    """The codes and fail masks of every check but the district one, over the scope's candidates (``idx``;
    None = all, whole columns)."""
    checks = [(c, f) for c, f in checks if c != "district"]
    idx = None if scope is None else np.flatnonzero(scope)
    size = n if idx is None else len(idx)
    rows = [((fails(ALL) if idx is None else fails(idx)) if size else np.zeros(0, dtype=bool)) for _, fails in checks]
    return [c for c, _ in checks], rows, idx


def _summary(codes, rows, idx, n, scope, n_eligible: int, ids, unit: str, n_examples: int) -> dict:
    # Eligible candidates pass every check, so they fall out of the counts by themselves (first == len(codes)).
    size = n if idx is None else len(idx)
    k_none = len(codes)
    n_fail = np.zeros(size, dtype=np.int8)
    for row in rows:
        n_fail += row
    first = np.full(size, k_none, dtype=np.int8)  # the first check failed; k_none: none
    for k in range(k_none - 1, -1, -1):
        first[rows[k]] = k
    counts = np.bincount(first, minlength=k_none + 1).tolist()
    # a candidate failing one check alone fails it first: "fails only this" counts by the first failure
    alone = np.bincount(first[n_fail == 1], minlength=k_none + 1).tolist()
    by_reason, only, examples = {}, {}, {}
    for k, code in enumerate(codes):
        if counts[k]:
            by_reason[code] = counts[k]
            hits = _first_true(first == k, n_examples)
            examples[code] = [str(x) for x in ids[hits if idx is None else idx[hits]]]
        if alone[k]:
            only[code] = alone[k]
    in_scope = n if scope is None else int(scope.sum())
    return {"total": int(sum(by_reason.values())), "by_reason": by_reason, "only": only, "examples": examples,
            "unit": unit, "scope": {"candidates": in_scope, "eligible": int(n_eligible)}}
