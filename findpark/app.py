"""The composition root: ``create_app(test_config=None)`` builds the Flask app (flaskr style).

It opens the store named by the config (``DB``; else ``FINDPARK_DB``; else ``instance/findpark.gpkg``), puts it
where ``findpark.http.get_store`` finds it, wires the shared HTTP pieces (one read snapshot per request,
session secret, problem details) and registers the two front rooms, ``api`` (JSON, OGC API Features) and
``web`` (pages, exports). They never import each other. The factory does not write the database: a command
does (``findpark load``, ``findpark serve``, which builds a missing store from the bundled data first).
"""
from __future__ import annotations

import os

from flask import Flask, request
from werkzeug.exceptions import HTTPException

from . import paths
from .http import auth, context, csrf, limits, security
from .http.problems import handle_http_error, is_api_path, problem_response
from .http.wsgi import RawQueryFix
from .store import StoreError, default_url, open_store
from .web.basemap import settings_from_env, tile_config


def _flag(name: str, default: str = "1") -> bool:
    return os.environ.get(name, default).strip().lower() not in ("0", "false", "no", "off")


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask("findpark", static_folder=str(paths.STATIC_DIR), template_folder=str(paths.TEMPLATES_DIR),
                instance_path=os.environ.get("FINDPARK_INSTANCE") or os.path.abspath("instance"))
    app.config.from_mapping(
        DB=os.environ.get("FINDPARK_DB") or default_url(),
        **settings_from_env(os.environ),  # FINDPARK_TILES* (basemap.py)
        MAX_CONTENT_LENGTH=int(os.environ.get("FINDPARK_MAX_CONTENT_LENGTH", 256 * 1024)),
        MAX_UPLOAD=int(os.environ.get("FINDPARK_MAX_UPLOAD", 64 * 1024 * 1024)),  # data uploads (imports) only
        GZIP=_flag("FINDPARK_GZIP"),
        CORS_ORIGINS=[o.strip() for o in os.environ.get("FINDPARK_CORS_ORIGINS", "").split(",") if o.strip()],
        SSO_HEADER=os.environ.get("FINDPARK_SSO_HEADER") or None,
        SSO_PROXIES=tuple(a.strip() for a in os.environ.get("FINDPARK_SSO_PROXIES", "127.0.0.1,::1").split(",")
                          if a.strip()),
    )
    if test_config:
        app.config.update(test_config)
    app.json.ensure_ascii = False
    app.config["BASEMAP"] = tile_config(app.config)  # raises TileConfigError naming the setting

    store = open_store(app.config["DB"])
    if not store.exists():
        store.close()
        raise StoreError(f"no findpark store at {app.config['DB']}: create it with `findpark load --db …` "
                         "(or `findpark serve`, which loads the bundled data into a missing store)")
    app.extensions[context.EXTENSION] = store

    from . import api, web
    from .web import compress, i18n

    app.wsgi_app = RawQueryFix(app.wsgi_app)  # raw UTF-8 in a query string reads as UTF-8
    context.init_app(app)
    security.init_app(app)  # CSP + headers, trusted hosts, proxy, session cookie flags
    csrf.init_app(app)
    auth.init_app(app)  # who is asking: session (Flask-Login), SSO header, API bearer tokens
    limits.init_app(app)  # Flask-Limiter: inquiry posts, exports
    web.init_app(app)
    api.init_app(app)
    _error_handlers(app)
    i18n.init_app(app)
    compress.init_app(app)  # last registered, so it runs first among after_request: bodies are final by then
    # the nav shows only pages that exist
    app.config["PAGES"] = {rule.endpoint for rule in app.url_map.iter_rules()}
    return app


def _error_handlers(app: Flask) -> None:
    from .web.errors import error_page  # branded pages: site header, the page's language, no traceback

    @app.errorhandler(HTTPException)
    def _http_error(exc):
        if is_api_path(request.path):
            return handle_http_error(exc)
        if exc.code is None or exc.code < 400:
            return exc
        return error_page(exc.code, exc)

    @app.errorhandler(Exception)
    def _unexpected(exc):  # a bug, not client input: still answer in the API's format, and log it
        if isinstance(exc, HTTPException):
            return _http_error(exc)
        app.logger.exception("unhandled error on %s", request.path)
        if is_api_path(request.path):
            return problem_response(500, "Internal Server Error", "unexpected error; it has been logged")
        return error_page(500)
