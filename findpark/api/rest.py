"""/api/v1: JSON for other systems (产业大脑, 招商 CRM). Every query and body is validated against the
models in ``models.py``, the same ones the OpenAPI document is generated from."""
from __future__ import annotations

import datetime as _dt
import hashlib
import hmac
import secrets

from flask import Blueprint, Response, current_app, json, request, url_for
from pydantic import ValidationError

from .. import __version__, parkinfo
from ..search import filter_parks
from ..siting import Requirement, recommend
from ..siting.compare import best_plots
from ..siting.profiles import list_profiles
from ..siting.recommend import normalised_request
from ..store import Range
from ..web import get_store
from . import models as m
from .problems import Problem, bad_request, register
from .serialize import collection, record_json

bp = Blueprint("api", __name__, url_prefix="/api/v1")
register(bp)
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


def _park_or_404(pid: str) -> dict:
    park = get_store().get("parks", pid)
    if park is None:
        raise Problem(404, "Not Found", f"no park with id {pid!r}")
    return park


# -- parks ---------------------------------------------------------------------------------------
@bp.get("/parks")
def parks():
    q = query(m.ParksQuery)
    store = get_store()
    recs = parkinfo.parks(store)
    bbox = m.parse_bbox(q.bbox)
    if bbox is not None:  # the R*Tree answers which parks; the cached records supply them
        inside = {p["id"] for p in store.read("parks", bbox=bbox)}
        recs = [p for p in recs if p["id"] in inside]
    recs = filter_parks(recs, industry=q.industry, district=q.district, level=q.level, q=q.q)
    if q.adcode:
        recs = [p for p in recs if (p["adcode"] or "").startswith(q.adcode)]
    summaries = parkinfo.plot_summaries(store)

    def avail(p):
        s = summaries.get(p["id"], parkinfo.EMPTY)
        return {"available_mu": s["available_mu"], "n_available_plots": s["n_available"]}

    if q.min_available_mu is not None:
        recs = [p for p in recs if avail(p)["available_mu"] >= q.min_available_mu]
    page = recs[q.offset:q.offset + q.limit]
    if q.format == "geojson":
        return respond(collection(page, total=len(recs), extra_props=avail), mimetype=GEOJSON)
    return respond({"parks": [record_json(p, **avail(p)) for p in page], "total": len(recs),
                    "limit": q.limit, "offset": q.offset})


@bp.get("/parks/<pid>")
def park(pid):
    q = query(m.FormatQuery)
    store = get_store()
    p = _park_or_404(pid)
    extra = {"indicators": parkinfo.indicators(p), "plots_summary": parkinfo.summary(store, pid)}
    if q.format == "geojson":
        from .serialize import record_feature

        return respond(record_feature(p, **extra), mimetype=GEOJSON)
    return respond(record_json(p, **extra))


# -- evaluation (五力, 亩均 grades) ------------------------------------------------------------------
def _evaluation(quarter):
    from ..evaluation import cached_evaluate

    try:
        return cached_evaluate(get_store(), quarter)
    except LookupError as exc:
        raise Problem(404, "Not Found", str(exc)) from None


EVAL_FIELDS = ("park_id", "name", "rank", "grade", "scores", "index", "previous_index", "index_change",
               "rank_change", "at_risk")


@bp.get("/evaluation")
def evaluation():
    from ..evaluation.schema import DIMENSIONS, DIMENSION_EN

    q = query(m.EvaluationQuery)
    ev = _evaluation(q.quarter)
    return respond({"quarter": ev.quarter, "parks": [{k: p[k] for k in EVAL_FIELDS} for p in ev.parks],
                    "cutoffs": ev.cutoffs, "grade_counts": ev.grade_counts, "quarters": ev.quarters,
                    "dimensions": [{"name": d, "key": DIMENSION_EN[d], "weights": w} for d, w in DIMENSIONS.items()],
                    "provenance": ev.provenance})


@bp.get("/parks/<pid>/evaluation")
def park_evaluation(pid):
    from ..evaluation import park_history

    q = query(m.EvaluationQuery)
    _park_or_404(pid)
    ev = _evaluation(q.quarter)
    p = ev.by_park().get(pid)
    if p is None:
        raise Problem(404, "Not Found", f"no indicators for park {pid!r} in {ev.quarter}")
    return respond({"quarter": ev.quarter, **{k: p[k] for k in EVAL_FIELDS}, "cutoffs": ev.cutoffs,
                    "n_parks": len(ev.parks), "history": park_history(get_store(), pid),
                    "provenance": ev.provenance})


# -- plots and amenities -------------------------------------------------------------------------
def _paged(layer: str, where: dict, bbox, limit: int, offset: int):
    store = get_store()
    if bbox is not None:  # R*Tree window, exact intersection, then the page (only the page's rows decoded)
        return store.read_window(layer, bbox, where=where, limit=limit, offset=offset)
    return store.read(layer, where=where, limit=limit, offset=offset), store.count(layer, where=where)


@bp.get("/plots")
def plots():
    q = query(m.PlotsQuery)
    if q.min_mu is not None and q.max_mu is not None and q.min_mu > q.max_mu:
        raise Problem(400, "Invalid request parameters", "min_mu is above max_mu",
                      [{"name": "max_mu", "reason": f"must be ≥ min_mu ({q.min_mu})"}])
    where = {k: v for k, v in (("park_id", q.park_id), ("status", q.status), ("land_use", q.land_use)) if v is not None}
    if q.min_mu is not None or q.max_mu is not None:
        where["area_mu"] = Range(q.min_mu, q.max_mu)
    page, total = _paged("plots", where, m.parse_bbox(q.bbox), q.limit, q.offset)
    if q.format == "geojson":
        return respond(collection(page, total=total), mimetype=GEOJSON)
    return respond({"plots": [record_json(r) for r in page], "total": total, "limit": q.limit, "offset": q.offset})


@bp.get("/plots/<pid>")
def plot(pid):
    q = query(m.FormatQuery)
    rec = get_store().get("plots", pid)
    if rec is None:
        raise Problem(404, "Not Found", f"no plot with id {pid!r}")
    park = get_store().get("parks", rec["park_id"])
    extra = {"park_name": park["name"] if park else None}
    if q.format == "geojson":
        from .serialize import record_feature

        return respond(record_feature(rec, **extra), mimetype=GEOJSON)
    return respond(record_json(rec, **extra))


@bp.get("/amenities")
def amenities():
    q = query(m.AmenitiesQuery)
    where = {"kind": q.kind} if q.kind else {}
    page, total = _paged("amenities", where, m.parse_bbox(q.bbox), q.limit, q.offset)
    if q.format == "geojson":
        return respond(collection(page, total=total), mimetype=GEOJSON)
    return respond({"amenities": [record_json(r) for r in page], "total": total, "limit": q.limit,
                    "offset": q.offset})


# -- siting --------------------------------------------------------------------------------------
@bp.post("/recommend")
def recommend_():
    req = body(Requirement)
    return respond(recommend(get_store(), req))


def _compare(ids: list[str], req: Requirement | None):
    store = get_store()
    found = store.read("parks", where={"id": ids})
    by_id = {p["id"]: p for p in found}
    missing = [i for i in ids if i not in by_id]
    if missing:
        raise Problem(404, "Not Found", f"unknown park id(s): {', '.join(missing)}")
    best = best_plots(store, req, ids) if req is not None else {}
    out = []
    for i in ids:
        p = by_id[i]
        entry = record_json(p, indicators=parkinfo.indicators(p), plots_summary=parkinfo.summary(store, i))
        if req is not None:
            entry["fit"] = best[i]
        out.append(entry)
    payload = {"parks": out, "indicators": [{"key": k, "label": lab, "unit": u} for k, lab, u in parkinfo.INDICATORS]}
    if req is not None:
        payload["requirement"] = normalised_request(req)
    return respond(payload)


@bp.get("/compare")
def compare_get():
    q = query(m.CompareQuery)
    return _compare(m.split_ids(q.ids), None)


@bp.post("/compare")
def compare_post():
    b = body(m.CompareBody)
    return _compare(b.ids, b.requirement)


# -- inquiries -----------------------------------------------------------------------------------
PUBLIC_INQUIRY = ("id", "created_at", "park_id", "plot_id", "company", "industry", "project_summary", "status")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@bp.post("/inquiries")
def inquiries_post():
    inq = body(m.InquiryIn)
    store = get_store()
    invalid = []
    if store.get("parks", inq.park_id) is None:
        invalid.append({"name": "park_id", "reason": f"no park with id {inq.park_id!r}"})
    if inq.plot_id is not None:
        plot = store.get("plots", inq.plot_id)
        if plot is None or plot["park_id"] != inq.park_id:
            invalid.append({"name": "plot_id", "reason": f"no plot {inq.plot_id!r} in park {inq.park_id!r}"})
    if invalid:
        raise Problem(422, "Invalid request body", "the inquiry names an unknown park or plot", invalid)
    token = secrets.token_urlsafe(24)
    rec = store.add_inquiry({**inq.model_dump(), "id": secrets.token_hex(8),
                             "created_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
                             "token_sha256": _hash(token), "status": "new"})
    out = {k: v for k, v in rec.items() if k != "token_sha256"}
    out["token"] = token
    return respond(out, 201, headers={"Location": url_for("api.inquiry_get", iid=rec["id"])})


@bp.get("/inquiries")
def inquiries_list():
    q = query(m.InquiriesQuery)
    store = get_store()
    rows, total = store.list_inquiries(confidential=False, park_id=q.park_id, limit=q.limit, offset=q.offset)
    _, hidden = store.list_inquiries(confidential=True, park_id=q.park_id, limit=1)
    return respond({"inquiries": [{k: r[k] for k in PUBLIC_INQUIRY} for r in rows], "total": total,
                    "confidential_not_listed": hidden, "limit": q.limit, "offset": q.offset})


@bp.get("/inquiries/<iid>")
def inquiry_get(iid):
    q = query(m.TokenQuery)
    token = request.headers.get("X-Inquiry-Token") or q.token
    rec = get_store().get_inquiry(iid)
    if rec is None:
        raise Problem(404, "Not Found", f"no inquiry with id {iid!r}")
    if not token:
        raise Problem(401, "Unauthorized", "give the inquiry's token (X-Inquiry-Token header or ?token=)",
                      headers={"WWW-Authenticate": "X-Inquiry-Token"})
    if not hmac.compare_digest(_hash(token), rec["token_sha256"]):
        raise Problem(403, "Forbidden", "the token does not match this inquiry")
    return respond({k: v for k, v in rec.items() if k != "token_sha256"})


# -- service -------------------------------------------------------------------------------------
@bp.get("/profiles")
def profiles():
    return respond({"profiles": list(list_profiles().values())})


@bp.get("/health")
def health():
    store = get_store()
    try:
        counts = {layer: store.count(layer) for layer in ("parks", "plots", "amenities")}
        version = store.data_version
    except Exception as exc:  # noqa: BLE001 - any store failure means unhealthy, not a crash
        raise Problem(503, "Service Unavailable", f"store not reachable: {exc}") from None
    return respond({"status": "ok", "findpark": __version__, "backend": store.backend, "data_version": version,
                    "counts": counts})


@bp.get("/openapi.json")
def openapi():
    from .openapi import build_spec

    return respond(build_spec(current_app))


@bp.get("/docs")
def docs():
    from flask import render_template

    return render_template("api_docs.html", spec_url=url_for("api.openapi"))
