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

import datetime as _dt
import json
import re
from functools import lru_cache

from flask import Blueprint, current_app, jsonify, render_template, request, url_for
from pydantic import ValidationError
from werkzeug.datastructures import MultiDict

from .. import taxonomy, vocab
from ..gazetteer import counties
from ..http import get_store
from ..http.parsing import BadParameter, int_param
from ..http.problems import invalid_params, problem_response
from ..paths import EXAMPLES_DIR
from ..siting import Requirement, amounts, candidates, relax
from ..siting.profiles import list_profiles
from ..siting.recommend import recommend as run_recommend
from ..siting.requirement import CRITERIA
from .i18n import label, t, vl
from .industry_search import search_industries

bp = Blueprint("recommend_page", __name__)

# Okabe-Ito: distinguishable for colour-blind readers
CRITERIA_COLOURS = {"industry": "#0072B2", "land_fit": "#E69F00", "cost": "#009E73", "transport": "#56B4E9",
                    "utilities": "#CC79A7", "performance": "#D55E00", "readiness": "#F0E442"}
DISTANCE_KINDS = ("airport", "rail_station", "metro_station", "highway_interchange", "port", "university")
NUMBER_FIELDS = ("land_mu_min", "land_mu_max", "floor_m2", "investment_wan", "annual_tax_wan", "power_kva",
                 "water_t_day", "max_price_wan_per_mu")
FORM_FIELDS = (("name", "industry") + NUMBER_FIELDS + ("eia", "land_use", "districts", "profile", "top_k", "request",
                                                      "reference_date")
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
    (r"^cannot read '(.*?)' as a number", "无法识别「{1}」: 请输入数字, 如 6亿、6000万、120、一百二十"),
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


def field_unit(field: str) -> str:
    """The unit key of a numeric form field (``vocab.REQUEST_FIELDS``; distances in km)."""
    return "km" if field.startswith("max_distance_km.") else vocab.TABLES["request_field"].get(field, vocab.Term("", "")).unit


def read_number(field: str, raw: str) -> float:
    """One form field's text (6亿, 一百二十, 120亩 …) → its value in the field's unit (``siting.amounts``)."""
    return amounts.parse_amount(raw, field_unit(field))


def form_to_request(form, understood: dict | None = None) -> tuple[dict, list[dict]]:
    """Form values → request JSON, and the fields it cannot read (the one parser of the form: the page's script
    posts the form here). Numbers are read as people type them (``siting.amounts``: 6亿, 6000万, 一百二十,
    120亩); ``understood`` (when given) gets ``field → "60,000 万元"`` for every number that was not typed
    as a plain number, so the page can show how it was read."""
    body: dict = {}
    bad: list[dict] = []

    def num(field, key=None, container=None, integer=False):
        raw = (form.get(field) or "").strip()
        if not raw:
            return
        try:
            value = int(raw) if integer else read_number(field, raw)
        except ValueError as exc:
            reason = "must be an integer" if integer else f"cannot read {raw!r} as a number ({exc})"
            bad.append({"name": field, "reason": reason})
            return
        if understood is not None and not integer and not re.fullmatch(r"\d+(\.\d+)?", raw):
            understood[field] = amounts.display(value, field_unit(field))
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
        "assessment_zh": vl("assessment"), "count_zh": vl("exclusion_count"),
        "autorun": bool(request.args.get("req")),
        "exclude_zh": vl("exclusion"), "amenity_zh": vl("amenity_kind"), "unit_zh": vl("unit"),
        "via_zh": vl("via"), "field_zh": field_labels(), "eia_codes": EIA_CODES,
        "reason_zh": [(pattern, t(template)) for pattern, template in REASON_ZH],
        "profiles": {name: p["weights"] for name, p in profiles.items()},
        "example": example_request(),
        "urls": {"recommend": url_for("recommend_page.recommend"), "profiles": url_for("api.profiles"),
                 "industries": url_for("recommend_page.industries"),
                 "understand": url_for("recommend_page.understand"),
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
    result, errors, invalid, understood = None, {}, [], {}
    if request.method == "POST" or request.args.get("req"):
        if request.method == "POST":
            values = request.form
            body, invalid = form_to_request(values, understood)
        else:  # a shared link: /recommend?req=<the request JSON>&date=<reference date>
            body, invalid = _shared_request(request.args.get("req"))
            values = request_to_values(body) if not invalid else MultiDict()
            values["reference_date"] = request.args.get("date", "")
        today, bad_date = _reference_date(values.get("reference_date"))
        invalid += bad_date
        if not invalid:
            try:
                req = Requirement.model_validate(body)
            except ValidationError as exc:
                invalid = invalid_params(exc)
            else:
                result = run_recommend(get_store(), req, today=today)
                for r in result["relaxations"]:  # one click (or one link, without JavaScript) applies it
                    r["apply_url"] = share_url(relax.apply(body, r["field"], r["to"]), result["reference_date"])
        if _wants_json():
            if invalid:
                fields = [{"name": field_for(e["name"], e["reason"]), "reason": e["reason"]} for e in invalid]
                return problem_response(422, "Invalid request body", f"{len(fields)} invalid field(s) in the form",
                                        fields)
            return jsonify({"requirement": body, "result": result, "understood": understood,
                            "share_url": share_url(body, result["reference_date"])})
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
        via_zh=vl("via"), field_zh=field_labels(), understood=understood, assessment_zh=vl("assessment"),
        missing_kinds=missing_kinds(),
        count_zh=vl("exclusion_count"),
        share=share_url(body, result["reference_date"]) if result else None,
    ), status


def missing_kinds() -> list[str]:
    """The amenity kinds of the form with no amenity in the store: a distance limit on one rejects every
    plot, so the form says so and how to load them."""
    loaded = candidates.for_store(get_store()).amenities
    return [k for k in DISTANCE_KINDS if k not in loaded]


def share_url(body: dict, reference_date: str) -> str:
    """The link that reproduces a recommendation: the request JSON and the reference date in the URL."""
    return url_for("recommend_page.recommend", req=json.dumps(body, ensure_ascii=False, separators=(",", ":")),
                   date=reference_date)


def _shared_request(text: str) -> tuple[dict, list[dict]]:
    try:
        body = json.loads(text)
    except ValueError:
        return {}, [{"name": "request", "reason": "the link's req is not JSON"}]
    if not isinstance(body, dict):
        return {}, [{"name": "request", "reason": "the link's req is not a JSON object"}]
    return body, []


def _reference_date(text: str | None) -> tuple[_dt.date | None, list[dict]]:
    """The reference date a shared link pins (readiness depends on it); today when absent."""
    if not text:
        return None, []
    try:
        return _dt.date.fromisoformat(text), []
    except ValueError:
        return None, [{"name": "reference_date", "reason": f"not a date (YYYY-MM-DD): {text!r}"}]


@bp.get("/recommend/understand")
def understand():
    """How the form reads one field's text: ``?field=investment_wan&text=6亿`` →
    ``{"field", "text", "value": 60000, "display": "60,000 万元"}``, or a 422 problem naming the field."""
    field, text = request.args.get("field", ""), request.args.get("text", "")
    if field not in NUMBER_FIELDS and not field.startswith("max_distance_km."):
        return problem_response(422, "Invalid request parameters", "not a numeric form field",
                                [{"name": "field", "reason": f"unknown numeric field {field!r}"}])
    try:
        value = read_number(field, text)
    except ValueError as exc:
        return problem_response(422, "Invalid request parameters", f"cannot read {text!r}",
                                [{"name": field, "reason": f"cannot read {text!r} as a number ({exc})"}])
    return jsonify({"field": field, "text": text, "value": value, "display": amounts.display(value, field_unit(field))})


@bp.get("/recommend/industries")
def industries():
    """Industry search for the picker: catalogue labels and GB/T 4754-2017 codes/names matching ``q``.

    ``{"q", "match": the exact label or code typed (or null), "items": [{"value", "label", "kind", …}]}``;
    ``value`` is what the request's ``industry`` accepts. At most ``limit`` (default 30, ≤ 100) items."""
    q = (request.args.get("q") or "").strip()
    try:
        limit = int_param(request.args, "limit", 30, 1, 100)
    except BadParameter as exc:
        return problem_response(400, "Invalid request parameters", exc.description,
                                [{"name": exc.param, "reason": f"a whole number from {exc.lo} to {exc.hi}"}])
    return jsonify(search_industries(q, limit))


@bp.get("/recommend/outlines.geojson")
def outlines():
    """City outlines (simplified) as the offline basemap of the result map."""
    from .maps import city_outlines

    resp = jsonify(city_outlines())
    resp.cache_control.max_age = 3600
    resp.cache_control.public = True
    return resp
