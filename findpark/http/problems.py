"""RFC 9457 problem details for every error under /api and /ogc: never an HTML page, never a 500 for
anything a client can send."""
from __future__ import annotations

from flask import Response, json, request
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException

PROBLEM = "application/problem+json"


class Problem(Exception):
    def __init__(self, status: int, title: str, detail: str = "", invalid: list | None = None, headers=None):
        super().__init__(detail or title)
        self.status, self.title, self.detail, self.invalid, self.headers = status, title, detail, invalid, headers


def problem_response(status: int, title: str, detail: str = "", invalid: list | None = None, headers=None) -> Response:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail or title, "instance": request.path}
    if invalid:
        body["invalid-params"] = invalid
    resp = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM)
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp


def invalid_params(exc: ValidationError) -> list[dict]:
    from ..siting import format_errors

    return [{"name": e["field"], "reason": e["message"]} for e in format_errors(exc)]


def bad_request(exc: ValidationError, where: str = "query") -> Problem:
    status = 400 if where == "query" else 422
    return Problem(status, "Invalid request parameters" if where == "query" else "Invalid request body",
                   f"{len(exc.errors())} invalid field(s) in the {where}", invalid_params(exc))


def register(bp) -> None:
    @bp.errorhandler(Problem)
    def _problem(exc: Problem):
        return problem_response(exc.status, exc.title, exc.detail, exc.invalid, exc.headers)

    @bp.errorhandler(ValidationError)
    def _validation(exc: ValidationError):
        p = bad_request(exc, "body")
        return problem_response(p.status, p.title, p.detail, p.invalid)


def handle_http_error(exc: HTTPException):
    """App-wide: HTTP errors on API paths (404 of unknown routes, 405, 413 …) as problem details."""
    headers = {}
    if exc.code == 405 and getattr(exc, "valid_methods", None):
        headers["Allow"] = ", ".join(exc.valid_methods)
    return problem_response(exc.code or 500, exc.name, exc.description or exc.name, headers=headers)


def is_api_path(path: str) -> bool:
    return path == "/ogc" or path.startswith(("/api/", "/ogc/"))
