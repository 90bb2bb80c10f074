"""Stage 2: criteria for eligible candidates, each in [0, 1]. The formulas (also in the README):

industry     industry.match level: 1 exact · 0.8 same 中类 · 0.6 same 大类 · 0.5 chain link · 0.2 same 门类 · 0
land_fit     供地, min and max given: 1 - |area - mid| / half-width (1 when min = max); only min: min / area;
             only max: area / max.   供楼: 1 - floor_m2 / vacant_factory_m2
cost         供地: P0 / (P0 + price), P0 = 30 万元/亩.   供楼: R0 / (R0 + rent), R0 = 0.6 元/m²/天
transport    Σ_k a_k exp(-d_k / s_k) over amenity kinds present in the store, a renormalised to sum 1:
             airport a=0.3 s=40 km · rail_station 0.3, 15 km · metro_station 0.2, 3 km ·
             highway_interchange 0.2, 5 km · port 0.1, 30 km   (findpark.access, shared with the evaluation)
utilities    mean over requested power/water of 1 - demand / capacity; 0.5 when neither is requested
performance  park 亩均税收 t: t / (t + T0), T0 = 30 万元/亩; averaged with the park's latest 五力 index / 100
             when the store has quarterly indicators
readiness    供地: exp(-months until available_from / 12) (1 when already available).   供楼: 1
Unknown inputs (NaN) score 0.5.
"""
from __future__ import annotations

import numpy as np

from ..access import TRANSPORT, transport  # noqa: F401  (the transport criterion lives with the distances)
from . import industry as ind
from .requirement import CRITERIA, Requirement

P0, R0, T0 = 30.0, 0.6, 30.0


def _half_if_nan(x):
    return np.where(np.isnan(x), 0.5, x)


def industry_by_park(data, req: Requirement) -> tuple[np.ndarray, list]:
    """Industry level for every park (computed once per distinct industry set, cached per store version
    and industry) and the matched pair per industry set."""
    memo = data.cache.setdefault("industry", {})
    hit = memo.get(req.industry)
    if hit is None:
        query = req.industry_query
        per_set = [ind.match(query, labels, codes) for labels, codes in data.codesets]
        levels = np.array([m[0] for m in per_set], dtype=float)
        if len(memo) >= 256:
            memo.clear()
        hit = memo[req.industry] = (levels[data.park_codeset], per_set)
    return hit


def park_performance(data) -> np.ndarray:
    """t/(t+T0) of the park's 亩均税收, averaged with its latest 五力 index / 100 where one exists."""
    tax = _half_if_nan(data.park_tax / (data.park_tax + T0))
    index = data.park_index / 100.0 if len(data.park_index) == data.n_parks else np.full(data.n_parks, np.nan)
    return np.where(np.isnan(index), tax, 0.5 * tax + 0.5 * index)


def static_columns(data, parks: bool = False) -> dict:
    """The request-independent criteria (cost, transport, performance) of every plot, or every park as a
    floor-space candidate, computed once per store version."""
    key = ("static", parks)
    cols = data.cache.get(key)
    if cols is None:
        perf = park_performance(data)
        if parks:
            cols = {"cost": _half_if_nan(R0 / (R0 + data.park_rent)),
                    "transport": transport(data.park_dist, np.arange(data.n_parks)), "performance": perf}
        else:
            perf = perf[data.plot_park]
            cols = {"cost": _half_if_nan(P0 / (P0 + data.price)),
                    "transport": transport(data.plot_dist, np.arange(data.n_plots)), "performance": perf}
        data.cache[key] = cols
    return cols


def utilities(req: Requirement, power_cap, water_cap) -> np.ndarray:
    parts = []
    if req.power_kva is not None:
        parts.append(np.clip(1 - req.power_kva / power_cap, 0, 1))
    if req.water_t_day is not None:
        parts.append(np.clip(1 - req.water_t_day / water_cap, 0, 1))
    if not parts:
        return np.full(len(power_cap), 0.5)
    return _half_if_nan(np.mean(parts, axis=0))


def land_fit(req: Requirement, area: np.ndarray) -> np.ndarray:
    lo, hi = req.land_mu_min, req.land_mu_max
    if lo is not None and hi is not None:
        if hi == lo:
            return np.ones(len(area))
        return np.clip(1 - np.abs(area - (lo + hi) / 2) / ((hi - lo) / 2), 0, 1)
    if lo is not None:
        return np.clip(lo / area, 0, 1)
    return np.clip(area / hi, 0, 1)


def plot_matrix(data, req: Requirement, idx: np.ndarray, park_industry: np.ndarray, today_day: int) -> np.ndarray:
    """(len(idx) × len(CRITERIA)) criteria of the plots ``idx``."""
    static = static_columns(data)
    months = np.maximum(0.0, (data.available_day[idx] - today_day) / 30.4375)
    cols = {
        "industry": park_industry[data.plot_park[idx]],
        "land_fit": land_fit(req, data.area[idx]),
        "cost": static["cost"][idx],
        "transport": static["transport"][idx],
        "utilities": utilities(req, data.power[idx], data.water[idx]),
        "performance": static["performance"][idx],
        "readiness": _half_if_nan(np.exp(-months / 12.0)),
    }
    X = np.empty((len(idx), len(CRITERIA)))
    for f, c in enumerate(CRITERIA):
        X[:, f] = cols[c]
    return X


def park_matrix(data, req: Requirement, idx: np.ndarray, park_industry: np.ndarray) -> np.ndarray:
    """Criteria of parks ``idx`` as floor-space (供楼) candidates."""
    static = static_columns(data, parks=True)
    cols = {
        "industry": park_industry[idx],
        "land_fit": _half_if_nan(np.clip(1 - req.floor_m2 / data.park_vacant[idx], 0, 1)),
        "cost": static["cost"][idx],
        "transport": static["transport"][idx],
        "utilities": utilities(req, data.park_power[idx], data.park_water[idx]),
        "performance": static["performance"][idx],
        "readiness": np.ones(len(idx)),
    }
    return np.column_stack([cols[c] for c in CRITERIA])
