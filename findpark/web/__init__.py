"""Flask app factory (flaskr style): ``create_app(test_config=None)``."""
from __future__ import annotations

import os

from flask import Flask

from ..paths import REPO
from ..store import default_url
from .basemap import settings_from_env, tile_config


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, static_folder=str(REPO / "static"), template_folder=str(REPO / "templates"),
                instance_path=str(REPO / "instance"))
    app.config.from_mapping(
        DB=os.environ.get("FINDPARK_DB") or default_url(),
        **settings_from_env(os.environ),  # FINDPARK_TILES* (basemap.py)
        MAX_CONTENT_LENGTH=int(os.environ.get("FINDPARK_MAX_CONTENT_LENGTH", 256 * 1024)),
        GZIP=os.environ.get("FINDPARK_GZIP", "1").strip().lower() not in ("0", "false", "no", "off"),
        CORS_ORIGINS=[o.strip() for o in os.environ.get("FINDPARK_CORS_ORIGINS", "").split(",") if o.strip()],
    )
    if test_config:
        app.config.update(test_config)
    app.json.ensure_ascii = False
    app.config["BASEMAP"] = tile_config(app.config)  # raises TileConfigError naming the setting

    from ..bootstrap import ensure_store

    store = ensure_store(app.config["DB"])
    app.extensions["findpark_store"] = store

    from . import compare_page, compress, exports, i18n, inquiry_page, pages, recommend_page
    from .. import api

    for module in (pages, recommend_page, compare_page, inquiry_page, exports):
        app.register_blueprint(module.bp)
    api.init_app(app)
    i18n.init_app(app)
    compress.init_app(app)  # last registered, so it runs first among after_request: bodies are final by then
    # the nav shows only pages that exist
    app.config["PAGES"] = {rule.endpoint for rule in app.url_map.iter_rules()}
    return app


def get_store():
    from flask import current_app

    return current_app.extensions["findpark_store"]
