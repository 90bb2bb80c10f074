"""Exports for promotion staff: a recommendation or a comparison as PDF and as XLSX (made by
``findpark.reports``; this module reads the request and sends the file).

    POST /export/recommendation.pdf | .xlsx   body: the requirement of POST /api/v1/recommend (JSON), or a
                                              form field ``requirement`` holding that JSON
    GET  /export/compare.pdf | .xlsx?ids=A,B  optional requirement as on /compare (``req`` JSON or fields)

Errors are the API's problem details: 415/400/422 for a bad requirement, 400 for bad ids, 404 for unknown
parks. Downloads carry ``Content-Disposition: attachment`` with an ASCII name and the Chinese one (RFC 5987).
"""
from __future__ import annotations

import re
from urllib.parse import quote

from flask import Blueprint, Response, request
from pydantic import ValidationError

from ..http import get_store
from ..http.limits import exports_limit, limiter
from ..http.parsing import body, load_object
from ..http.problems import Problem, bad_request, register
from ..reports import comparison as comparison_report, recommendation as recommendation_report
from ..services.comparison import UnknownParks, compare_data, parse_ids, requirement_from_args
from ..siting import Requirement, recommend

bp = Blueprint("exports", __name__, url_prefix="/export")
register(bp)  # Problem and ValidationError → application/problem+json

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BAD_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def attachment(body_: bytes, mimetype: str, name: str, fallback: str) -> Response:
    """A download: ``filename`` is plain ASCII for old clients, ``filename*`` the UTF-8 name (RFC 5987/6266)."""
    name = BAD_NAME.sub("_", name).strip() or fallback
    fallback = re.sub(r"[^A-Za-z0-9._-]+", "_", fallback)
    resp = Response(body_, mimetype=mimetype)
    resp.headers["Content-Disposition"] = (f'attachment; filename="{fallback}"; '
                                           f"filename*=UTF-8''{quote(name, safe='')}")
    resp.headers["Cache-Control"] = "no-store"
    return resp


def requirement_body() -> Requirement:
    """The requirement as POST /api/v1/recommend reads it (415/400/422), or from a form field ``requirement``."""
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        raw = request.form.get("requirement")
        if raw is None:
            raise Problem(422, "Invalid request body", "give the requirement as JSON in the form field 'requirement'",
                          [{"name": "requirement", "reason": "missing"}])
        data = load_object(raw, "requirement")
        try:
            return Requirement.model_validate(data)
        except ValidationError as exc:
            raise bad_request(exc, "body") from None
    return body(Requirement)


def compare_input():
    """(ids, requirement or None) from the query string of a compare export, or a problem."""
    ids, err = parse_ids(request.args)
    if err:
        raise Problem(400, "Invalid request parameters", err, [{"name": "ids", "reason": err}])
    info = requirement_from_args(request.args)
    if info["errors"]:
        raise Problem(422, "Invalid requirement", f"{len(info['errors'])} invalid field(s) in the requirement",
                      [{"name": k, "reason": v} for k, v in info["errors"].items()])
    return ids, info["req"]


def _compare() -> dict:
    try:
        return compare_data(get_store(), *compare_input())
    except UnknownParks as exc:
        raise Problem(404, "Not Found", str(exc)) from None


def _recommendation():
    req = requirement_body()
    store = get_store()
    resp = recommend(store, req)
    ids = list(dict.fromkeys([r["park_id"] for r in resp["parks"]] + [r["park_id"] for r in resp["plots"]]))
    return req, resp, recommendation_report.park_provenance(store, ids)


@bp.post("/recommendation.pdf")
@limiter.limit(exports_limit)
def recommendation_pdf_():
    req, resp, prov = _recommendation()
    return attachment(recommendation_report.pdf(resp, req, prov), PDF, *recommendation_report.file_names(req, "pdf"))


@bp.post("/recommendation.xlsx")
@limiter.limit(exports_limit)
def recommendation_xlsx_():
    req, resp, prov = _recommendation()
    return attachment(recommendation_report.workbook(resp, req, prov), XLSX,
                      *recommendation_report.file_names(req, "xlsx"))


@bp.get("/compare.pdf")
@limiter.limit(exports_limit)
def compare_pdf():
    data = _compare()
    return attachment(comparison_report.pdf(data), PDF, *comparison_report.file_names(data, "pdf"))


@bp.get("/compare.xlsx")
@limiter.limit(exports_limit)
def compare_xlsx():
    data = _compare()
    return attachment(comparison_report.workbook(data), XLSX, *comparison_report.file_names(data, "xlsx"))
