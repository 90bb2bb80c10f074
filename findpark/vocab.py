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

# The inquiry desk's workflow: 新建 → 已分派 → 已联系 → 已考察 → 已签约 | 已关闭.
INQUIRY_STATUSES: dict[str, Term] = {
    "new": Term("新建", "New"),
    "assigned": Term("已分派", "Assigned"),
    "contacted": Term("已联系", "Contacted"),
    "visited": Term("已考察", "Site visited"),
    "signed": Term("已签约", "Signed"),
    "closed": Term("已关闭", "Closed"),
}

ROLES: dict[str, Term] = {
    "public": Term("公众", "Public"),
    "staff": Term("工作人员", "Staff"),
    "admin": Term("管理员", "Administrator"),
}

# What the audit log records (findpark.services.audit.ACTIONS).
AUDIT_ACTIONS: dict[str, Term] = {
    "login": Term("登录", "Signed in"),
    "login_failed": Term("登录失败", "Failed sign-in"),
    "logout": Term("退出", "Signed out"),
    "inquiry_view": Term("查看咨询联系方式", "Viewed an inquiry's contacts"),
    "inquiry_list": Term("查看咨询列表", "Listed inquiries with contacts"),
    "inquiry_status": Term("变更咨询状态", "Changed an inquiry's status"),
    "inquiry_assign": Term("分派咨询", "Assigned an inquiry"),
    "inquiry_note": Term("添加跟进记录", "Added a note"),
    "inquiry_purge": Term("清除过期咨询", "Purged old inquiries"),
    "inquiry_token_revoke": Term("吊销咨询凭证", "Revoked an inquiry token"),
    "user_add": Term("新增用户", "Added a user"),
    "user_disable": Term("停用用户", "Disabled a user"),
    "user_enable": Term("启用用户", "Enabled a user"),
    "user_password": Term("重设密码", "Set a password"),
    "token_new": Term("签发 API 令牌", "Issued an API token"),
    "token_revoke": Term("吊销 API 令牌", "Revoked an API token"),
    "import_stage": Term("上传待审数据", "Staged an import"),
    "import_apply": Term("应用数据导入", "Applied an import"),
    "import_discard": Term("放弃数据导入", "Discarded an import"),
    "version_restore": Term("恢复数据版本", "Restored a data version"),
    "plot_edit": Term("快速修改地块", "Edited a plot"),
    "backup_restore": Term("从备份恢复", "Restored from a backup"),
}

VERSION_KINDS: dict[str, Term] = {
    "baseline": Term("初始", "Baseline"),
    "import": Term("导入", "Import"),
    "edit": Term("快速修改", "Quick edit"),
    "restore": Term("恢复", "Restore"),
    "external": Term("外部写入", "Outside change"),
}

CHANGE_KINDS: dict[str, Term] = {
    "added": Term("新增", "Added"),
    "changed": Term("修改", "Changed"),
    "removed": Term("删除", "Removed"),
    "unchanged": Term("未变", "Unchanged"),
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
    "reference_date": Term("参考日期", "Reference date"),
}

# The park 五力 (five forces) dimensions of the quarterly evaluation; the code is the API's key.
DIMENSIONS: dict[str, Term] = {
    "industry_cluster": Term("产业聚力", "Industrial cohesion"),
    "factor_efficiency": Term("要素效力", "Factor efficiency"),
    "city_integration": Term("产城合力", "Industry-city integration"),
    "regional_attraction": Term("区域引力", "Regional attraction"),
    "innovation": Term("创新动力", "Innovation drive"),
}

# How a ranked result reads (findpark.siting.reasons): its strengths and weak points, apart.
ASSESSMENT: dict[str, Term] = {
    "strength": Term("优势", "Strengths"),
    "weakness": Term("不足", "Weak points"),
}

# The two counts of the exclusion table (scoped to the request's districts), and the suggestions beside it.
EXCLUSION_COUNTS: dict[str, Term] = {
    "first": Term("首个不满足", "First failure"),
    "only": Term("仅此一项不满足", "Fails only this"),
    "relaxations": Term("放宽条件", "Relax to get more"),
}

# Data slips a park page warns about (findpark.services.provenance.location_flags).
LOCATION_FLAGS: dict[str, Term] = {
    "outside_county": Term("位置不在目录所在县区内", "Location outside the catalogue's county"),
    "geocode_fallback": Term("目录坐标有误, 位置为县区内的替代点", "Catalogue geocode wrong: a stand-in point in the county"),
    "geocode_coarse": Term("坐标仅精确到县区或城市中心", "Geocode only to a county or city centre"),
}

TABLES: dict[str, dict[str, Term]] = {
    "unit": UNITS, "criterion": CRITERIA, "amenity_kind": AMENITY_KINDS, "exclusion": EXCLUSIONS, "eia": EIA,
    "plot_status": PLOT_STATUSES, "inquiry_status": INQUIRY_STATUSES, "role": ROLES, "audit_action": AUDIT_ACTIONS,
    "park_level": PARK_LEVELS, "version_kind": VERSION_KINDS, "change_kind": CHANGE_KINDS,
    "land_use": LAND_USES, "via": VIA, "park_indicator": PARK_INDICATORS, "request_field": REQUEST_FIELDS,
    "dimension": DIMENSIONS, "assessment": ASSESSMENT, "exclusion_count": EXCLUSION_COUNTS,
    "location_flag": LOCATION_FLAGS,
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
