"""可比: 2-4 parks side by side for promotion staff (indicators, available land, 主导产业, 五力 with a radar
chart drawn server-side as inline SVG), and, with a project requirement, each park's best plot and why.

The parsing of the park ids and of the requirement, and the comparison data, live in
``findpark.services.comparison``, shared with the exports and the API, so the page and its PDF/XLSX always
show the same thing. This module is the Flask side: the route, the form and the SVG."""
from __future__ import annotations

import json
from urllib.parse import urlencode

from flask import Blueprint, render_template, request, url_for
from markupsafe import Markup, escape as _escape

from .. import taxonomy, vocab
from ..http import get_store
from ..services.comparison import (MAX_PARKS, MIN_PARKS, REQ_FIELD_NAMES, REQ_FIELDS, UnknownParks, compare_data,
                                   field_label, fmt_num, is_park_id, parse_ids, radar_series, radar_unit,
                                   reason_label, requirement_from_args)
from ..services import provenance, search_index
from .i18n import get_lang, t


def _pick_groups(parks: list[dict]) -> list[tuple[str, list[tuple[dict, str]]]]:
    """The picker: parks grouped by city, cities and names in pinyin order (not code point), each with its
    search keys (name, short form, pinyin, initials: ``services.search_index``) for the filter box."""
    groups: dict[str, list] = {}
    for p in sorted(parks, key=lambda p: (search_index.sort_key(p.get("city") or ""), search_index.sort_key(p["name"]))):
        groups.setdefault(p.get("city") or "—", []).append((p, search_index.search_text(p)))
    return list(groups.items())

bp = Blueprint("compare_page", __name__)


def export_query(ids: list[str], reqinfo: dict | None) -> str:
    """The query string of the export links: the ids and, when valid, the requirement as ``req``."""
    q = {"ids": ",".join(ids)}
    if reqinfo and reqinfo["req"] is not None:
        q["req"] = json.dumps(reqinfo["data"], ensure_ascii=False, separators=(",", ":"))
    return urlencode(q)


# -- the radar chart (inline SVG here, reportlab drawing in the PDF: the same geometry) ------------------
def escape(text) -> str:
    """HTML-escaped plain str (a Markup would escape the str it is concatenated to)."""
    return str(_escape(text))


def radar_svg(dims: list[str], series: list[dict], size: int = 380, labels: dict | None = None) -> Markup:
    """series: [{"name", "color", "scores": {dim: value}}]; ``labels`` the dimensions' labels (default the
    dimension names through ``t``). Inline SVG (no xmlns needed inside HTML)."""
    if not series:
        return Markup("")
    labels = labels or {d: t(d) for d in dims}
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
                     f'{escape(labels[dims[k]])}</text>')
    for s in series:
        pts = " ".join(xy(u) for u in radar_unit([s["scores"].get(d, 0) for d in dims]))
        parts.append(f'<polygon points="{pts}" fill="{s["color"]}" fill-opacity="0.12" stroke="{s["color"]}" '
                     f'stroke-width="2"><title>{escape(s["name"])}</title></polygon>')
        for u in radar_unit([s["scores"].get(d, 0) for d in dims]):
            parts.append(f'<circle cx="{cx + r * u[0]:.1f}" cy="{cy - r * u[1]:.1f}" r="2.5" fill="{s["color"]}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


# -- the page --------------------------------------------------------------------------------------------
@bp.get("/compare")
def compare():
    """可比: pick 2-4 parks; with ?ids=A,B the comparison, with a requirement each park's best plot."""
    store = get_store()
    lang = get_lang()
    all_parks = park_choices(store)
    errors: dict[str, str] = {}
    # the form was sent (even with no park ticked), or a link named parks or a requirement
    submitted = any(k in request.args for k in ("ids", "req", *REQ_FIELD_NAMES))
    ids, err = parse_ids(request.args, t)
    # a link from a park page (?ids=ONE and nothing else; ?lang= aside) preselects that park: not an error yet
    preselect = len(ids) == 1 and set(request.args) - {"lang"} == {"ids"} and all(is_park_id(i) for i in ids)
    if preselect:
        submitted = False
    if err and submitted:
        errors["ids"] = err
    reqinfo = requirement_from_args(request.args, t, lang)
    errors.update(reqinfo["errors"])
    data = None
    if submitted and not errors:
        try:
            data = compare_data(store, ids, reqinfo["req"], lang)
        except UnknownParks as exc:
            errors["ids"] = t("未知园区编号: {ids}", ids=t("、").join(exc.missing))
    status = 400 if errors else 200
    chosen = set(ids)
    picks = _pick_groups(all_parks)
    return render_template(
        "compare.html", data=data, errors=errors, ids=ids, chosen=chosen, picks=picks, reqinfo=reqinfo,
        req_fields=[(f, field_label(f, lang), kind, t(ph) if ph else ph) for f, kind, ph in REQ_FIELDS],
        industry_labels=sorted(taxonomy.labels()), level_zh=vocab.labels("park_level", lang),
        radar=radar_svg(data["dimensions"], radar_series(data), labels=data["dimension_labels"]) if data else "",
        criteria_zh=vocab.labels("criterion", lang), reason_zh=lambda code: reason_label(code, lang),
        status_zh=vocab.labels("plot_status", lang), eia_label=vocab.labels("eia", lang),
        fmt=fmt_num, export_q=export_query(ids, reqinfo) if data else "",
        raw_req=request.args.get("req", ""), max_parks=MAX_PARKS, min_parks=MIN_PARKS, prov_short=provenance.short,
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
