"""放宽条件: for each constraint that blocks plots in the request's scope, the smallest change to the request
that admits more plots, and the change that admits every plot failing only that constraint.

A relaxation is ``{"constraint", "field", "from", "to", "unlocks", "text"}``: ``field`` is a request field or a
dotted path (``max_distance_km.airport``); ``to`` is the new value (``null``: drop the condition; for
``districts`` the widened list). Contract (property-tested): applying ``{field: to}`` to the request gives
``eligible >= unlocks``; here ``unlocks`` is exactly how many more plots become eligible (``eligible`` after
minus before), found by running the constraints again on the changed request.
"""
from __future__ import annotations

import math

import numpy as np

from .. import vocab
from ..gazetteer import counties
from ..store.schema import EIA_CATEGORIES, LAND_USES
from . import constraints
from .requirement import COMPATIBLE, EIA_RANK, Requirement

MAX_PER_CONSTRAINT = 2
MAX_TRIES = 30  # candidate values tried for the smallest change


def _up(x: float, nd: int = 1) -> float:
    f = 10 ** nd
    return math.ceil(x * f - 1e-9) / f


def _down(x: float, nd: int = 1) -> float:
    f = 10 ** nd
    return math.floor(x * f + 1e-9) / f


def _num(x) -> str:
    return f"{x:,.1f}".rstrip("0").rstrip(".") if isinstance(x, float) else str(x)


def apply(request: dict, field: str, to) -> dict:
    """The request with ``{field: to}`` applied (a dotted field sets a key of a map; ``None`` drops it)."""
    out = {k: (dict(v) if isinstance(v, dict) else v) for k, v in request.items()}
    head, _, key = field.partition(".")
    if key:
        inner = dict(out.get(head) or {})
        if to is None:
            inner.pop(key, None)
        else:
            inner[key] = to
        if inner:
            out[head] = inner
        else:
            out.pop(head, None)
    elif to is None:
        out.pop(head, None)
    else:
        out[head] = to
    return out


def _gain(data, request: dict, field: str, to, base: int) -> int:
    try:
        changed = Requirement.model_validate(apply(request, field, to))
    except ValueError:
        return 0
    return _eligible(data, changed) - base


def _eligible(data, req: Requirement) -> int:
    return len(constraints.first_failure(constraints.plot_checks(data, req), data.n_plots).eligible)


def _county_names() -> dict:
    return {c["adcode"]: f"{c['city']}{c['district']}" for c in counties()}


def _targets(data, req: Requirement, code: str, alone: np.ndarray) -> list[tuple[str, list]]:
    """(field, candidate values ordered from the smallest change to the largest) for the plots ``alone``
    failing only ``code``."""
    area = data.area[alone]
    if code == "area_too_small":
        return [("land_mu_min", sorted({_down(a) for a in area}, reverse=True))]
    if code == "area_too_large":
        return [("land_mu_max", sorted({_up(a) for a in area}))]
    if code == "investment_intensity":
        return [("investment_wan", sorted({float(math.ceil(t * a - 1e-9)) for t, a in zip(data.min_invest[alone], area)}))]
    if code == "tax_per_mu":
        return [("annual_tax_wan", sorted({float(math.ceil(t * a - 1e-9)) for t, a in zip(data.min_tax[alone], area)}))]
    if code == "power":
        return [("power_kva", sorted({float(math.floor(c)) for c in data.power[alone]}, reverse=True))]
    if code == "water":
        return [("water_t_day", sorted({float(math.floor(c)) for c in data.water[alone]}, reverse=True))]
    if code == "price":
        return [("max_price_wan_per_mu", sorted({_up(p) for p in data.price[alone]}))]
    if code == "eia":
        ranks = sorted({int(r) for r in data.eia[alone]}, reverse=True)
        return [("eia", [EIA_CATEGORIES[r] for r in ranks if r < EIA_RANK[req.eia]])]
    if code == "land_use":
        have = {LAND_USES[int(u)] for u in data.land_use[alone]}
        options = [lu for lu in LAND_USES if lu != req.effective_land_use and have & set(COMPATIBLE[lu])]
        return [("land_use", options)]
    if code.startswith("distance_"):
        kind = code.removeprefix("distance_")
        if kind not in data.plot_dist:
            return [(f"max_distance_km.{kind}", [None])]
        km = data.plot_dist[kind][0][alone]
        return [(f"max_distance_km.{kind}", sorted({_up(d) for d in km if d <= 1000}))]
    return []


def _text(code: str, field: str, frm, to, unlocks: int) -> str:
    what = vocab.label("exclusion", code)
    head, _, key = field.partition(".")
    if head == "districts":
        names = _county_names()
        added = [names.get(a, a) for a in to if a not in (frm or [])]
        return f"{what}: 意向地区加上 {'、'.join(added)}, 可增加 {unlocks} 个地块"
    name = vocab.label("request_field", field)
    unit = vocab.unit_of("request_field", head) if not key else "km"
    if to is None:
        return f"{what}: 去掉「{name}」条件, 可增加 {unlocks} 个地块"
    if head == "eia":
        frm, to = vocab.label("eia", frm), vocab.label("eia", to)
    if head == "land_use":
        frm, to = vocab.label("land_use", frm), vocab.label("land_use", to)
    return f"{what}: {name} {_num(frm)} → {_num(to)} {unit}".rstrip() + f", 可增加 {unlocks} 个地块"


def relaxations(data, req: Requirement, request: dict, checks, scope, eligible: np.ndarray) -> list[dict]:
    """The suggestions for a land (供地) request; ``request`` is the validated request as a dict."""
    base = len(eligible)
    codes = [c for c, _ in checks if c != "district"]
    fails = dict(checks)
    idx = np.arange(data.n_plots) if scope is None else np.flatnonzero(scope)
    idx = idx[~np.isin(idx, eligible)]
    m = np.array([fails[c](idx) for c in codes], dtype=bool).reshape(len(codes), len(idx))
    n_fail = m.sum(axis=0)
    out = []
    for k, code in enumerate(codes):
        alone = idx[m[k] & (n_fail == 1)]
        if not len(alone) or code == "status_unavailable":
            continue
        for field, values in _targets(data, req, code, alone):
            head, _, key = field.partition(".")
            frm = (request.get(head) or {}).get(key) if key else request.get(head)
            if head == "eia":
                frm = req.eia
            if head == "land_use":
                frm = req.effective_land_use
            categorical = head in ("eia", "land_use")
            tries = values if categorical else values[:MAX_TRIES] + values[-1:]
            found = []
            for to in dict.fromkeys(tries):  # the smallest change that admits any, then the one admitting all
                gain = _gain(data, request, field, to, base)
                if gain > 0 and (not found or gain > found[-1][1]):
                    found.append((to, gain))
                    if len(found) == 1 and not categorical:
                        tries_left = values[-1:]
                        if tries_left and tries_left[0] != to:
                            last = _gain(data, request, field, tries_left[0], base)
                            if last > gain:
                                found.append((tries_left[0], last))
                        break
            picks = (found[-1:] if categorical else found)[:MAX_PER_CONSTRAINT]
            for to, gain in picks:
                out.append({"constraint": code, "field": field, "from": frm, "to": to, "unlocks": gain,
                            "text": _text(code, field, frm, to, gain)})
    if req.districts:
        out += _widen_districts(data, req, request, base)
    return out


def _widen_districts(data, req: Requirement, request: dict, base: int) -> list[dict]:
    """The county outside the request's districts whose plots pass every other constraint, most first."""
    checks = [(c, f) for c, f in constraints.plot_checks(data, req) if c != "district"]
    elig = constraints.first_failure(checks, data.n_plots).eligible
    inside = set(req.district_adcodes or ())
    counts: dict[str, int] = {}
    for i in elig:
        a = data.park_adcode[data.plot_park[i]]
        if a not in inside:
            counts[a] = counts.get(a, 0) + 1
    if not counts:
        return []
    best = max(sorted(counts), key=counts.get)
    to = list(request["districts"]) + [best]
    gain = _eligible(data, Requirement.model_validate(apply(request, "districts", to))) - base
    if gain <= 0:
        return []
    return [{"constraint": "district", "field": "districts", "from": list(request["districts"]), "to": to,
             "unlocks": gain, "text": _text("district", "districts", request["districts"], to, gain)}]
