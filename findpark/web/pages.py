"""Pages for promotion staff. Chinese first."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request, url_for

from .. import parkinfo
from ..search import filter_parks
from . import get_store
from .maps import park_map, parks_map, render_parts

bp = Blueprint("pages", __name__)

LEVEL_ZH = {"national": "国家级", "provincial": "省级", "municipal": "市级", "county": "县级", "small_micro": "小微园"}


@bp.get("/")
def index():
    store = get_store()
    industry = request.args.get("industry", "").strip() or None
    district = request.args.get("district", "").strip() or None
    parks = filter_parks(store.read("parks"), industry=industry, district=district)
    summaries = parkinfo.plot_summaries(store)
    available = {pid: s["available_mu"] for pid, s in summaries.items()}
    m = parks_map(parks, lambda f: url_for("static", filename=f), current_app.config.get("TILES"))
    return render_template("index.html", parks=parks, available=available, map=render_parts(m),
                           level_zh=LEVEL_ZH, industry=industry or "", district=district or "",
                           evaluation=_evaluation(store))


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
    m = park_map(p, plots, lambda f: url_for("static", filename=f), current_app.config.get("TILES"))
    return render_template("park.html", park=p, plots=plots, map=render_parts(m), level_zh=LEVEL_ZH,
                           indicators=parkinfo.indicators(p), summary=parkinfo.summary(store, pid),
                           evaluation=ev, mine=mine, history=history, dimensions=list(DIMENSIONS),
                           spark=_sparkline([h["index"] for h in history]))


def _sparkline(values, width=240, height=48) -> str:
    """Inline SVG polyline of the index trend (no JS, no chart library)."""
    if len(values) < 2:
        return ""
    lo, hi = min(values), max(values)
    span = (hi - lo) or 1.0
    pts = " ".join(f"{4 + i * (width - 8) / (len(values) - 1):.1f},{height - 4 - (v - lo) / span * (height - 8):.1f}"
                   for i, v in enumerate(values))
    return (f'<svg class="spark" width="{width}" height="{height}" role="img" aria-label="五力指数走势">'
            f'<polyline fill="none" stroke="#1f4e79" stroke-width="2" points="{pts}"/></svg>')
