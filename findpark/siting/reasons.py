"""Short Chinese sentences a promotion officer can read to an investor, each tagged as a strength (优势), a
weakness (不足) or a plain fact, every number with its unit. Values from synthetic fields carry ※ so nobody
quotes a made-up number as fact.

What counts (the same rules feed the page, the PDF/XLSX, the CLI and the API):
    industry       strength: exact or same 中类 · fact: same 大类 or related · weakness: same 门类 or none
    land           strength: land_fit ≥ 0.5 (near the middle of the range asked)
    投资强度/亩均税收  strength: the project clears the plot's threshold by ≥ 20 % · else a fact
    distance       strength within NEAR km of the nearest amenity of a kind; weakness beyond FAR km (kinds with
                   a FAR); a fact in between; not mentioned beyond 3 × NEAR for kinds without a FAR
    land price     strength ≤ 30 万元/亩 · weakness ≥ 80 万元/亩
    availability   strength: available now · weakness: more than 12 months away
    park 亩均税收    strength ≥ 40 万元/亩 · weakness < 20 万元/亩
    park 五力 grade  strength: A · weakness: D (with its rank)
    power/water    strength: demand ≤ half the capacity
"""
from __future__ import annotations

import datetime as _dt

from .. import taxonomy, vocab
from . import industry as ind
from .candidates import EPOCH

MARK = "※"
STRENGTH, WEAKNESS, FACT = "strength", "weakness", "fact"
# amenity kind → (strength within km, weakness beyond km or None)
DISTANCE_RANGES = {"airport": (60.0, 120.0), "rail_station": (20.0, 40.0), "metro_station": (3.0, None),
                   "highway_interchange": (10.0, 30.0), "port": (50.0, None), "university": (15.0, None),
                   "hospital": (10.0, None)}
CHEAP_LAND, DEAR_LAND = 30.0, 80.0  # 万元/亩
HIGH_TAX, LOW_TAX = 40.0, 20.0  # park 亩均税收, 万元/亩
MARGIN = 1.2


def _m(field: str, synthetic) -> str:
    return MARK if field in synthetic else ""


def _num(x: float, nd: int = 1) -> str:
    text = _NUM.get((x, nd))
    if text is None:
        if x != x:  # NaN (never kept: NaN is no key)
            return "未知"
        x = x + 0.0  # -0.0 reads "0" (and shares 0.0's key)
        text = f"{x:,.{nd}f}".rstrip("0").rstrip(".") if nd else f"{x:,.0f}"
        if text in ("-0", "-0.0"):  # a tiny negative rounds to it
            text = text[1:]
        if len(_NUM) < 50_000:
            _NUM[(x, nd)] = text  # a store's figures repeat across requests (thresholds, areas, supplies)
    return text


_NUM: dict = {}


def split(items: list[tuple[str, str]]) -> dict:
    """Tagged sentences → {"reasons": all, "strengths", "weaknesses"} (the response's three lists)."""
    return {"reasons": [t for _, t in items], "strengths": [t for k, t in items if k == STRENGTH],
            "weaknesses": [t for k, t in items if k == WEAKNESS]}


def industry_reason(req, match) -> tuple[str, str]:
    level, a, b = match
    if level == ind.EXACT and a is None:
        text = f"主导产业含{b}" if b in req.industry_query.terms else f"主导产业「{b}」属项目行业 ({req.industry})"
    elif level == ind.EXACT:
        text = f"主导产业覆盖项目行业 {b} {taxonomy.name(b) or ''}".rstrip()
    elif level == ind.GROUP:
        text = f"与园区主导产业同属中类 {a[:4]} {taxonomy.name(a[:4]) or ''}".rstrip()
    elif level == ind.DIVISION:
        text = f"与园区主导产业同属大类 {a[:3]} {taxonomy.name(a[:3]) or ''}".rstrip()
    elif level == ind.CHAIN and a not in req.industry_codes:
        text = f"产业链相关: 园区 {b} {taxonomy.name(b) or ''} 为项目上下游".rstrip()
    elif level == ind.CHAIN:
        text = f"产业链相关: {taxonomy.name(a[:3])} ↔ {taxonomy.name(b[:3])}"
    elif level == ind.SECTION:
        text = f"与园区主导产业仅同属门类 {a[0]} {taxonomy.name(a[0]) or ''}".rstrip()
    else:
        text = "主导产业与项目行业无关联"
    kind = STRENGTH if level >= ind.GROUP else FACT if level >= ind.CHAIN else WEAKNESS
    return kind, text


def transport_reasons(data, dist: dict, i: int) -> list[tuple[str, str]]:
    """「距火车站 杭州东站 12.3 km」 for each amenity kind in the store, tagged by DISTANCE_RANGES (airport names
    say 机场 already; universities carry their 双一流/985/211 flags)."""
    out = []
    for kind, (near, far) in DISTANCE_RANGES.items():
        if kind not in dist:
            continue
        km, k = dist[kind][0][i], dist[kind][1][i]
        idx = data.amenities[kind]
        name = idx.names[k]
        flags = getattr(idx, "flags", None)
        if flags and flags[k]:
            name += f" ({'/'.join(flags[k])})"
        label = "" if kind == "airport" else vocab.label("amenity_kind", kind) + " "
        if km <= near:
            out.append((STRENGTH, f"距{label}{name} {km:.1f} km"))
        elif far is not None and km > far:
            out.append((WEAKNESS, f"距数据中最近的{vocab.label('amenity_kind', kind)} ({name}) {km:.1f} km, 偏远"))
        elif far is not None or km <= 3 * near:
            out.append((FACT, f"距{label}{name} {km:.1f} km"))
    return out


def _threshold(what: str, have: float, need: float, mark: str) -> tuple[str, str]:
    text = f"{what} {_num(have)} 万元/亩, 门槛 {_num(need)} 万元/亩{mark}"
    if need == need and need > 0 and have >= MARGIN * need:
        return STRENGTH, text
    return FACT, text + (", 刚达门槛" if need == need and have < MARGIN * need else "")


def plot_assessment(data, req, i: int, match, today_day: int) -> list[tuple[str, str]]:
    syn = data.plot_synthetic[i]
    area = data.area[i]
    out = [industry_reason(req, match)]
    lo, hi = req.land_mu_min, req.land_mu_max
    need = f"{_num(lo)}-{_num(hi)}" if lo is not None and hi is not None else (f"≥ {_num(lo)}" if lo is not None else f"≤ {_num(hi)}")
    mid_fit = lo is None or hi is None or hi == lo or abs(area - (lo + hi) / 2) <= (hi - lo) / 4
    out.append((STRENGTH if mid_fit else FACT, f"地块 {_num(area)} 亩{_m('geometry', syn)}, 需求 {need} 亩"))
    if req.investment_wan is not None and area > 0:
        out.append(_threshold("投资强度", req.investment_wan / area, data.min_invest[i], _m("min_investment_wan_per_mu", syn)))
    if req.annual_tax_wan is not None and area > 0:
        out.append(_threshold("亩均税收", req.annual_tax_wan / area, data.min_tax[i], _m("min_tax_wan_per_mu", syn)))
    head, tail = _plot_static(data, i, today_day)
    out += head
    if req.power_kva is not None:
        kind = STRENGTH if req.power_kva <= 0.5 * data.power[i] else FACT
        out.append((kind, f"供电 {_num(data.power[i], 0)} kVA{_m('power_kva', syn)}, 需求 {_num(req.power_kva, 0)} kVA"))
    if req.water_t_day is not None:
        kind = STRENGTH if req.water_t_day <= 0.5 * data.water[i] else FACT
        out.append((kind, f"供水 {_num(data.water[i], 0)} 吨/日{_m('water_t_day', syn)}, 需求 {_num(req.water_t_day, 0)} 吨/日"))
    return out + tail


def plot_reasons(data, req, i: int, match, today_day: int) -> list[str]:
    return [t for _, t in plot_assessment(data, req, i, match, today_day)]


def _park_standing(data, park: int) -> list[tuple[str, str]]:
    """The park's 亩均税收 and its latest 五力 grade, as a strength or weakness when they are one."""
    tax = data.park_tax[park]
    text = f"园区亩均税收 {_num(tax)} 万元/亩{_m('tax_per_mu_wan', data.park_synthetic[park])}"
    out = [(STRENGTH if tax >= HIGH_TAX else WEAKNESS if tax < LOW_TAX else FACT,
            text + (", 偏低" if tax < LOW_TAX else ""))]
    st = data.park_standing[park] if len(data.park_standing) > park else None
    if st:
        mark = MARK if st.get("synthetic") else ""
        g = f"园区五力评级 {st['grade']}{mark} (第 {st['rank']}/{st['of']} 名, {st['quarter']})"
        out.append((STRENGTH if st["grade"] == "A" else WEAKNESS if st["grade"] == "D" else FACT, g))
    return out


def _plot_static(data, i: int, today_day: int) -> tuple[list, list]:
    """The request-independent sentences of a plot: (transport, price, availability) and (the park's 亩均税收
    and grade), memoised per store version and day."""
    memo = data.cache.setdefault("reasons", {})
    key = (i, today_day)
    hit = memo.get(key)
    if hit is not None:
        return hit
    syn = data.plot_synthetic[i]
    park = data.plot_park[i]
    out = transport_reasons(data, data.plot_dist, i)
    price = data.price[i]
    out.append((STRENGTH if price <= CHEAP_LAND else WEAKNESS if price >= DEAR_LAND else FACT,
                f"地价 {_num(price)} 万元/亩{_m('price_wan_per_mu', syn)}"))
    day = data.available_day[i]
    if day == day:
        months = (day - today_day) / 30.4375
        if day <= today_day:
            out.append((STRENGTH, "即可供地" + _m("available_from", syn)))
        else:
            when = (EPOCH + _dt.timedelta(days=int(day))).strftime("%Y-%m 起可供地") + _m("available_from", syn)
            out.append((WEAKNESS, f"{when}, 需等 {months:.0f} 个月") if months > 12 else (FACT, when))
    else:
        out.append((FACT, "供地时间未知"))
    out = (out, _park_standing(data, park))
    if len(memo) > 20_000:
        memo.clear()
    memo[key] = out
    return out


def floor_assessment(data, req, p: int, match) -> list[tuple[str, str]]:
    psyn = data.park_synthetic[p]
    vacant = data.park_vacant[p]
    out = [industry_reason(req, match),
           (STRENGTH if vacant >= 2 * req.floor_m2 else FACT,
            f"空置标准厂房 {_num(vacant, 0)} m²{_m('vacant_factory_m2', psyn)}, 需求 {_num(req.floor_m2, 0)} m²"),
           (FACT, f"厂房租金 {_num(data.park_rent[p], 2)} 元/m²/天{_m('factory_rent_yuan_m2_day', psyn)}")]
    out += transport_reasons(data, data.park_dist, p)
    if req.power_kva is not None:
        out.append((FACT, f"园区供电余量 {_num(data.park_power[p], 0)} kVA{_m('power_spare_kva', psyn)}"))
    return out + _park_standing(data, p)


def floor_reasons(data, req, p: int, match) -> list[str]:
    return [t for _, t in floor_assessment(data, req, p, match)]
