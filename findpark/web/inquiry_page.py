"""可询 for promotion staff: an inquiry form (per park, optionally per plot), its confirmation with the
inquiry's token (shown once), and the staff list of every inquiry (confidential ones masked).

Validation, creation and masking are ``findpark.services.inquiries``, the same functions
``POST /api/v1/inquiries`` calls, so the token shown here works with ``GET /api/v1/inquiries/{id}``.
Forms carry a per-session CSRF token (``findpark.http.csrf``).
"""
from __future__ import annotations

import datetime as _dt

from flask import Blueprint, abort, current_app, render_template, request, url_for
from pydantic import ValidationError

from ..http import get_store
from ..http.csrf import CSRF_FIELD, csrf_ok, csrf_token, protect, rotate
from ..http.limits import inquiries_limit, limiter
from ..services import inquiries as inq_service
from .i18n import t

bp = Blueprint("inquiry_page", __name__)

PAGE_SIZE = 50
CHINA_TZ = _dt.timezone(_dt.timedelta(hours=8), "CST")
FIELDS = ("park_id", "plot_id", "company", "contact_name", "contact_phone", "contact_email", "project_summary",
          "industry")
OPTIONAL = ("plot_id", "contact_phone", "contact_email", "industry")


# -- validation (the API's model), creation (the API's store calls) --------------------------------------
FIELD_MESSAGES = {
    "park_id": "请选择园区",
    "plot_id": "地块编号格式不正确（字母、数字、-、_、.、:）",
    "company": "请填写企业名称（最多 200 字）",
    "contact_name": "请填写联系人（最多 100 字）",
    "contact_phone": "电话只能包含数字、+、-、括号和空格，5-30 位",
    "contact_email": "邮箱格式不正确（如 li@example.com）",
    "project_summary": "请填写项目简介（最多 4000 字）",
    "industry": "产业最多 50 字",
    "confidential": "须为是或否",
}


def form_payload(form, pid: str | None) -> dict:
    """The form as an InquiryIn body: empty optional fields are absent, the checkbox is a bool."""
    data = {f: form.get(f, "") for f in FIELDS}
    if pid is not None:
        data["park_id"] = pid
    for f in OPTIONAL:
        if not data[f].strip():
            data[f] = None
    data["confidential"] = form.get("confidential") in ("1", "on", "true", "yes")
    return data


def validate_inquiry(store, data: dict) -> tuple[inq_service.InquiryIn | None, dict[str, str]]:
    """(the inquiry, {}) or (None, {field: Chinese message}): InquiryIn, then the park and plot must exist
    (the checks of POST /api/v1/inquiries; here all of them run, so the form shows every problem at once)."""
    errors: dict[str, str] = {}
    inq = None
    try:
        inq = inq_service.InquiryIn.model_validate(data)
    except ValidationError as exc:
        for e in exc.errors():
            field = str(e["loc"][0]) if e["loc"] else ""
            if not field:  # the model rule: a phone or an e-mail
                errors.setdefault("contact_phone", t("请填写电话或邮箱（至少一项）"))
                errors.setdefault("contact_email", t("请填写电话或邮箱（至少一项）"))
            else:
                errors.setdefault(field, t(FIELD_MESSAGES[field]) if field in FIELD_MESSAGES else e["msg"])
    park_id, plot_id = (inq.park_id, inq.plot_id) if inq else (data.get("park_id"), data.get("plot_id"))
    if "park_id" not in errors:
        if plot_id is not None and "plot_id" in errors:
            plot_id = None
        refused = inq_service.check_references(store, park_id, plot_id)
        if "park_id" in refused:
            errors["park_id"] = t("没有编号为 {park_id} 的园区", park_id=park_id)
        elif "plot_id" in refused:
            errors["plot_id"] = t("园区 {park_id} 没有地块 {plot_id}", park_id=park_id, plot_id=plot_id)
    return (None, errors) if errors else (inq, {})


# -- pages -----------------------------------------------------------------------------------------------
def park_names(store) -> dict[str, str]:
    cols = store.columns("parks", ["id", "name", "city"], geometry=False)
    return {i: n for i, n in zip(cols["id"], cols["name"])}


def _park_options(store) -> list[dict]:
    cols = store.columns("parks", ["id", "name", "city"], geometry=False)
    rows = [{"id": i, "name": n, "city": c} for i, n, c in zip(cols["id"], cols["name"], cols["city"])]
    return sorted(rows, key=lambda r: (r["city"] or "", r["id"]))


def _plot_options(store, park_id: str | None) -> list[dict]:
    if not park_id:
        return []
    cols = store.columns("plots", ["id", "park_id", "status", "area_mu", "land_use"], geometry=False)
    return [{"id": i, "area_mu": a, "land_use": lu}
            for i, p, s, a, lu in zip(cols["id"], cols["park_id"], cols["status"], cols["area_mu"], cols["land_use"])
            if p == park_id and s == "available"]


def _form(store, pid, values, errors, status=200, form_error=None):
    park_id = pid or values.get("park_id") or ""
    park = store.get("parks", park_id) if park_id else None
    if pid is not None and park is None:
        abort(404)
    return render_template("inquiry.html", park=park, fixed_park=pid is not None, values=values, errors=errors,
                           form_error=form_error, parks=[] if pid is not None else _park_options(store),
                           plots=_plot_options(store, park["id"] if park else None), csrf=csrf_token(),
                           csrf_field=CSRF_FIELD, done=None), status


@bp.route("/inquire", methods=["GET", "POST"], endpoint="inquire")
@bp.route("/parks/<pid>/inquire", methods=["GET", "POST"], endpoint="inquire")
@protect.exempt  # it answers a bad token itself, keeping what the visitor typed (csrf_ok below)
@limiter.limit(inquiries_limit, methods=["POST"])
def inquire(pid: str | None = None):
    """可询: the inquiry form; POST validates it like the API and shows the inquiry's id and token once."""
    store = get_store()
    if request.method == "GET":
        values = {"park_id": request.args.get("park_id", ""), "plot_id": request.args.get("plot_id", ""),
                  "industry": request.args.get("industry", "")}
        return _form(store, pid, values, {})
    values = {f: request.form.get(f, "") for f in FIELDS}
    values["confidential"] = request.form.get("confidential") in ("1", "on", "true", "yes")
    if pid is not None:
        values["park_id"] = pid
    if not csrf_ok():
        return _form(store, pid, values, {}, 400,
                     form_error=t("表单已过期或来源无法确认（CSRF 校验失败），未提交。请检查内容后重新提交。"))
    inq, errors = validate_inquiry(store, form_payload(request.form, pid))
    if errors:
        return _form(store, pid, values, errors, 400, form_error=t("有 {n} 处需要修改，未提交。", n=len(errors)))
    rec, token = inq_service.create(store, inq)
    rotate()  # a reload of this page cannot submit the same inquiry twice
    park = store.get("parks", rec["park_id"])
    resp = current_app.make_response((render_template(
        "inquiry.html", done=rec, token=token, park=park, fixed_park=True, values={}, errors={}, form_error=None,
        parks=[], plots=[], csrf="", csrf_field=CSRF_FIELD,
        api_url=url_for("api.inquiry_get", iid=rec["id"]), created=local_time(rec["created_at"]),
        token_days=inq_service.TOKEN_DAYS), 201))
    resp.headers["Cache-Control"] = "no-store"  # the token must not linger in caches
    return resp


def local_time(iso: str | None) -> str:
    if not iso:
        return "—"
    try:
        t = _dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if t.tzinfo is None:
        t = t.replace(tzinfo=_dt.timezone.utc)
    return t.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")
