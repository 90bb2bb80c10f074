"""可比: 2-4 parks side by side for promotion staff (indicators, available land, 主导产业, 五力 with a radar
chart drawn server-side as inline SVG), and, with a project requirement, each park's best plot and why.

The parsing of the park ids and of the requirement, and the comparison data, are shared with the exports
(``exports.py``), so the page and its PDF/XLSX always show the same thing."""
from __future__ import annotations

import json
import math
import re
from urllib.parse import urlencode

from flask import Blueprint, render_template, request, url_for
from markupsafe import Markup, escape as _escape
from pydantic import ValidationError

from .. import parkinfo, taxonomy
from ..api.models import ID_CHARS
from ..siting import Requirement
from ..siting.compare import best_plots
from ..siting.recommend import normalised_request
from . import get_store
from .i18n import t, tmap
from .pages import LEVEL_ZH

bp = Blueprint("compare_page", __name__)

MIN_PARKS, MAX_PARKS = 2, 4
COLORS = ("#2e86c1", "#c0392b", "#1e8449", "#b9770e")  # the first must stand out on the #1f4e79 table header
MARK = "※"

CRITERIA_ZH = {"industry": "产业匹配", "land_fit": "用地规模", "cost": "成本", "transport": "交通",
               "utilities": "水电配套", "performance": "园区绩效", "readiness": "供地时序"}
REASON_ZH = {"status_unavailable": "非可供状态", "area_too_small": "面积过小", "area_too_large": "面积过大",
             "investment_intensity": "投资强度不达标", "tax_per_mu": "亩均税收不达标", "power": "电力不足",
             "water": "供水不足", "eia": "环评类别不允许", "land_use": "用地性质不符", "price": "地价超预算",
             "district": "不在所选地区", "floor_space": "空置厂房不足"}
AMENITY_ZH = {"airport": "机场", "rail_station": "火车站", "metro_station": "地铁站",
              "highway_interchange": "高速出入口", "port": "港口", "university": "高校", "hospital": "医院"}
STATUS_ZH = {"available": "可供", "reserved": "预留", "leased": "已租", "sold": "已售"}
EIA_LABEL = {"registration": "登记表", "report_form": "报告表", "report": "报告书"}
# indicators where one park is plainly better (bold in the table); the others (areas) are neither
BETTER = {"tax_per_mu_wan": max, "output_per_mu_wan": max, "land_price_wan_per_mu": min,
          "factory_rent_yuan_m2_day": min, "vacant_factory_m2": max, "power_spare_kva": max,
          "water_spare_t_day": max}

# The requirement fields the form shows; a full requirement (e.g. from the recommend page) comes as ?req=JSON
REQ_FIELDS = (("industry", "产业", "text", "如 汽车零部件 或 C36"),
              ("land_mu_min", "用地下限（亩）", "number", "如 80"),
              ("land_mu_max", "用地上限（亩）", "number", "如 120"),
              ("investment_wan", "总投资（万元）", "number", ""),
              ("annual_tax_wan", "年税收（万元）", "number", ""),
              ("power_kva", "用电（kVA）", "number", ""))
REQ_FIELD_NAMES = tuple(f for f, *_ in REQ_FIELDS)
REQ_ZH = {"name": "项目名称", "industry": "产业", "land_mu_min": "用地下限（亩）", "land_mu_max": "用地上限（亩）",
          "floor_m2": "厂房面积（m²）", "investment_wan": "总投资（万元）", "annual_tax_wan": "年税收（万元）",
          "power_kva": "用电（kVA）", "water_t_day": "用水（吨/日）", "eia": "环评类别", "land_use": "用地性质",
          "max_price_wan_per_mu": "地价上限（万元/亩）", "districts": "地区", "max_distance_km": "距离上限（km）",
          "weights": "权重", "profile": "权重方案", "top_k": "返回数量"}


def _zh(text: str, **kw) -> str:
    """The identity translation (the exports and the API say Chinese); the page passes ``i18n.t``."""
    return text.format(**kw) if kw else text


class UnknownParks(LookupError):
    """Park ids not in the store; ``str()`` is the Chinese message, ``missing`` the ids."""

    def __init__(self, missing: list[str]):
        super().__init__("未知园区编号: " + "、".join(missing))
        self.missing = missing


def reason_zh(code: str) -> str:
    if code.startswith("distance_"):
        kind = code[len("distance_"):]
        return f"距{AMENITY_ZH.get(kind, kind)}过远"
    return REASON_ZH.get(code, code)


def fmt_num(v, nd: int = 2) -> str:
    """A number for people: thousands separators, no trailing zeros; '—' when unknown."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, (int, float)):
        s = f"{v:,.{nd}f}"
        return s.rstrip("0").rstrip(".") if "." in s else s
    return str(v)


def value_text(v) -> str:
    """A requirement value for people (lists and maps included)."""
    if isinstance(v, dict):
        return "，".join(f"{AMENITY_ZH.get(k, CRITERIA_ZH.get(k, k))} {fmt_num(x)}" for k, x in v.items())
    if isinstance(v, (list, tuple)):
        return "、".join(str(x) for x in v)
    if isinstance(v, str) and v in EIA_LABEL:
        return EIA_LABEL[v]
    return fmt_num(v)


# -- input ---------------------------------------------------------------------------------------------
def parse_ids(args, tr=_zh) -> tuple[list[str], str | None]:
    """Park ids from ``?ids=A,B`` and/or repeated ``ids`` (checkboxes): (ids, error in Chinese — or through
    ``tr`` — or None)."""
    ids: list[str] = []
    for raw in args.getlist("ids"):
        for part in raw.split(","):
            part = part.strip()
            if part and part not in ids:
                ids.append(part)
    bad = [i for i in ids if not re.fullmatch(ID_CHARS, i)]
    if bad:
        return ids, tr("不是园区编号: {ids}", ids=tr("、").join(bad[:5]))
    if not MIN_PARKS <= len(ids) <= MAX_PARKS:
        return ids, tr("请选择 {lo}-{hi} 个园区（现在 {n} 个）", lo=MIN_PARKS, hi=MAX_PARKS, n=len(ids))
    return ids, None


def _no_constant(name):
    raise ValueError(f"{name} is not JSON")


def _zh_error(e: dict, tr=None) -> str:
    """A pydantic error in Chinese, or through ``tr`` (the page's ``i18n.t``); other value errors keep their text."""
    tr = tr or _zh
    t, ctx = e["type"], e.get("ctx") or {}
    if t == "missing":
        return tr("必填")
    if t == "extra_forbidden":
        return tr("未知字段")
    if t == "greater_than":
        return tr("须大于 {n}", n=ctx.get("gt"))
    if t == "greater_than_equal":
        return tr("须不小于 {n}", n=ctx.get("ge"))
    if t == "less_than_equal":
        return tr("须不大于 {n}", n=ctx.get("le"))
    if t == "less_than":
        return tr("须小于 {n}", n=ctx.get("lt"))
    if t == "string_too_short":
        return tr("必填") if ctx.get("min_length") == 1 else tr("至少 {n} 个字符", n=ctx.get("min_length"))
    if t == "string_too_long":
        return tr("过长（最多 {n} 个字符）", n=ctx.get("max_length"))
    if t == "string_pattern_mismatch":
        return tr("格式不正确")
    if t == "literal_error":
        return tr("须为 {v}", v=ctx.get("expected"))
    if t in ("bool_type", "bool_parsing"):
        return tr("须为是或否")
    msg = e["msg"].removeprefix("Value error, ")
    if msg.startswith("must be ≥ land_mu_min"):
        return tr("须不小于用地下限")
    if msg.startswith("unknown industry"):
        return tr("未知产业：请用目录中的产业名称（如 生物医药）或国民经济行业代码（如 C27）")
    if msg.startswith("must be a number") or msg.startswith("must be a finite number"):
        return tr("须为数字")
    return msg


def requirement_from_args(args, tr=_zh) -> dict:
    """The optional project requirement of a comparison, from ``?req=<JSON>`` and/or the form fields (a form
    field that is present overrides the same key of ``req``; an empty one removes it).

    Returns {"req": Requirement | None, "data": the merged dict, "values": what the form shows,
    "errors": {field: Chinese message}, "extra": [(label, value)] of keys the form does not show}; the messages
    and labels go through ``tr`` (the page passes ``i18n.t``)."""
    errors: dict[str, str] = {}
    base: dict = {}
    raw = args.get("req", "")
    if raw.strip():
        try:
            base = json.loads(raw, parse_constant=_no_constant)
        except (ValueError, RecursionError):
            base = {}
            errors["req"] = tr("项目条件不是有效的 JSON")
        if not isinstance(base, dict):
            base, errors["req"] = {}, tr("项目条件须为 JSON 对象")
    data = dict(base)
    values = {}
    for field, _label, kind, _ph in REQ_FIELDS:
        if field in args:
            text = args.get(field, "").strip()
            values[field] = text
            if not text:
                data.pop(field, None)
            elif kind == "number":
                try:
                    x = float(text.replace(",", ""))
                    if not math.isfinite(x):
                        raise ValueError
                    data[field] = x
                except ValueError:
                    errors[field] = tr("须为数字")
                    data.pop(field, None)
            else:
                data[field] = text
        else:
            v = base.get(field)
            values[field] = "" if v is None else (fmt_num(v, 4).replace(",", "") if not isinstance(v, str) else v)
    extra = [(tr(REQ_ZH.get(k, k)), value_text(v)) for k, v in data.items() if k not in REQ_FIELD_NAMES and v is not None]
    out = {"req": None, "data": data, "values": values, "errors": errors, "extra": extra}
    if errors or not data:
        return out
    try:
        req = Requirement.model_validate(data)
    except ValidationError as exc:
        for e in exc.errors():
            loc = [str(x) for x in e["loc"]]
            field = loc[0] if loc else ""
            if not field:  # a model-level rule (land or floor; weights or profile)
                field = "land_mu_min" if "land" in e["msg"] else "req"
            elif field not in REQ_FIELD_NAMES:
                msg = f"{tr(REQ_ZH.get(field, field))}: {_zh_error(e, tr)}"
                errors["req"] = f"{errors['req']}{tr('；')}{msg}" if "req" in errors else msg
                continue
            errors.setdefault(field, _zh_error(e, tr) if loc else
                              (tr("请填写用地面积（亩）") if field == "land_mu_min" else e["msg"].removeprefix("Value error, ")))
        return out
    if not req.wants_land:  # the same rule as the API's POST /compare: it picks each park's best plot
        errors["land_mu_min"] = tr("对比需给出用地面积（亩下限和/或上限），用以挑选各园区的最佳地块")
        return out
    out["req"] = req
    return out


def requirement_text(req: Requirement) -> list[tuple[str, str]]:
    """(label, value) of what the requirement asks, in Chinese, for the page and the exports."""
    out = []
    for k, v in req.model_dump(exclude_none=True, exclude_defaults=True).items():
        out.append((REQ_ZH.get(k, k), value_text(v)))
    out.append(("用地性质（可用）", "、".join(req.allowed_land_uses)))
    return out


def export_query(ids: list[str], reqinfo: dict | None) -> str:
    """The query string of the export links: the ids and, when valid, the requirement as ``req``."""
    q = {"ids": ",".join(ids)}
    if reqinfo and reqinfo["req"] is not None:
        q["req"] = json.dumps(reqinfo["data"], ensure_ascii=False, separators=(",", ":"))
    return urlencode(q)


# -- the comparison ------------------------------------------------------------------------------------
def _evaluation(store):
    from ..evaluation import cached_evaluate

    try:
        return cached_evaluate(store)
    except LookupError:
        return None


def compare_data(store, ids: list[str], req: Requirement | None = None) -> dict:
    """Everything the page and the exports show. Raises LookupError naming unknown ids."""
    from ..evaluation.schema import DIMENSIONS

    found = {p["id"]: p for p in store.read("parks", where={"id": ids})}
    missing = [i for i in ids if i not in found]
    if missing:
        raise UnknownParks(missing)
    ev = _evaluation(store)
    mine = ev.by_park() if ev else {}
    fits = best_plots(store, req, ids) if req is not None else {}
    parks = []
    for n, pid in enumerate(ids):
        p = found[pid]
        summary = parkinfo.summary(store, pid)
        fit = fits.get(pid)
        best = store.get("plots", fit["best_plot_id"]) if fit and fit["best_plot_id"] else None
        parks.append({
            "id": pid, "name": p["name"], "level": p["level"], "level_zh": LEVEL_ZH.get(p["level"], p["level"]),
            "kind": p["kind"], "city": p["city"], "district": p.get("district"),
            "leading_industries": p.get("leading_industries") or [], "approval_date": p.get("approval_date"),
            "source": p.get("source"), "as_of": p.get("as_of"), "synthetic": list(p.get("synthetic") or []),
            "boundary_approximate": bool(p.get("boundary_approximate")),
            "indicators": parkinfo.indicators(p), "summary": summary, "evaluation": mine.get(pid),
            "fit": fit, "best_plot": {k: v for k, v in best.items() if k != "geometry"} if best else None,
            "color": COLORS[n % len(COLORS)],
        })
    rows = []
    for k, (key, label, unit) in enumerate(parkinfo.INDICATORS):
        cells = [p["indicators"][k] for p in parks]
        pick = BETTER.get(key)
        known = [c["value"] for c in cells if isinstance(c["value"], (int, float))]
        best_v = pick(known) if pick and len(known) > 1 and len(set(known)) > 1 else None
        rows.append({"key": key, "label": label, "unit": unit,
                     "cells": [{**c, "text": fmt_num(c["value"]), "best": best_v is not None and c["value"] == best_v}
                               for c in cells]})
    out = {"ids": ids, "parks": parks, "rows": rows, "dimensions": list(DIMENSIONS),
           "quarter": ev.quarter if ev else None, "n_evaluated": len(ev.parks) if ev else 0,
           "evaluation_synthetic": bool(ev and ev.provenance.get("synthetic")),
           "evaluation_sources": (ev.provenance.get("sources") or []) if ev else [],
           "requirement": normalised_request(req) if req is not None else None,
           "requirement_text": requirement_text(req) if req is not None else [],
           "data_version": store.data_version}
    return out


# -- the radar chart (inline SVG here, reportlab drawing in the PDF: the same geometry) ------------------
def escape(text) -> str:
    """HTML-escaped plain str (a Markup would escape the str it is concatenated to)."""
    return str(_escape(text))


def radar_unit(values: list[float]) -> list[tuple[float, float]]:
    """Scores 0-100 on n axes → points on the unit disc (y up), first axis at the top, clockwise."""
    n = len(values)
    pts = []
    for k, v in enumerate(values):
        a = math.pi / 2 - 2 * math.pi * k / n
        r = max(0.0, min(100.0, float(v or 0))) / 100
        pts.append((r * math.cos(a), r * math.sin(a)))
    return pts


def radar_svg(dims: list[str], series: list[dict], size: int = 380) -> Markup:
    """series: [{"name", "color", "scores": {dim: value}}]. Inline SVG (no xmlns needed inside HTML)."""
    if not series:
        return Markup("")
    cx = cy = size / 2
    r = size / 2 - 62
    n = len(dims)

    def xy(u):
        return f"{cx + r * u[0]:.1f},{cy - r * u[1]:.1f}"

    parts = [f'<svg class="radar" width="{size}" height="{size}" viewBox="0 0 {size} {size}" role="img" '
             f'aria-labelledby="radar-title"><title id="radar-title">'
             + escape(t("五力雷达图: {names}", names=t("、").join(s["name"] for s in series))) + "</title>"]
    for ring in (20, 40, 60, 80, 100):
        pts = " ".join(xy(u) for u in radar_unit([ring] * n))
        parts.append(f'<polygon points="{pts}" fill="none" stroke="#ccc" stroke-width="{1.2 if ring == 100 else 0.7}"/>')
        parts.append(f'<text x="{cx + 3:.1f}" y="{cy - r * ring / 100 + 10:.1f}" font-size="9" fill="#999">{ring}</text>')
    for k, u in enumerate(radar_unit([100] * n)):
        parts.append(f'<line x1="{cx}" y1="{cy}" x2="{cx + r * u[0]:.1f}" y2="{cy - r * u[1]:.1f}" stroke="#ccc" '
                     'stroke-width="0.7"/>')
        lx, ly = cx + (r + 14) * u[0], cy - (r + 14) * u[1]
        anchor = "middle" if abs(u[0]) < 0.2 else ("start" if u[0] > 0 else "end")
        parts.append(f'<text x="{lx:.1f}" y="{ly + 4:.1f}" font-size="13" text-anchor="{anchor}" fill="#333">'
                     f'{escape(t(dims[k]))}</text>')
    for s in series:
        pts = " ".join(xy(u) for u in radar_unit([s["scores"].get(d, 0) for d in dims]))
        parts.append(f'<polygon points="{pts}" fill="{s["color"]}" fill-opacity="0.12" stroke="{s["color"]}" '
                     f'stroke-width="2"><title>{escape(s["name"])}</title></polygon>')
        for u in radar_unit([s["scores"].get(d, 0) for d in dims]):
            parts.append(f'<circle cx="{cx + r * u[0]:.1f}" cy="{cy - r * u[1]:.1f}" r="2.5" fill="{s["color"]}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


def radar_series(data: dict) -> list[dict]:
    return [{"name": p["name"], "color": p["color"], "scores": p["evaluation"]["scores"]}
            for p in data["parks"] if p["evaluation"]]


# -- the page --------------------------------------------------------------------------------------------
@bp.get("/compare")
def compare():
    """可比: pick 2-4 parks; with ?ids=A,B the comparison, with a requirement each park's best plot."""
    store = get_store()
    all_parks = park_choices(store)
    errors: dict[str, str] = {}
    # the form was sent (even with no park ticked), or a link named parks or a requirement
    submitted = any(k in request.args for k in ("ids", "req", *REQ_FIELD_NAMES))
    ids, err = parse_ids(request.args, t)
    # a link from a park page (?ids=ONE and nothing else; ?lang= aside) preselects that park: not an error yet
    preselect = (len(ids) == 1 and set(request.args) - {"lang"} == {"ids"}
                 and all(re.fullmatch(ID_CHARS, i) for i in ids))
    if preselect:
        submitted = False
    if err and submitted:
        errors["ids"] = err
    reqinfo = requirement_from_args(request.args, t)
    errors.update(reqinfo["errors"])
    data = None
    if submitted and not errors:
        try:
            data = compare_data(store, ids, reqinfo["req"])
        except UnknownParks as exc:
            errors["ids"] = t("未知园区编号: {ids}", ids=t("、").join(exc.missing))
    status = 400 if errors else 200
    chosen = set(ids)
    picks = ([p for p in all_parks if p["id"] in chosen] + [p for p in all_parks if p["id"] not in chosen])
    return render_template(
        "compare.html", data=data, errors=errors, ids=ids, chosen=chosen, picks=picks, reqinfo=reqinfo,
        req_fields=[(f, t(label), kind, t(ph) if ph else ph) for f, label, kind, ph in REQ_FIELDS],
        industry_labels=sorted(taxonomy.labels()), level_zh=tmap(LEVEL_ZH),
        radar=radar_svg(data["dimensions"], radar_series(data)) if data else "",
        criteria_zh=tmap(CRITERIA_ZH), reason_zh=lambda code: t(reason_zh(code)), status_zh=tmap(STATUS_ZH),
        eia_label=tmap(EIA_LABEL),
        fmt=fmt_num, export_q=export_query(ids, reqinfo) if data else "",
        raw_req=request.args.get("req", ""), max_parks=MAX_PARKS, min_parks=MIN_PARKS,
    ), status


def park_choices(store) -> list[dict]:
    """Every park for the picker (id, name, city, district, level), by city then id; no geometry read."""
    fields = ["id", "name", "city", "district", "level"]
    cols = store.columns("parks", fields, geometry=False)
    rows = [dict(zip(fields, vals)) for vals in zip(*(cols[f] for f in fields))]
    return sorted(rows, key=lambda p: (p["city"] or "", p["id"]))


def compare_url(ids: list[str], **extra) -> str:
    """Link to the comparison of ``ids`` (for other pages: recommend results, park pages)."""
    return url_for("compare_page.compare", ids=",".join(ids), **extra)
