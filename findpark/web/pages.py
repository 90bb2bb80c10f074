"""Pages for promotion staff. Chinese first."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request, url_for

from .. import vocab
from ..services import parkinfo
from ..http import get_store
from ..services import provenance, search_index
from ..services.parks import ParkFilter, search
from .i18n import t, vl
from .maps import PARK_COLOURS, STATUS_COLOURS, park_map, parks_map, render_parts

bp = Blueprint("pages", __name__)


# Numeric filters of the home page: query arg → (label, park value, comparison). Semantics as in the API
# (GET /api/v1/parks?min_available_mu=…): available land is the summed area of the park's plots with status
# "available"; a bound is inclusive.
NUMERIC_FILTERS = {
    "land_min": "可供地下限(亩)",
    "land_max": "可供地上限(亩)",
    "max_price": "地价上限(万元/亩)",
    "min_vacant": "空置厂房下限(m²)",
}


def parse_filters(args) -> tuple[dict, list[str]]:
    """The home page's filters from the query string, and the Chinese messages for the values refused."""
    f = {"q": args.get("q", "").strip() or None,  # a park's name, short form, pinyin or initials (hzjk)
         "industry": args.get("industry", "").strip() or None,
         "district": args.get("district", "").strip() or None,
         "level": args.get("level", "").strip() or None}
    errors = []
    if f["level"] and f["level"] not in vocab.PARK_LEVELS:
        errors.append(t("级别「{level}」未知, 已忽略", level=f["level"]))
        f["level"] = None
    for key, label in NUMERIC_FILTERS.items():
        raw = args.get(key, "").strip()
        f[key] = None
        if not raw:
            continue
        try:
            value = float(raw)
        except ValueError:
            value = None
        if value is None or value != value or value < 0 or value == float("inf"):
            errors.append(t("{label} 应为非负数, 「{raw}」已忽略", label=t(label), raw=raw))
            continue
        f[key] = value
    if f["land_min"] is not None and f["land_max"] is not None and f["land_min"] > f["land_max"]:
        errors.append(t("可供地下限大于上限, 上限已忽略"))
        f["land_max"] = None
    return f, errors


def park_filter(f: dict) -> ParkFilter:
    """The page's filters as the one park search (the API's ``GET /api/v1/parks`` uses the same)."""
    return ParkFilter(q=f["q"], industry=f["industry"], district=f["district"], level=f["level"],
                      min_available_mu=f["land_min"], max_available_mu=f["land_max"], max_price=f["max_price"],
                      min_vacant_m2=f["min_vacant"])


def _choices(parks: list[dict]) -> dict:
    """Suggestions for the filter inputs (datalists): the commonest 主导产业 labels and the cities."""
    from collections import Counter

    labels = Counter(lab for p in parks for lab in p.get("leading_industries") or [])
    return {"industries": [lab for lab, _ in labels.most_common(40)],
            "cities": sorted({p["city"] for p in parks if p.get("city")}, key=search_index.sort_key),
            "names": sorted((p["name"] for p in parks), key=search_index.sort_key)}


def _fmt(v):
    return "" if v is None else f"{v:g}"


@bp.get("/")
def index():
    """可查: the parks on a map and in a list, filtered on the server; static/js/home.js keeps the two in sync."""
    store = get_store()
    f, errors = parse_filters(request.args)
    all_parks = parkinfo.parks(store)
    parks, summaries = search(store, park_filter(f))
    available = {pid: s["available_mu"] for pid, s in summaries.items()}
    m = parks_map(parks, lambda fn: url_for("static", filename=fn), current_app.config.get("BASEMAP"))
    active = any(v is not None for v in f.values())
    return render_template("index.html", parks=parks, available=available, map=render_parts(m),
                           level_zh=vl("park_level"), industry=f["industry"] or "", district=f["district"] or "",
                           filters=f, form={k: _fmt(f[k]) for k in NUMERIC_FILTERS}, errors=errors, active=active,
                           choices=_choices(all_parks), n_total=len(all_parks), evaluation=_evaluation(store),
                           park_colours=PARK_COLOURS, status_colours=STATUS_COLOURS, js_vocab=("plot_status", "land_use"))


def _evaluation(store):
    from ..evaluation import cached_evaluate

    try:
        return cached_evaluate(store)
    except LookupError:
        return None


@bp.get("/parks/<pid>")
def park(pid):
    """可看: one park, its plots by status, indicators with provenance, and its 五力 evaluation."""
    from ..evaluation import park_history
    from ..evaluation.schema import DIMENSIONS

    store = get_store()
    p = store.get("parks", pid)
    if p is None:
        abort(404)
    plots = store.read("plots", where={"park_id": pid})
    ev = _evaluation(store)
    mine = ev.by_park().get(pid) if ev else None
    history = park_history(store, pid) if ev else []
    m = park_map(p, plots, lambda f: url_for("static", filename=f), current_app.config.get("BASEMAP"))
    return render_template("park.html", park=p, plots=plots, map=render_parts(m), level_zh=vl("park_level"),
                           indicators=parkinfo.indicators(p), summary=parkinfo.summary(store, pid),
                           evaluation=ev, mine=mine, history=history, dimensions=list(DIMENSIONS),
                           spark=_sparkline([h["index"] for h in history]), status_zh=vl("plot_status"),
                           status_colours=STATUS_COLOURS,
                           eia_zh=vl("eia"), can_edit=_can_edit(p), js_vocab=("plot_status", "land_use"),
                           provenance=provenance.short(p), location_flag=provenance.location_flag(store, pid))


def _can_edit(p) -> bool:
    """Staff whose scope covers the park get the quick-edit form (status, price, available date per plot)."""
    from ..http.auth import page_user

    user = page_user()
    return bool(user and user.can_see_park(p["id"], p.get("adcode")))


def _sparkline(values, width=240, height=48) -> str:
    """Inline SVG polyline of the index trend (no JS, no chart library)."""
    if len(values) < 2:
        return ""
    lo, hi = min(values), max(values)
    span = (hi - lo) or 1.0
    pts = " ".join(f"{4 + i * (width - 8) / (len(values) - 1):.1f},{height - 4 - (v - lo) / span * (height - 8):.1f}"
                   for i, v in enumerate(values))
    return (f'<svg class="spark" width="{width}" height="{height}" role="img" aria-label="{t("五力指数走势")}">'
            f'<polyline fill="none" stroke="#1f4e79" stroke-width="2" points="{pts}"/></svg>')
