"""Versioned JSON API (/api/v1), OpenAPI document, OGC API Features (/ogc), problem-details errors, CORS."""
from __future__ import annotations

from flask import Flask, request
from werkzeug.exceptions import HTTPException

from .problems import handle_http_error, is_api_path, problem_response


def init_app(app: Flask) -> None:
    from . import ogc, rest

    app.register_blueprint(rest.bp)
    app.register_blueprint(ogc.bp)

    @app.errorhandler(HTTPException)
    def _http_error(exc):
        if is_api_path(request.path):
            return handle_http_error(exc)
        return exc

    @app.errorhandler(Exception)
    def _unexpected(exc):  # a bug, not client input: still answer in the API's format, and log it
        if isinstance(exc, HTTPException):
            return _http_error(exc)
        app.logger.exception("unhandled error on %s", request.path)
        if is_api_path(request.path):
            return problem_response(500, "Internal Server Error", "unexpected error; it has been logged")
        return "Internal Server Error", 500

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
