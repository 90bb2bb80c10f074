"""可比: 2-4 parks side by side, and, with a project requirement, each park's best plot and why.

What the compare page, its PDF/XLSX exports and ``/api/v1/compare`` share: the park ids and the requirement
read from a query string (any mapping with ``get``/``getlist``/``in``: no web framework here), the comparison
itself (``compare_data`` for the page and the exports, ``park_comparison`` for the API), the radar geometry
and the number formatting. Every label comes from ``findpark.vocab``; ``lang`` chooses its language.
"""
from __future__ import annotations

import json
import math
import re

from pydantic import ValidationError

from .. import numbers, vocab
from . import parkinfo
from ..siting import Requirement
from ..siting.compare import best_plots
from ..siting.recommend import normalised_request
from ..store.schema import ID_PATTERN

MIN_PARKS, MAX_PARKS = 2, 4
COLORS = ("#2e86c1", "#c0392b", "#1e8449", "#b9770e")  # the first must stand out on the #1f4e79 table header
MARK = "※"
PARK_ID = re.compile(ID_PATTERN)  # the data contract's record id
# indicators where one park is plainly better (bold in the table); the others (areas) are neither
BETTER = {"tax_per_mu_wan": max, "output_per_mu_wan": max, "land_price_wan_per_mu": min,
          "factory_rent_yuan_m2_day": min, "vacant_factory_m2": max, "power_spare_kva": max,
          "water_spare_t_day": max}

# The requirement fields the form shows (field, input kind, placeholder); their labels are vocab's
# request_field labels. A full requirement (e.g. from the recommend page) comes as ?req=JSON.
REQ_FIELDS = (("industry", "text", "如 汽车零部件 或 C36"),
              ("land_mu_min", "number", "如 80"),
              ("land_mu_max", "number", "如 120"),
              ("investment_wan", "number", ""),
              ("annual_tax_wan", "number", ""),
              ("power_kva", "number", ""))
REQ_FIELD_NAMES = tuple(f for f, *_ in REQ_FIELDS)


def _zh(text: str, **kw) -> str:
    """The identity translation (the exports and the API say Chinese); the page passes ``i18n.t``."""
    return text.format(**kw) if kw else text


class UnknownParks(LookupError):
    """Park ids not in the store; ``str()`` is the Chinese message, ``missing`` the ids."""

    def __init__(self, missing: list[str]):
        super().__init__("未知园区编号: " + "、".join(missing))
        self.missing = missing


def is_park_id(text: str) -> bool:
    return bool(PARK_ID.fullmatch(text))


# -- labels and numbers ----------------------------------------------------------------------------------
_DIMENSION_CODE = {t.zh: code for code, t in vocab.DIMENSIONS.items()}


def dimension_label(dim: str, lang: str = "zh") -> str:
    """A 五力 dimension's label, whether the evaluation keys it by code or by its Chinese name."""
    return vocab.label("dimension", _DIMENSION_CODE.get(dim, dim), lang)


def reason_label(code: str, lang: str = "zh") -> str:
    """Why a plot was excluded (``distance_<kind>`` included)."""
    return vocab.label("exclusion", code, lang)


def fmt_num(v, nd: int = 2) -> str:
    """A number for people: thousands separators, no trailing zeros; '—' when unknown."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    if isinstance(v, bool):
        return "是" if v else "否"
    return numbers.number(v, nd)  # the one formatter (findpark/numbers.py)


def value_text(v, lang: str = "zh") -> str:
    """A requirement value for people (lists and maps included)."""
    if isinstance(v, dict):
        def key(k):
            return vocab.label("amenity_kind" if k in vocab.AMENITY_KINDS else "criterion", k, lang)
        return ("，" if lang == "zh" else ", ").join(f"{key(k)} {fmt_num(x)}" for k, x in v.items())
    if isinstance(v, (list, tuple)):
        return ("、" if lang == "zh" else ", ").join(str(x) for x in v)
    if isinstance(v, str) and v in vocab.EIA:
        return vocab.label("eia", v, lang)
    return fmt_num(v)


def field_label(field: str, lang: str = "zh") -> str:
    """A requirement field's label with its unit: 「用地面积下限（亩）」."""
    return vocab.with_unit("request_field", field, lang)


# -- input -----------------------------------------------------------------------------------------------
def parse_ids(args, tr=_zh) -> tuple[list[str], str | None]:
    """Park ids from ``?ids=A,B`` and/or repeated ``ids`` (checkboxes): (ids, error in Chinese — or through
    ``tr`` — or None)."""
    ids: list[str] = []
    for raw in args.getlist("ids"):
        for part in raw.split(","):
            part = part.strip()
            if part and part not in ids:
                ids.append(part)
    bad = [i for i in ids if not is_park_id(i)]
    if bad:
        return ids, tr("不是园区编号: {ids}", ids=tr("、").join(bad[:5]))
    if not MIN_PARKS <= len(ids) <= MAX_PARKS:
        return ids, tr("请选择 {lo}-{hi} 个园区（现在 {n} 个）", lo=MIN_PARKS, hi=MAX_PARKS, n=len(ids))
    return ids, None


def _no_constant(name):
    raise ValueError(f"{name} is not JSON")


def error_text(e: dict, tr=None) -> str:
    """A pydantic error in Chinese, or through ``tr`` (the page's ``i18n.t``); other value errors keep their text."""
    tr = tr or _zh
    t, ctx = e["type"], e.get("ctx") or {}
    simple = {"missing": "必填", "extra_forbidden": "未知字段", "string_pattern_mismatch": "格式不正确",
              "bool_type": "须为是或否", "bool_parsing": "须为是或否"}
    if t in simple:
        return tr(simple[t])
    bounds = {"greater_than": ("须大于 {n}", "gt"), "greater_than_equal": ("须不小于 {n}", "ge"),
              "less_than_equal": ("须不大于 {n}", "le"), "less_than": ("须小于 {n}", "lt")}
    if t in bounds:
        text, key = bounds[t]
        return tr(text, n=ctx.get(key))
    if t == "string_too_short":
        return tr("必填") if ctx.get("min_length") == 1 else tr("至少 {n} 个字符", n=ctx.get("min_length"))
    if t == "string_too_long":
        return tr("过长（最多 {n} 个字符）", n=ctx.get("max_length"))
    if t == "literal_error":
        return tr("须为 {v}", v=ctx.get("expected"))
    msg = e["msg"].removeprefix("Value error, ")
    if msg.startswith("must be ≥ land_mu_min"):
        return tr("须不小于用地下限")
    if msg.startswith("unknown industry"):
        return tr("未知产业：请用目录中的产业名称（如 生物医药）或国民经济行业代码（如 C27）")
    if msg.startswith("must be a number") or msg.startswith("must be a finite number"):
        return tr("须为数字")
    return msg


def _form_values(args, base: dict, errors: dict, tr) -> tuple[dict, dict]:
    """Merge the form fields over ``base``: (data, what the form shows)."""
    data = dict(base)
    values = {}
    for field, kind, _ph in REQ_FIELDS:
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
    return data, values


def requirement_from_args(args, tr=_zh, lang: str = "zh") -> dict:
    """The optional project requirement of a comparison, from ``?req=<JSON>`` and/or the form fields (a form
    field that is present overrides the same key of ``req``; an empty one removes it).

    Returns {"req": Requirement | None, "data": the merged dict, "values": what the form shows,
    "errors": {field: Chinese message}, "extra": [(label, value)] of keys the form does not show}; the messages
    go through ``tr`` (the page passes ``i18n.t``), the labels are vocab's in ``lang``."""
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
    data, values = _form_values(args, base, errors, tr)
    extra = [(field_label(k, lang), value_text(v, lang)) for k, v in data.items()
             if k not in REQ_FIELD_NAMES and v is not None]
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
                msg = f"{field_label(field, lang)}: {error_text(e, tr)}"
                errors["req"] = f"{errors['req']}{tr('；')}{msg}" if "req" in errors else msg
                continue
            errors.setdefault(field, error_text(e, tr) if loc else
                              (tr("请填写用地面积（亩）") if field == "land_mu_min" else e["msg"].removeprefix("Value error, ")))
        return out
    if not req.wants_land:  # the same rule as the API's POST /compare: it picks each park's best plot
        errors["land_mu_min"] = tr("对比需给出用地面积（亩下限和/或上限），用以挑选各园区的最佳地块")
        return out
    out["req"] = req
    return out


def _weights_text(w: dict, lang: str = "zh") -> str:
    """Weights as people read them everywhere: percentages of their sum (42, 20 … → 32%, 15% …)."""
    total = sum(x for x in w.values() if x) or 1.0
    return ("，" if lang == "zh" else ", ").join(
        f"{vocab.label('criterion', k, lang)} {numbers.percent((x or 0) / total)}" for k, x in w.items())


def requirement_text(req: Requirement, lang: str = "zh") -> list[tuple[str, str]]:
    """(label, value) of what the requirement asks, for the page and the exports."""
    out = [(field_label(k, lang), _weights_text(v, lang) if k == "weights" else value_text(v, lang))
           for k, v in req.model_dump(exclude_none=True, exclude_defaults=True).items()]
    out.append((vocab.label("request_field", "allowed_land_uses", lang), ("、" if lang == "zh" else ", ").join(req.allowed_land_uses)))
    return out


# -- the comparison --------------------------------------------------------------------------------------
def _park_records(store, ids: list[str]) -> dict:
    found = {p["id"]: p for p in store.read("parks", where={"id": ids})}
    missing = [i for i in ids if i not in found]
    if missing:
        raise UnknownParks(missing)
    return found


def _evaluation(store):
    from ..evaluation import cached_evaluate

    try:
        return cached_evaluate(store)
    except LookupError:
        return None


def indicator_rows(parks: list[dict], lang: str = "zh") -> list[dict]:
    """One row per park indicator: its label, unit and each park's cell (the best one marked)."""
    rows = []
    for k, (key, _label, _unit) in enumerate(parkinfo.INDICATORS):
        cells = [p["indicators"][k] for p in parks]
        pick = BETTER.get(key)
        known = [c["value"] for c in cells if isinstance(c["value"], (int, float))]
        best_v = pick(known) if pick and len(known) > 1 and len(set(known)) > 1 else None
        rows.append({"key": key, "label": vocab.label("park_indicator", key, lang),
                     "unit": vocab.unit_of("park_indicator", key, lang),
                     "cells": [{**c, "text": fmt_num(c["value"]), "best": best_v is not None and c["value"] == best_v}
                               for c in cells]})
    return rows


def compare_data(store, ids: list[str], req: Requirement | None = None, lang: str = "zh") -> dict:
    """Everything the page and the exports show. Raises UnknownParks (a LookupError) naming unknown ids."""
    from ..evaluation.schema import DIMENSIONS

    found = _park_records(store, ids)
    ev = _evaluation(store)
    mine = ev.by_park() if ev else {}
    fits = best_plots(store, req, ids) if req is not None else {}
    parks = []
    for n, pid in enumerate(ids):
        p = found[pid]
        fit = fits.get(pid)
        best = store.get("plots", fit["best_plot_id"]) if fit and fit["best_plot_id"] else None
        parks.append({
            "id": pid, "name": p["name"], "level": p["level"],
            "level_zh": vocab.label("park_level", p["level"], lang),
            "kind": p["kind"], "city": p["city"], "district": p.get("district"),
            "leading_industries": p.get("leading_industries") or [], "approval_date": p.get("approval_date"),
            "source": p.get("source"), "as_of": p.get("as_of"), "synthetic": list(p.get("synthetic") or []),
            "boundary_approximate": bool(p.get("boundary_approximate")),
            "indicators": parkinfo.indicators(p), "summary": parkinfo.summary(store, pid),
            "evaluation": mine.get(pid),
            "fit": fit, "best_plot": {k: v for k, v in best.items() if k != "geometry"} if best else None,
            "color": COLORS[n % len(COLORS)],
        })
    dims = list(DIMENSIONS)
    return {"ids": ids, "parks": parks, "rows": indicator_rows(parks, lang), "dimensions": dims,
            "dimension_labels": {d: dimension_label(d, lang) for d in dims},
            "quarter": ev.quarter if ev else None, "n_evaluated": len(ev.parks) if ev else 0,
            "evaluation_synthetic": bool(ev and ev.provenance.get("synthetic")),
            "evaluation_sources": (ev.provenance.get("sources") or []) if ev else [],
            "requirement": normalised_request(req) if req is not None else None,
            "requirement_text": requirement_text(req, lang) if req is not None else [],
            "data_version": store.data_version}


def park_comparison(store, ids: list[str], req: Requirement | None = None) -> dict:
    """The API's comparison (``/api/v1/compare``): {"parks": [{"record", "indicators", "plots_summary"[, "fit"]}],
    "indicators": [{"key", "label", "unit"}][, "requirement"]}. ``record`` is the park record (geometry
    included: the API serialises it). Raises UnknownParks naming unknown ids."""
    found = _park_records(store, ids)
    best = best_plots(store, req, ids) if req is not None else {}
    parks = []
    for i in ids:
        entry = {"record": found[i], "indicators": parkinfo.indicators(found[i]),
                 "plots_summary": parkinfo.summary(store, i)}
        if req is not None:
            entry["fit"] = best[i]
        parks.append(entry)
    out = {"parks": parks, "indicators": [{"key": k, "label": vocab.label("park_indicator", k),
                                           "unit": vocab.unit_of("park_indicator", k)}
                                          for k, _l, _u in parkinfo.INDICATORS]}
    if req is not None:
        out["requirement"] = normalised_request(req)
    return out


# -- the radar chart: the same geometry as inline SVG on the page and as a drawing in the PDF ---------------
def radar_unit(values: list[float]) -> list[tuple[float, float]]:
    """Scores 0-100 on n axes → points on the unit disc (y up), first axis at the top, clockwise."""
    n = len(values)
    pts = []
    for k, v in enumerate(values):
        a = math.pi / 2 - 2 * math.pi * k / n
        r = max(0.0, min(100.0, float(v or 0))) / 100
        pts.append((r * math.cos(a), r * math.sin(a)))
    return pts


def radar_series(data: dict) -> list[dict]:
    return [{"name": p["name"], "color": p["color"], "scores": p["evaluation"]["scores"]}
            for p in data["parks"] if p["evaluation"]]
