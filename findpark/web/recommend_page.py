"""项目落位智能匹配: the recommend page for promotion staff.

The page is a form over the request contract (``findpark.siting.requirement``). With JavaScript
(``static/js/recommend.js``) it POSTs JSON to ``/api/v1/recommend`` and renders the answer in place (bars,
reasons, map, exclusions), re-ranking when a weight slider moves. Without JavaScript the same form POSTs
here and the answer is rendered server-side from the same labels (no map).

Form field names are the request's field names; the two maps are flattened as ``max_distance_km.<kind>``
and ``weights.<criterion>``. The profile ``<select>`` has an empty "自定义" option: then the sliders are
sent as ``weights``. Everything the JS needs to label things in Chinese comes from ``page_config()`` so the
server and the browser say the same.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache

from flask import Blueprint, current_app, jsonify, render_template, request, url_for
from pydantic import ValidationError
from werkzeug.datastructures import MultiDict

from .. import taxonomy, vocab
from ..gazetteer import counties
from ..http import get_store
from ..http.problems import invalid_params, problem_response
from ..paths import EXAMPLES_DIR
from ..siting import Requirement
from ..siting.profiles import list_profiles
from ..siting.recommend import recommend as run_recommend
from ..siting.requirement import CRITERIA
from .i18n import label, t, vl

bp = Blueprint("recommend_page", __name__)

# Okabe-Ito: distinguishable for colour-blind readers
CRITERIA_COLOURS = {"industry": "#0072B2", "land_fit": "#E69F00", "cost": "#009E73", "transport": "#56B4E9",
                    "utilities": "#CC79A7", "performance": "#D55E00", "readiness": "#F0E442"}
DISTANCE_KINDS = ("airport", "rail_station", "metro_station")
NUMBER_FIELDS = ("land_mu_min", "land_mu_max", "floor_m2", "investment_wan", "annual_tax_wan", "power_kva",
                 "water_t_day", "max_price_wan_per_mu")
FORM_FIELDS = (("name", "industry") + NUMBER_FIELDS + ("eia", "land_use", "districts", "profile", "top_k", "request")
               + tuple(f"max_distance_km.{k}" for k in vocab.AMENITY_KINDS) + tuple(f"weights.{c}" for c in CRITERIA))
EXPORTS = {"pdf": "/export/recommendation.pdf", "xlsx": "/export/recommendation.xlsx"}
COMPARE_URL = "/compare"


def field_labels() -> dict[str, str]:
    """Every form field's label (``findpark.vocab``), in the page's language."""
    return {f: label("request_field", f) for f in FORM_FIELDS}


# The API's validation messages (English, from pydantic) → Chinese. Patterns are plain regexes that mean
# the same in Python and JavaScript; ``{1}``… in the template are the groups. Unmatched text is shown as is.
REASON_ZH = [
    (r"^unknown industry '(.*)'", "未知行业「{1}」: 请用目录中的产业名称 (如 生物医药) 或 GB/T 4754-2017 代码 (如 C27、C2710)"),
    (r"^must be ≥ land_mu_min \((\d+(?:\.\d*[1-9])?)(?:\.0+)?\)", "上限须不小于下限 ({1} 亩)"),
    (r"^unknown district '(.*)'", "未知地区「{1}」: 请选择浙江省内的县市区"),
    (r"^(\w+): distance must be > 0 and ≤ ([\d.]+) km", "距离须大于 0 且不超过 {2} km"),
    (r"^at least one weight must be positive", "至少一项权重须大于 0"),
    (r"^(\w+): weights must be ≥ 0", "权重须为非负数"),
    (r"^give land \(", "请填写用地面积 (供地, 亩) 或厂房面积 (供楼, m²), 至少一项"),
    (r"^give weights or profile, not both", "权重方案与自定义权重只能选其一"),
    (r"^unknown profile '(.*)'", "未知权重方案「{1}」"),
    (r"^Input should be greater than or equal to ([\d.e+]+)", "须不小于 {1}"),
    (r"^Input should be greater than ([\d.e+]+)", "须大于 {1}"),
    (r"^Input should be less than or equal to ([\d.e+]+)", "须不超过 {1}"),
    (r"^Input should be less than ([\d.e+]+)", "须小于 {1}"),
    (r"^must be a finite number", "须为有限数字"),
    (r"^must be a number", "须为数字"),
    (r"^must be an integer", "须为整数"),
    (r"^String should have at most (\d+) characters?", "最多 {1} 个字符"),
    (r"^String should have at least (\d+) characters?", "不能为空"),
    (r"^Field required", "必填"),
    (r"^Input should be '", "取值不在允许范围内"),
    (r"^unknown field", "不支持的字段"),
]


def translate_reason(reason: str) -> str:
    for pattern, template in REASON_ZH:
        m = re.search(pattern, reason)
        if m:
            out = t(template)
            for i, g in enumerate(m.groups(), 1):
                out = out.replace("{%d}" % i, g or "")
            return out
    return reason


def field_for(name: str, reason: str) -> str:
    """The form field an ``invalid-params`` entry belongs to (mirrors ``fieldFor`` in recommend.js)."""
    head = name.split(".")[0]
    if head in ("max_distance_km", "weights"):
        if "." in name:
            return name
        m = re.match(r"^(\w+):", reason)
        if m:
            return f"{head}.{m.group(1)}"
        return "max_distance_km.airport" if head == "max_distance_km" else "profile"
    if head == "request" and "weights or profile" in reason:
        return "profile"
    return head


# -- page data ---------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def district_groups() -> list[dict]:
    """Counties grouped by city; each group starts with the whole city (its adcode ends in 00)."""
    groups: dict[str, dict] = {}
    for c in counties():
        g = groups.setdefault(c["city"], {"city": c["city"], "adcode": c["adcode"][:4] + "00", "counties": []})
        g["counties"].append(c)
    for g in groups.values():
        g["counties"].sort(key=lambda c: c["adcode"])
    return sorted(groups.values(), key=lambda g: g["adcode"])


def example_request() -> dict:
    return json.loads((EXAMPLES_DIR / "auto_parts.json").read_text("utf-8"))


EIA_CODES = vocab.by_zh("eia")  # the API accepts 报告表 for report_form


def request_to_values(req: dict) -> MultiDict:
    """A request JSON → form values (the inverse of ``form_to_request``)."""
    out = MultiDict()
    for k, v in req.items():
        if k in ("max_distance_km", "weights"):
            for kk, vv in (v or {}).items():
                out[f"{k}.{kk}"] = _fmt(vv)
        elif k == "districts":
            for d in v or []:
                out.add("districts", str(d))
        elif k == "eia":
            out["eia"] = EIA_CODES.get(v, v)
        else:
            out[k] = _fmt(v)
    return out


def _fmt(v) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def form_to_request(form) -> tuple[dict, list[dict]]:
    """Form values → request JSON, and the fields that are not numbers (mirrors ``readForm`` in the JS)."""
    body: dict = {}
    bad: list[dict] = []

    def num(field, key=None, container=None, integer=False):
        raw = (form.get(field) or "").strip()
        if not raw:
            return
        try:
            value = int(raw) if integer else float(raw)
        except ValueError:
            bad.append({"name": field, "reason": "must be an integer" if integer else "must be a number"})
            return
        (container if container is not None else body)[key or field] = value

    for field in ("name", "industry"):
        raw = (form.get(field) or "").strip()
        if raw:
            body[field] = raw
    for field in NUMBER_FIELDS:
        num(field)
    for field in ("eia", "land_use"):
        if form.get(field):
            body[field] = form.get(field)
    districts = [d for d in form.getlist("districts") if d]
    if districts:
        body["districts"] = districts
    dist: dict = {}
    for kind in DISTANCE_KINDS:
        num(f"max_distance_km.{kind}", kind, dist)
    if dist:
        body["max_distance_km"] = dist
    if form.get("profile"):
        body["profile"] = form.get("profile")
    elif "profile" in form:  # the empty option: 自定义, the sliders
        weights: dict = {}
        for c in CRITERIA:
            num(f"weights.{c}", c, weights)
        body["weights"] = weights
    num("top_k", integer=True)
    return body, bad


def page_config() -> dict:
    profiles = list_profiles()
    return {
        "criteria": list(CRITERIA), "criteria_zh": vl("criterion"), "colours": CRITERIA_COLOURS,
        "exclude_zh": vl("exclusion"), "amenity_zh": vl("amenity_kind"), "unit_zh": vl("unit"),
        "via_zh": vl("via"), "field_zh": field_labels(), "eia_codes": EIA_CODES,
        "reason_zh": [(pattern, t(template)) for pattern, template in REASON_ZH],
        "profiles": {name: p["weights"] for name, p in profiles.items()},
        "example": example_request(),
        "urls": {"recommend": url_for("recommend_page.recommend"), "profiles": url_for("api.profiles"),
                 "industries": url_for("recommend_page.industries"),
                 "outlines": url_for("recommend_page.outlines"),
                 "park": url_for("pages.park", pid="__ID__"), "compare": COMPARE_URL, "export": EXPORTS},
        "basemap": current_app.config.get("BASEMAP"),
    }


def _slider_values(values: MultiDict) -> dict:
    """Slider positions (0-100): the form's, else the selected profile's weights × 100."""
    profile = values.get("profile", "default")
    w = list_profiles().get(profile or "default", list_profiles().get("default", {})).get("weights", {})
    out = {}
    for c in CRITERIA:
        raw = values.get(f"weights.{c}")
        try:
            out[c] = max(0, min(100, round(float(raw)))) if raw not in (None, "") else round(100 * w.get(c, 0))
        except ValueError:
            out[c] = round(100 * w.get(c, 0))
    return out


def _wants_json() -> bool:
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"


@bp.route("/recommend", methods=["GET", "POST"])
def recommend():
    """The page. A POST of the form is read by ``form_to_request`` (the one parser of the form: the page's
    script posts the same form) and ranked; the answer is the page (no JavaScript) or, for a script that asks
    for JSON, ``{"requirement": the request JSON, "result": the ranking}`` / a 422 problem whose
    ``invalid-params`` name the form fields."""
    result, errors, invalid = None, {}, []
    if request.method == "POST":
        values = request.form
        body, invalid = form_to_request(values)
        if not invalid:
            try:
                req = Requirement.model_validate(body)
            except ValidationError as exc:
                invalid = invalid_params(exc)
            else:
                result = run_recommend(get_store(), req)
        if _wants_json():
            if invalid:
                fields = [{"name": field_for(e["name"], e["reason"]), "reason": e["reason"]} for e in invalid]
                return problem_response(422, "Invalid request body", f"{len(fields)} invalid field(s) in the form",
                                        fields)
            return jsonify({"requirement": body, "result": result})
        for e in invalid:
            f = field_for(e["name"], e["reason"])
            errors[f] = (errors[f] + "; " if f in errors else "") + translate_reason(e["reason"])
    elif request.args.get("example") == "auto_parts":
        values = request_to_values(example_request())
    else:
        values = MultiDict()
    status = 422 if errors else 200
    return render_template(
        "recommend.html", values=values, errors=errors, result=result, config_json=page_config(),
        labels=sorted(taxonomy.labels()), groups=district_groups(), profiles=list_profiles(),
        criteria=CRITERIA, criteria_zh=vl("criterion"), colours=CRITERIA_COLOURS, sliders=_slider_values(values),
        eia_options=list(vl("eia").items()), land_use_options=list(vl("land_use").items()),
        distance_kinds=DISTANCE_KINDS, amenity_zh=vl("amenity_kind"), exclude_zh=vl("exclusion"), unit_zh=vl("unit"),
        via_zh=vl("via"), field_zh=field_labels(),
    ), status


@bp.get("/recommend/industries")
def industries():
    """Industry search for the picker: catalogue labels and GB/T 4754-2017 codes/names matching ``q``.

    ``{"q", "match": the exact label or code typed (or null), "items": [{"value", "label", "kind", …}]}``;
    ``value`` is what the request's ``industry`` accepts. At most ``limit`` (default 30, ≤ 100) items."""
    q = (request.args.get("q") or "").strip()
    try:
        limit = max(1, min(100, int(request.args.get("limit", 30))))
    except ValueError:
        limit = 30
    return jsonify(search_industries(q, limit))


def _label_item(lab) -> dict:
    codes = " ".join(f"{c} {taxonomy.name(c) or ''}".strip() for c in lab.codes)
    return {"value": lab.label, "label": f"{lab.label} · {codes}", "kind": "label", "codes": list(lab.codes),
            "family": lab.family}


def _code_item(code) -> dict:
    return {"value": code.code, "label": f"{code.code} {code.name} ({code.level})", "kind": "code",
            "name": code.name, "level": code.level}


def search_industries(q: str, limit: int = 30) -> dict:
    labels, codes = taxonomy.labels(), taxonomy.codes()
    match = None
    if q in labels:
        match = _label_item(labels[q])
    elif taxonomy.is_code(q):
        match = _code_item(codes[q.upper()])
    if not q:
        return {"q": q, "match": None, "items": [_label_item(labels[k]) for k in sorted(labels)][:limit]}
    up = q.upper()
    scored: list[tuple] = []
    for lab in labels.values():
        if q in lab.label:
            scored.append((0 if lab.label == q else 1 if lab.label.startswith(q) else 2, len(lab.label),
                           lab.label, _label_item(lab)))
        elif any(c == up or c.startswith(up) for c in lab.codes) and re.match(r"^[A-Z]\d*$", up):
            scored.append((3, len(lab.label), lab.label, _label_item(lab)))
    if re.match(r"^[A-Z]\d{0,4}$", up):  # a code or a code prefix: C36 → C36, C361, C3610 …
        for code in codes.values():
            if code.code.startswith(up):
                scored.append((0 if code.code == up else 4, len(code.code), code.code, _code_item(code)))
    for code in codes.values():
        if q in code.name:
            scored.append((1 if code.name == q else 5, len(code.code), code.code, _code_item(code)))
    seen, items = set(), []
    for *_, item in sorted(scored, key=lambda t: t[:3]):
        if item["value"] not in seen:
            seen.add(item["value"])
            items.append(item)
    return {"q": q, "match": match, "items": items[:limit]}


@bp.get("/recommend/outlines.geojson")
def outlines():
    """City outlines (simplified) as the offline basemap of the result map."""
    from .maps import city_outlines

    resp = jsonify(city_outlines())
    resp.cache_control.max_age = 3600
    resp.cache_control.public = True
    return resp
