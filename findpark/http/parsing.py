"""Reading requests: query strings and JSON bodies validated by pydantic models, every problem → problem
details naming the parameter; and writing JSON responses (UTF-8, never ASCII-escaped)."""
from __future__ import annotations

from flask import Response, json, request
from pydantic import ValidationError
from werkzeug.exceptions import BadRequest

from ..numbers import json_ready
from ..store.schema import ID_CHARS, ID_PATTERN  # noqa: F401  (re-exported for the front rooms)
from .problems import Problem, bad_request

GEOJSON = "application/geo+json"
MAX_PAGES = 100_000


class BadParameter(BadRequest):
    """A query parameter that is not a whole number in its range: 400 (problem details under /api and /ogc,
    the branded error page naming the parameter elsewhere: ``findpark/web/errors.py``)."""

    def __init__(self, name: str, value: str, lo: int, hi: int):
        self.param, self.value, self.lo, self.hi = name, value, lo, hi
        super().__init__(f"query parameter {name!r} must be a whole number from {lo} to {hi}")


def int_param(args, name: str, default: int, lo: int, hi: int) -> int:
    """``args[name]`` as an int in [lo, hi] (``default`` when absent or empty); anything else (``abc``, ``1.5``,
    ``99999999999999999999``, given twice) → :class:`BadParameter`."""
    values = args.getlist(name) if hasattr(args, "getlist") else [args.get(name)]
    values = [v for v in values if v is not None]
    if not values or (len(values) == 1 and not str(values[0]).strip()):
        return default
    raw = str(values[0]).strip()
    if len(values) > 1 or not raw.isascii() or not raw.isdigit() or len(raw) > 12 or not lo <= int(raw) <= hi:
        raise BadParameter(name, raw[:40], lo, hi)
    return int(raw)


def page_number(args, name: str = "page", max_pages: int = MAX_PAGES) -> int:
    """The 1-based page number of a paged list page (``?page=``): 1 when absent, else 1..max_pages or 400."""
    return int_param(args, name, 1, 1, max_pages)


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
    # every float rounded at serialisation to its stated precision (findpark/numbers.py; README: JSON API)
    resp = Response(json.dumps(json_ready(payload), ensure_ascii=False), status=status, mimetype=mimetype)
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp
