"""/api/v1: JSON for other systems (产业大脑, 招商 CRM). Every query and body is validated against the
models in ``models.py``, the same ones the OpenAPI document is generated from."""
from __future__ import annotations

from flask import Blueprint, current_app, request, url_for

from .. import __version__, vocab
from ..services import parkinfo
from ..http import get_store
from ..http.parsing import GEOJSON, body, query, respond
from ..http.problems import Problem, register
from ..http.auth import api_requires, api_user, client_address, unauthorized
from ..http.limits import inquiries_limit, limiter
from ..services import audit, comparison, desk, inquiries as inq_service
from ..services.parks import ParkFilter, search
from ..siting import Requirement, recommend
from ..siting.profiles import list_profiles
from ..store import Range
from ..store.cache import cached
from . import models as m
from .serialize import collection, record_json

bp = Blueprint("api", __name__, url_prefix="/api/v1")
register(bp)


def _park_or_404(pid: str) -> dict:
    park = get_store().get("parks", pid)
    if park is None:
        raise Problem(404, "Not Found", f"no park with id {pid!r}")
    return park


# -- parks ---------------------------------------------------------------------------------------
@bp.get("/parks")
def parks():
    q = query(m.ParksQuery)
    recs, summaries = search(get_store(), ParkFilter(
        industry=q.industry, district=q.district, level=q.level, q=q.q, adcode=q.adcode,
        bbox=m.parse_bbox(q.bbox), min_available_mu=q.min_available_mu))

    def avail(p):
        s = summaries.get(p["id"], parkinfo.EMPTY)
        return {"available_mu": s["available_mu"], "n_available_plots": s["n_available"]}

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
    try:
        c = comparison.park_comparison(get_store(), ids, req)
    except comparison.UnknownParks as exc:
        raise Problem(404, "Not Found", f"unknown park id(s): {', '.join(exc.missing)}") from None
    parks = [record_json(p["record"], indicators=p["indicators"], plots_summary=p["plots_summary"],
                         **({"fit": p["fit"]} if "fit" in p else {})) for p in c["parks"]]
    return respond({"parks": parks, "indicators": c["indicators"],
                    **({"requirement": c["requirement"]} if "requirement" in c else {})})


@bp.get("/compare")
def compare_get():
    q = query(m.CompareQuery)
    return _compare(m.split_ids(q.ids), None)


@bp.post("/compare")
def compare_post():
    b = body(m.CompareBody)
    return _compare(b.ids, b.requirement)


# -- inquiries -----------------------------------------------------------------------------------
PUBLIC_INQUIRY = inq_service.PUBLIC_FIELDS
REFUSED = {"unknown_park": "no park with id {0!r}", "unknown_plot": "no plot {0!r} in park {1!r}"}
NO_STORE = {"Cache-Control": "no-store"}  # responses with tokens or personal data are never cached


@bp.post("/inquiries")
@limiter.limit(inquiries_limit)
def inquiries_post():
    data = body(m.InquiryIn)
    store = get_store()
    try:
        inq = inq_service.validate(store, data.model_dump())
    except inq_service.InquiryRefused as exc:
        invalid = [{"name": f, "reason": REFUSED[code].format(value, data.park_id)}
                   for f, (code, value) in exc.problems.items()]
        raise Problem(422, "Invalid request body", "the inquiry names an unknown park or plot", invalid) from None
    rec, token = inq_service.create(store, inq)
    return respond({**rec, "token": token}, 201,
                   headers={"Location": url_for("api.inquiry_get", iid=rec["id"]), **NO_STORE})


@bp.get("/inquiries")
def inquiries_list():
    """Anonymous: counts only. Staff (bearer token): the inquiries in their scope, with contacts (audited)."""
    q = query(m.InquiriesQuery)
    store = get_store()
    user = api_user()
    if user is None:
        if request.headers.get("Authorization"):  # a token was sent but is not valid: say so, not counts
            raise unauthorized("the API token is not valid (unknown, revoked, or its user disabled)")
        return respond({"counts": desk.counts(store), "inquiries": [], "total": 0,
                        "detail": "counts only; staff list their inquiries with an API token"})
    rows, total = desk.list_for(store, user, status=q.status, park_id=q.park_id, max_age_days=q.max_age_days,
                                limit=q.limit, offset=q.offset, address=client_address())
    return respond({"inquiries": rows, "total": total, "limit": q.limit, "offset": q.offset}, headers=NO_STORE)


@bp.get("/inquiries/<iid>")
def inquiry_get(iid):
    """Staff (bearer token, in scope): the whole inquiry with its history (audited). The inquirer (header
    X-Inquiry-Token, never a query parameter): the inquiry and its status history, not the staff notes."""
    store = get_store()
    if request.args.get("token") is not None:
        raise Problem(400, "Invalid request parameters", "send the inquiry token in the X-Inquiry-Token header, "
                      "not in the URL (URLs end up in logs)", [{"name": "token", "reason": "not accepted in the URL"}])
    user = api_user()
    if user is None and request.headers.get("Authorization"):  # credentials that do not hold: never fall back
        raise unauthorized("the API token is not valid (unknown, revoked, or its user disabled)")
    if user is not None:
        try:
            return respond(desk.view(store, user, iid, address=client_address()), headers=NO_STORE)
        except desk.NotVisible:
            raise Problem(404, "Not Found", f"no inquiry {iid!r} in your scope") from None
    token = request.headers.get("X-Inquiry-Token")
    rec = store.get_inquiry(iid)
    if not token:
        raise unauthorized("give the inquiry's token (header X-Inquiry-Token) or a staff API token")
    if rec is None or not inq_service.token_matches(rec, token):
        raise Problem(403, "Forbidden", "the token does not match this inquiry, or it has expired or been revoked")
    out = inq_service.without_secret(rec)
    out["history"] = desk.events(store, iid, public=True)
    return respond(out, headers=NO_STORE)


@bp.patch("/inquiries/<iid>")
@api_requires("staff")
def inquiry_patch(iid):
    change = body(m.InquiryChange)
    store, user, address = get_store(), api_user(), client_address()
    if change.status is None and change.assignee is None and change.note is None:
        raise Problem(422, "Invalid request body", "nothing to change",
                      [{"name": "body", "reason": "give status, assignee and/or note"}])
    try:
        if change.assignee is not None:
            desk.assign(store, user, iid, change.assignee, address)
        if change.status is not None:
            desk.change_status(store, user, iid, change.status, change.note, address)
        elif change.note is not None:
            desk.add_note(store, user, iid, change.note, address)
    except desk.NotVisible:
        raise Problem(404, "Not Found", f"no inquiry {iid!r} in your scope") from None
    except desk.DeskError as exc:
        raise Problem(422, "Invalid request body", str(exc), [{"name": exc.field, "reason": str(exc)}]) from None
    return respond(desk.view(store, user, iid, address=address), headers=NO_STORE)


@bp.get("/audit")
@api_requires("admin")
def audit_entries():
    q = query(m.AuditQuery)
    rows, total = audit.entries(get_store(), actor=q.actor, action=q.action, target=q.target, limit=q.limit,
                                offset=q.offset)
    return respond({"entries": rows, "total": total, "limit": q.limit, "offset": q.offset}, headers=NO_STORE)


# -- service -------------------------------------------------------------------------------------
@bp.get("/profiles")
def profiles():
    return respond({"profiles": list(list_profiles().values())})


@bp.get("/vocabulary")
def vocabulary():
    """One vocabulary (``findpark.vocab``): the labels pages, exports and the CLI use for every code."""
    q = query(m.VocabularyQuery)
    return respond(vocab.as_json(q.lang))


@bp.get("/health")
def health():
    store = get_store()
    try:
        version = store.data_version  # one indexed lookup; the counts once per version (constant cost)
        counts = cached(store, "health.counts",
                        lambda: {layer: store.count(layer) for layer in ("parks", "plots", "amenities")},
                        version=version)
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
