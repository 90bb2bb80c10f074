"""Versioned JSON API (/api/v1), OpenAPI document, OGC API Features (/ogc), CORS for other systems.

Blueprints only; the app is built by ``findpark.app.create_app``. This room never imports ``findpark.web``:
problem details, parsing and the store of the request come from ``findpark.http``, the domain operations
from ``findpark.services`` and the rooms below."""
from __future__ import annotations

from flask import Flask, request

from ..http.csrf import protect
from ..http.problems import is_api_path


def init_app(app: Flask) -> None:
    from . import data, ogc, rest, tiles

    app.register_blueprint(rest.bp)
    app.register_blueprint(data.bp)
    protect.exempt(data.bp)
    app.register_blueprint(ogc.bp)
    app.register_blueprint(tiles.bp)
    protect.exempt(rest.bp)  # bearer tokens, not cookies: no cross-site request can ride a session here
    protect.exempt(ogc.bp)

    @app.after_request
    def _cors(resp):
        origins = app.config.get("CORS_ORIGINS")
        origin = request.headers.get("Origin")
        if origins and origin and is_api_path(request.path) and ("*" in origins or origin in origins):
            resp.headers["Access-Control-Allow-Origin"] = "*" if "*" in origins else origin
            resp.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
            resp.headers["Access-Control-Allow-Headers"] = "Content-Type, X-Inquiry-Token"
            resp.headers["Access-Control-Expose-Headers"] = "Location"
            if "*" not in origins:
                resp.headers.add("Vary", "Origin")
        return resp
