"""Reading requests: query strings and JSON bodies validated by pydantic models, every problem → problem
details naming the parameter; and writing JSON responses (UTF-8, never ASCII-escaped)."""
from __future__ import annotations

from flask import Response, json, request
from pydantic import ValidationError

from ..store.schema import ID_CHARS, ID_PATTERN  # noqa: F401  (re-exported for the front rooms)
from .problems import Problem, bad_request

GEOJSON = "application/geo+json"


def query(model):
    """The query string validated by ``model``; every problem (a bad value, a parameter given twice) → 400."""
    args = request.args
    invalid = [{"name": k, "reason": "given more than once"} for k in model.model_fields if len(args.getlist(k)) > 1]
    try:
        q = model.model_validate({k: args.get(k) for k in args})
    except ValidationError as exc:
        p = bad_request(exc, "query")
        p.invalid = invalid + p.invalid
        p.detail = f"{len(p.invalid)} invalid parameter(s) in the query"
        raise p from None
    if invalid:
        raise Problem(400, "Invalid request parameters", f"{len(invalid)} invalid parameter(s) in the query", invalid)
    return q


def _no_constant(name):
    raise ValueError(f"{name} is not JSON")


def load_object(raw, name: str = "body") -> dict:
    """JSON text that must be an object: 400 if it does not parse (NaN/Infinity are not JSON; too deep
    nesting), 422 if it is not an object. ``name`` is the field reported in invalid-params."""
    try:
        data = json.loads(raw, parse_constant=_no_constant)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise Problem(400, "Malformed JSON", f"the {name} is not valid JSON: {reason}") from None
    if not isinstance(data, dict):
        raise Problem(422, "Invalid request body", f"the {name} must be a JSON object",
                      [{"name": name, "reason": "must be a JSON object"}])
    return data


def body(model):
    """The JSON body validated by ``model``: 415 if it is not JSON, 400 if it does not parse (NaN and Infinity
    are not JSON), 422 listing every invalid field. Over MAX_CONTENT_LENGTH: 413 (raised by werkzeug)."""
    if not request.is_json:
        raise Problem(415, "Unsupported Media Type", "send the body as application/json")
    data = load_object(request.get_data(cache=True), "body")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise bad_request(exc, "body") from None


def respond(payload, status: int = 200, mimetype: str = "application/json", headers=None) -> Response:
    resp = Response(json.dumps(payload, ensure_ascii=False), status=status, mimetype=mimetype)
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp
