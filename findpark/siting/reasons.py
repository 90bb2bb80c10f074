"""Short Chinese sentences a promotion officer can read to an investor. Values from synthetic fields
carry ※ so nobody quotes a made-up number as fact."""
from __future__ import annotations

import datetime as _dt

from .. import taxonomy, vocab
from ..access import TRANSPORT
from . import industry as ind
from .candidates import EPOCH

MARK = "※"


def _m(field: str, synthetic) -> str:
    return MARK if field in synthetic else ""


def _num(x: float, nd: int = 1) -> str:
    if x != x:  # NaN
        return "未知"
    return f"{x:,.{nd}f}".rstrip("0").rstrip(".") if nd else f"{x:,.0f}"


def industry_reason(req, match) -> str:
    level, a, b = match
    if level == ind.EXACT and a is None:
        return f"主导产业含{req.industry}"
    if level == ind.EXACT:
        return f"主导产业覆盖项目行业 {b} {taxonomy.name(b) or ''}".rstrip()
    if level == ind.GROUP:
        return f"与园区主导产业同属中类 {a[:4]} {taxonomy.name(a[:4]) or ''}".rstrip()
    if level == ind.DIVISION:
        return f"与园区主导产业同属大类 {a[:3]} {taxonomy.name(a[:3]) or ''}".rstrip()
    if level == ind.CHAIN:
        return f"产业链相关: {taxonomy.name(a[:3])} ↔ {taxonomy.name(b[:3])}"
    if level == ind.SECTION:
        return f"与园区主导产业同属门类 {a[0]} {taxonomy.name(a[0]) or ''}".rstrip()
    return "主导产业与项目行业无关联"


def transport_reasons(data, dist: dict, i: int) -> list[str]:
    """「距火车站 杭州东站 12.3 km」 for each scored amenity kind in the store (airport names say 机场 already)."""
    out = []
    for kind in TRANSPORT:
        if kind in dist:
            km, near = dist[kind][0][i], dist[kind][1][i]
            name = data.amenities[kind].names[near]
            label = "" if kind == "airport" else vocab.label("amenity_kind", kind) + " "
            out.append(f"距{label}{name} {km:.1f} km")
    return out


def plot_reasons(data, req, i: int, match, today_day: int) -> list[str]:
    syn = data.plot_synthetic[i]
    area = data.area[i]
    out = [industry_reason(req, match)]
    lo, hi = req.land_mu_min, req.land_mu_max
    need = f"{_num(lo)}-{_num(hi)}" if lo is not None and hi is not None else (f"≥ {_num(lo)}" if lo is not None else f"≤ {_num(hi)}")
    out.append(f"地块 {_num(area)} 亩{_m('geometry', syn)}, 需求 {need} 亩")
    if req.investment_wan is not None and area > 0:
        out.append(f"投资强度 {_num(req.investment_wan / area)} 万元/亩, 门槛 {_num(data.min_invest[i])}"
                   f"{_m('min_investment_wan_per_mu', syn)}")
    if req.annual_tax_wan is not None and area > 0:
        out.append(f"亩均税收 {_num(req.annual_tax_wan / area)} 万元/亩, 门槛 {_num(data.min_tax[i])}"
                   f"{_m('min_tax_wan_per_mu', syn)}")
    static = _plot_static(data, i, today_day)
    out += static[:-2]
    if req.power_kva is not None:
        out.append(f"供电 {_num(data.power[i], 0)} kVA{_m('power_kva', syn)}, 需求 {_num(req.power_kva, 0)} kVA")
    if req.water_t_day is not None:
        out.append(f"供水 {_num(data.water[i], 0)} 吨/日{_m('water_t_day', syn)}, 需求 {_num(req.water_t_day, 0)} 吨/日")
    return out + static[-2:]


def _plot_static(data, i: int, today_day: int) -> list[str]:
    """The request-independent sentences of a plot (transport, price, availability, park performance),
    memoised per store version and day."""
    memo = data.cache.setdefault("reasons", {})
    key = (i, today_day)
    hit = memo.get(key)
    if hit is not None:
        return hit
    syn = data.plot_synthetic[i]
    park = data.plot_park[i]
    out = transport_reasons(data, data.plot_dist, i)
    out.append(f"地价 {_num(data.price[i])} 万元/亩{_m('price_wan_per_mu', syn)}")
    day = data.available_day[i]
    if day == day:
        when = "即可供地" if day <= today_day else (EPOCH + _dt.timedelta(days=int(day))).strftime("%Y-%m 起可供地")
        out.append(when + _m("available_from", syn))
    else:
        out.append("供地时间未知")
    out.append(f"园区亩均税收 {_num(data.park_tax[park])} 万元/亩{_m('tax_per_mu_wan', data.park_synthetic[park])}")
    if len(memo) > 20_000:
        memo.clear()
    memo[key] = out
    return out


def floor_reasons(data, req, p: int, match) -> list[str]:
    psyn = data.park_synthetic[p]
    out = [industry_reason(req, match),
           f"空置标准厂房 {_num(data.park_vacant[p], 0)} m²{_m('vacant_factory_m2', psyn)}, 需求 {_num(req.floor_m2, 0)} m²",
           f"厂房租金 {_num(data.park_rent[p], 2)} 元/m²/天{_m('factory_rent_yuan_m2_day', psyn)}"]
    out += transport_reasons(data, data.park_dist, p)
    if req.power_kva is not None:
        out.append(f"园区供电余量 {_num(data.park_power[p], 0)} kVA{_m('power_spare_kva', psyn)}")
    out.append(f"园区亩均税收 {_num(data.park_tax[p])} 万元/亩{_m('tax_per_mu_wan', psyn)}")
    return out
