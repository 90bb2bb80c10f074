"""One vocabulary: every code the product speaks has one Chinese and one English label, here and nowhere else.

Pages, exports (PDF/XLSX), the CLI, API messages and the page scripts (served as JSON by ``as_json``) all
take their labels from this module. Codes are the API's codes (``land_fit``, ``tax_per_mu``, ``report_form``);
the Chinese label is what staff read, the English label what the English interface shows.

    label("criterion", "land_fit")          → "用地契合"
    label("criterion", "land_fit", "en")    → "Land fit"
    label("exclusion", "distance_airport")  → "距机场过远"
    unit("wan_per_mu")                      → "万元/亩"

This module imports nothing from findpark: every room may use it.
"""
from __future__ import annotations

from typing import NamedTuple


class Term(NamedTuple):
    zh: str
    en: str
    unit: str = ""  # a key of UNITS, for quantities


UNITS: dict[str, Term] = {
    "mu": Term("亩", "mu"),
    "m2": Term("m²", "m²"),
    "ha": Term("公顷", "ha"),
    "km": Term("km", "km"),
    "wan": Term("万元", "10k yuan"),
    "wan_per_mu": Term("万元/亩", "10k yuan/mu"),
    "yuan_m2_day": Term("元/m²/天", "yuan/m²/day"),
    "kva": Term("kVA", "kVA"),
    "t_day": Term("吨/日", "t/day"),
    "m": Term("m", "m"),
    "days": Term("天", "days"),
    "points": Term("分", "points"),
    "plots": Term("个地块", "plots"),
    "parks": Term("个园区", "parks"),
}

# The siting model's criteria, in the order of the weight vector (siting.requirement.CRITERIA).
CRITERIA: dict[str, Term] = {
    "industry": Term("产业匹配", "Industry match"),
    "land_fit": Term("用地契合", "Land fit"),
    "cost": Term("成本", "Cost"),
    "transport": Term("交通", "Transport"),
    "utilities": Term("水电配套", "Utilities"),
    "performance": Term("园区绩效", "Park performance"),
    "readiness": Term("供地时效", "Readiness"),
}

AMENITY_KINDS: dict[str, Term] = {
    "airport": Term("机场", "airport"),
    "rail_station": Term("火车站", "railway station"),
    "metro_station": Term("地铁站", "metro station"),
    "highway_interchange": Term("高速出入口", "motorway junction"),
    "port": Term("港口", "port"),
    "university": Term("高校", "university"),
    "hospital": Term("医院", "hospital"),
}

# Why a plot was excluded (the hard constraints); distance_<kind> for each amenity kind.
EXCLUSIONS: dict[str, Term] = {
    "status_unavailable": Term("非可供状态", "Not available"),
    "area_too_small": Term("面积过小", "Area too small"),
    "area_too_large": Term("面积过大", "Area too large"),
    "investment_intensity": Term("投资强度不达标", "Investment intensity below threshold"),
    "tax_per_mu": Term("亩均税收不达标", "Tax per mu below threshold"),
    "power": Term("电力不足", "Insufficient power"),
    "water": Term("供水不足", "Insufficient water"),
    "eia": Term("环评类别不允许", "EIA category not allowed"),
    "land_use": Term("用地性质不符", "Land use does not match"),
    "price": Term("地价超预算", "Land price over budget"),
    "district": Term("不在所选地区", "Outside the chosen areas"),
    "floor_space": Term("空置厂房不足", "Not enough vacant factory space"),
    **{f"distance_{k}": Term(f"距{t.zh}过远", f"Too far from a {t.en}") for k, t in AMENITY_KINDS.items()},
}

# EIA (环评) categories by the 2021 catalogue, least to most demanding.
EIA: dict[str, Term] = {
    "registration": Term("登记表", "Registration form"),
    "report_form": Term("报告表", "Report form"),
    "report": Term("报告书", "Full report"),
}

PLOT_STATUSES: dict[str, Term] = {
    "available": Term("可供", "Available"),
    "reserved": Term("预留", "Reserved"),
    "leased": Term("已租", "Leased"),
    "sold": Term("已售", "Sold"),
}

INQUIRY_STATUSES: dict[str, Term] = {
    "new": Term("新咨询", "New"),
    "open": Term("跟进中", "In progress"),
    "closed": Term("已结束", "Closed"),
}

PARK_LEVELS: dict[str, Term] = {
    "national": Term("国家级", "National"),
    "provincial": Term("省级", "Provincial"),
    "municipal": Term("市级", "Municipal"),
    "county": Term("县级", "County"),
    "small_micro": Term("小微园", "Small & micro business park"),
}

LAND_USES: dict[str, Term] = {
    "M0": Term("M0 新型产业用地 (研发)", "M0 new industrial land (R&D)"),
    "M1": Term("M1 一类工业用地", "M1 class-1 industrial land"),
    "M2": Term("M2 二类工业用地", "M2 class-2 industrial land"),
    "M3": Term("M3 三类工业用地", "M3 class-3 industrial land"),
    "W1": Term("W1 物流仓储用地", "W1 logistics and warehousing land"),
}

# How a project is accommodated: on a plot (供地) or in standard factory space (供楼).
VIA: dict[str, Term] = {
    "plot": Term("地块", "Plot"),
    "floor_space": Term("标准厂房", "Standard factory space"),
}

# Park indicators shown side by side (可比), with their units.
PARK_INDICATORS: dict[str, Term] = {
    "tax_per_mu_wan": Term("亩均税收", "Tax per mu", "wan_per_mu"),
    "output_per_mu_wan": Term("亩均产值", "Output per mu", "wan_per_mu"),
    "land_price_wan_per_mu": Term("工业用地价格", "Industrial land price", "wan_per_mu"),
    "factory_rent_yuan_m2_day": Term("标准厂房租金", "Standard factory rent", "yuan_m2_day"),
    "vacant_factory_m2": Term("空置标准厂房", "Vacant standard factory space", "m2"),
    "power_spare_kva": Term("电力余量", "Spare power capacity", "kva"),
    "water_spare_t_day": Term("供水余量", "Spare water capacity", "t_day"),
    "core_area_ha": Term("核准面积", "Approved area", "ha"),
    "area_mu": Term("边界面积", "Boundary area", "mu"),
}

# The fields of a siting request (the recommend form, the comparison's requirement, the exports).
REQUEST_FIELDS: dict[str, Term] = {
    "name": Term("项目名称", "Project name"),
    "industry": Term("所属行业", "Industry"),
    "land_mu_min": Term("用地面积下限", "Land area minimum", "mu"),
    "land_mu_max": Term("用地面积上限", "Land area maximum", "mu"),
    "floor_m2": Term("厂房面积", "Factory floor space", "m2"),
    "investment_wan": Term("总投资", "Total investment", "wan"),
    "annual_tax_wan": Term("年税收", "Annual tax", "wan"),
    "power_kva": Term("用电负荷", "Power load", "kva"),
    "water_t_day": Term("用水量", "Water use", "t_day"),
    "eia": Term("环评类别", "EIA category"),
    "land_use": Term("用地性质", "Land use"),
    "allowed_land_uses": Term("用地性质（可用）", "Land use (allowed)"),
    "max_price_wan_per_mu": Term("地价上限", "Maximum land price", "wan_per_mu"),
    "districts": Term("意向地区", "Preferred areas"),
    "max_distance_km": Term("距离上限", "Distance limits", "km"),
    "weights": Term("权重", "Weights"),
    "profile": Term("权重方案", "Weight profile"),
    "top_k": Term("返回条数", "Number of results"),
    "request": Term("用地需求", "Space needed"),
}

# The park 五力 (five forces) dimensions of the quarterly evaluation; the code is the API's key.
DIMENSIONS: dict[str, Term] = {
    "industry_cluster": Term("产业聚力", "Industrial cohesion"),
    "factor_efficiency": Term("要素效力", "Factor efficiency"),
    "city_integration": Term("产城合力", "Industry-city integration"),
    "regional_attraction": Term("区域引力", "Regional attraction"),
    "innovation": Term("创新动力", "Innovation drive"),
}

TABLES: dict[str, dict[str, Term]] = {
    "unit": UNITS, "criterion": CRITERIA, "amenity_kind": AMENITY_KINDS, "exclusion": EXCLUSIONS, "eia": EIA,
    "plot_status": PLOT_STATUSES, "inquiry_status": INQUIRY_STATUSES, "park_level": PARK_LEVELS,
    "land_use": LAND_USES, "via": VIA, "park_indicator": PARK_INDICATORS, "request_field": REQUEST_FIELDS,
    "dimension": DIMENSIONS,
}
LANGS = ("zh", "en")


def label(kind: str, code: str, lang: str = "zh") -> str:
    """The label of ``code`` in table ``kind``; an unknown code is returned as it is (data, not a label).
    ``request_field`` also knows the flattened form names ``max_distance_km.<kind>`` and ``weights.<c>``."""
    term = TABLES[kind].get(code)
    if term is None and kind == "request_field" and "." in code:
        head, tail = code.split(".", 1)
        if head == "max_distance_km" and tail in AMENITY_KINDS:
            a = AMENITY_KINDS[tail]
            term = Term(f"距{a.zh}上限", f"Max. distance to {a.en}", "km")
        elif head == "weights" and tail in CRITERIA:
            c = CRITERIA[tail]
            term = Term(f"权重·{c.zh}", f"Weight · {c.en}")
    if term is None:
        return code
    return term.en if lang == "en" else term.zh


def unit(code: str, lang: str = "zh") -> str:
    return label("unit", code, lang) if code else ""


def unit_of(kind: str, code: str, lang: str = "zh") -> str:
    """The unit label of a quantity in table ``kind`` ("" when it has none)."""
    term = TABLES[kind].get(code)
    return unit(term.unit, lang) if term and term.unit else ""


def labels(kind: str, lang: str = "zh") -> dict[str, str]:
    """code → label for a whole table, in its order."""
    return {code: (t.en if lang == "en" else t.zh) for code, t in TABLES[kind].items()}


def with_unit(kind: str, code: str, lang: str = "zh") -> str:
    """「用地面积下限（亩）」: the label with its unit in brackets, when it has one."""
    u = unit_of(kind, code, lang)
    text = label(kind, code, lang)
    return f"{text}（{u}）" if u and lang != "en" else (f"{text} ({u})" if u else text)


def by_zh(kind: str) -> dict[str, str]:
    """Chinese label → code for one table (inputs may name a code by its Chinese label: 报告表 → report_form)."""
    return {term.zh: code for code, term in TABLES[kind].items()}


def as_json(lang: str = "zh") -> dict:
    """Every table in one language, for the page scripts (served as JSON; the JS keeps no copies)."""
    return {kind: labels(kind, lang) for kind in TABLES}
