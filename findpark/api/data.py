"""/api/v1 imports and versions (admins, or staff within their scope; bearer tokens):

``POST /imports`` (multipart ``file``, one or more; optional ``crs``, ``layer``, ``replace``) stages an upload and
answers 201 with the report and diff; ``GET /imports/{id}``; ``POST /imports/{id}/apply`` (a new version);
``POST /imports/{id}/discard``; ``GET /versions``; ``POST /versions/{n}/restore`` (admins)."""
from __future__ import annotations

from flask import Blueprint, current_app, request, url_for

from ..http import get_store
from ..http.auth import api_requires, api_user, client_address
from ..http.parsing import respond
from ..http.problems import Problem, register
from ..services import imports, versions

bp = Blueprint("data_api", __name__, url_prefix="/api/v1")
register(bp)
NO_STORE = {"Cache-Control": "no-store"}
TITLES = {400: "Bad Request", 403: "Forbidden", 404: "Not Found", 409: "Conflict", 413: "Content Too Large",
          422: "Unprocessable Content"}


def _problem(exc: imports.ImportError_) -> Problem:
    return Problem(exc.status, TITLES.get(exc.status, "Error"), str(exc))


def _flag(name: str) -> bool:
    raw = (request.form.get(name) or "").strip().lower()
    if raw not in ("", "0", "1", "true", "false"):
        raise Problem(400, "Bad Request", f"{name}: true or false", [{"name": name, "reason": "true or false"}])
    return raw in ("1", "true")


@bp.post("/imports")
@api_requires("staff")
def stage():
    request.max_content_length = current_app.config.get("MAX_UPLOAD", 64 * 1024 * 1024)
    if not (request.content_type or "").startswith("multipart/form-data"):
        raise Problem(415, "Unsupported Media Type", "send multipart/form-data with a file field named file")
    files = [f for f in request.files.getlist("file") if f and f.filename]
    crs = (request.form.get("crs") or "").strip() or None
    layer = (request.form.get("layer") or "").strip() or None
    if layer is not None and layer not in ("parks", "plots", "amenities"):
        raise Problem(400, "Bad Request", "layer: parks, plots or amenities", [{"name": "layer", "reason": "unknown"}])
    try:
        imp = imports.stage(get_store(), api_user(), [(f.filename, f.stream) for f in files], crs=crs, layer=layer,
                            replace=_flag("replace"), address=client_address(),
                            max_bytes=current_app.config.get("MAX_UPLOAD"))
    except imports.ImportError_ as exc:
        raise _problem(exc) from None
    return respond(imp, status=201, headers={**NO_STORE, "Location": url_for("data_api.get_import",
                                                                             iid=imp["id"])})


@bp.get("/imports/<iid>")
@api_requires("staff")
def get_import(iid):
    try:
        return respond(imports.get(get_store(), api_user(), iid), headers=NO_STORE)
    except imports.ImportError_ as exc:
        raise _problem(exc) from None


@bp.post("/imports/<iid>/apply")
@api_requires("staff")
def apply_import(iid):
    try:
        imp = imports.apply(get_store(), api_user(), iid, note=(request.args.get("note") or "")[:500],
                            address=client_address())
    except imports.ImportError_ as exc:
        raise _problem(exc) from None
    return respond(imp, headers=NO_STORE)


@bp.post("/imports/<iid>/discard")
@api_requires("staff")
def discard_import(iid):
    try:
        return respond(imports.discard(get_store(), api_user(), iid, address=client_address()), headers=NO_STORE)
    except imports.ImportError_ as exc:
        raise _problem(exc) from None


@bp.get("/versions")
@api_requires("staff")
def list_versions():
    return respond({"versions": versions.list_versions(get_store())}, headers=NO_STORE)


@bp.post("/versions/<int:number>/restore")
@api_requires("admin")
def restore_version(number):
    try:
        v = versions.restore(get_store(), number, author=api_user().username, address=client_address())
    except versions.VersionError as exc:
        status = 404 if str(exc).startswith("no version") else 409
        raise Problem(status, TITLES[status], str(exc)) from None
    return respond(v, headers=NO_STORE)
