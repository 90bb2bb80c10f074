"""Pages for promotion staff. Chinese first."""
from __future__ import annotations

from flask import Blueprint, render_template, request, url_for

from ..search import filter_parks
from . import get_store
from .maps import parks_map, render_parts

bp = Blueprint("pages", __name__)

LEVEL_ZH = {"national": "国家级", "provincial": "省级", "municipal": "市级", "county": "县级", "small_micro": "小微园"}


@bp.get("/")
def index():
    store = get_store()
    industry = request.args.get("industry", "").strip() or None
    district = request.args.get("district", "").strip() or None
    parks = filter_parks(store.read("parks"), industry=industry, district=district)
    available = {}
    for plot in store.read("plots", where={"status": "available"}):
        available[plot["park_id"]] = available.get(plot["park_id"], 0) + plot["area_mu"]
    from flask import current_app

    m = parks_map(parks, lambda f: url_for("static", filename=f), current_app.config.get("TILES"))
    return render_template("index.html", parks=parks, available=available, map=render_parts(m),
                           level_zh=LEVEL_ZH, industry=industry or "", district=district or "")
