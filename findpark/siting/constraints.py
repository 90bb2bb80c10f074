"""Stage 1: hard constraints. Each candidate is counted under the FIRST code it fails, in this order."""
from __future__ import annotations

import numpy as np

from ..store.schema import AMENITY_KINDS, LAND_USES
from .requirement import EIA_RANK, Requirement

PLOT_CODES = ("status_unavailable", "area_too_small", "area_too_large", "investment_intensity", "tax_per_mu",
              "power", "water", "eia", "land_use", "price", "district")
PARK_CODES = ("floor_space", "power", "water", "district")


def _gt(a, b):
    """a > b where both are known; an unknown threshold (NaN) never fails."""
    with np.errstate(invalid="ignore"):
        return np.nan_to_num(a, nan=-np.inf) > np.nan_to_num(b, nan=np.inf)


def distance_checks(req: Requirement, dist: dict, n: int):
    for kind in AMENITY_KINDS:
        if req.max_distance_km and kind in req.max_distance_km:
            if kind in dist:
                yield f"distance_{kind}", dist[kind][0] > req.max_distance_km[kind]
            else:  # no amenity of that kind in the store: nothing can be shown to be near one
                yield f"distance_{kind}", np.ones(n, dtype=bool)


def plot_checks(data, req: Requirement):
    """Yield (code, fails mask over all plots) in the order of PLOT_CODES, then distances."""
    n = data.n_plots
    none = np.zeros(n, dtype=bool)
    yield "status_unavailable", ~data.available
    yield "area_too_small", data.area < req.land_mu_min if req.land_mu_min is not None else none
    yield "area_too_large", data.area > req.land_mu_max if req.land_mu_max is not None else none
    if req.investment_wan is not None:
        yield "investment_intensity", _gt(data.min_invest, req.investment_wan / data.area)
    else:
        yield "investment_intensity", none
    if req.annual_tax_wan is not None:
        yield "tax_per_mu", _gt(data.min_tax, req.annual_tax_wan / data.area)
    else:
        yield "tax_per_mu", none
    yield "power", _gt(req.power_kva, data.power) if req.power_kva is not None else none
    yield "water", _gt(req.water_t_day, data.water) if req.water_t_day is not None else none
    if req.eia is not None:
        yield "eia", (data.eia >= 0) & (data.eia < EIA_RANK[req.eia])
    else:
        yield "eia", none
    allowed = [LAND_USES.index(u) for u in req.allowed_land_uses]
    yield "land_use", ~np.isin(data.land_use, allowed)
    yield "price", _gt(data.price, req.max_price_wan_per_mu) if req.max_price_wan_per_mu is not None else none
    districts = req.district_adcodes
    yield "district", (~np.isin(data.park_adcode, districts)[data.plot_park] if districts else none)
    yield from distance_checks(req, data.plot_dist, n)


def park_checks(data, req: Requirement):
    """Floor-space (供楼) candidates: parks with vacant standard-factory floor."""
    n = data.n_parks
    none = np.zeros(n, dtype=bool)
    yield "floor_space", _gt(req.floor_m2, np.nan_to_num(data.park_vacant, nan=0.0))
    yield "power", _gt(req.power_kva, data.park_power) if req.power_kva is not None else none
    yield "water", _gt(req.water_t_day, data.park_water) if req.water_t_day is not None else none
    districts = req.district_adcodes
    yield "district", ~np.isin(data.park_adcode, districts) if districts else none
    yield from distance_checks(req, data.park_dist, n)


def first_failure(checks, n: int):
    """(codes, first failing code index per candidate or -1 if eligible)."""
    checks = list(checks)
    first = np.full(n, -1, dtype=int)
    for i in range(len(checks) - 1, -1, -1):
        first[checks[i][1]] = i
    return [c for c, _ in checks], first, checks


def summarise(codes, first, ids, n_examples: int = 3) -> dict:
    counts = np.bincount(first[first >= 0], minlength=len(codes))
    by_reason = {c: int(k) for c, k in zip(codes, counts) if k}
    examples = {}
    for i, c in enumerate(codes):
        if counts[i]:
            examples[c] = [str(x) for x in ids[np.flatnonzero(first == i)[:n_examples]]]
    return {"total": int((first >= 0).sum()), "by_reason": by_reason, "examples": examples}
