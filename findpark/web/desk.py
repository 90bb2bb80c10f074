"""The inquiry desk (可询, staff side) and the admins' audit page. Signed-in staff see the inquiries of their
scope with contacts, move them along 新建 → 已分派 → 已联系 → 已考察 → 已签约 | 已关闭, assign them and add dated
notes; every view of contacts and every change is audited (``findpark.services.desk``). The public is sent to
/login."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from .. import vocab
from ..http import get_store
from ..http.auth import client_address, page_requires, page_user
from ..http.parsing import int_param
from ..services import accounts, audit, desk
from .i18n import label, t
from .inquiry_page import local_time, park_names

bp = Blueprint("desk", __name__)
PAGE_SIZE = 50
MAX_PAGE = 100_000
AGES = (7, 30, 90, 365)


def _int_arg(name: str, default: int | None, lo: int, hi: int) -> int | None:
    """A whole-number query parameter in [lo, hi], else 400 naming it (``http.parsing.int_param``)."""
    return int_param(request.args, name, default, lo, hi)


@bp.get("/inquiries")
@page_requires("staff")
def inquiries():
    """Staff list: the inquiries in the signed-in user's scope, newest first, with filters."""
    store, user = get_store(), page_user()
    status = request.args.get("status") or None
    if status is not None and status not in desk.STATUSES:
        abort(400, description=t("未知状态「{s}」", s=status))
    park_id = (request.args.get("park_id") or "").strip() or None
    page = _int_arg("page", 1, 1, MAX_PAGE)
    max_age = _int_arg("max_age_days", None, 1, 36500)
    rows, total = desk.list_for(store, user, status=status, park_id=park_id, max_age_days=max_age,
                                limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE, address=client_address())
    names = park_names(store)
    items = [{**r, "time": local_time(r["created_at"]), "park_name": names.get(r["park_id"], r["park_id"]),
              "status_label": label("inquiry_status", r["status"])} for r in rows]
    n_pages = max(1, -(-total // PAGE_SIZE))
    return render_template("desk.html", items=items, total=total, page=page, n_pages=n_pages, status=status,
                           park_id=park_id or "", max_age=max_age, ages=AGES,
                           statuses=[(s, label("inquiry_status", s)) for s in desk.STATUSES])


def _detail_or_404(store, user, iid):
    try:
        return desk.view(store, user, iid, address=client_address())
    except desk.NotVisible:
        abort(404)


@bp.get("/inquiries/<iid>")
@page_requires("staff")
def inquiry(iid):
    store, user = get_store(), page_user()
    rec = _detail_or_404(store, user, iid)
    park = store.get("parks", rec["park_id"]) or {}
    staff = [u["username"] for u in accounts.list_users(store) if not u["disabled"]
             and accounts.get_user(store, u["username"]).can_see_park(rec["park_id"], rec.get("adcode"))]
    return render_template("desk_detail.html", r=rec, park=park, created=local_time(rec["created_at"]),
                           events=[{**e, "time": local_time(e["at"])} for e in rec["events"]],
                           next_statuses=[(s, label("inquiry_status", s)) for s in desk.allowed_next(rec["status"])],
                           status_label=label("inquiry_status", rec["status"]), staff=staff)


def _act(iid, fn, done: str):
    store, user = get_store(), page_user()
    try:
        fn(store, user)
    except desk.NotVisible:
        abort(404)
    except desk.DeskError as exc:
        flash(t("未保存: {msg}", msg=str(exc)), "error")
    else:
        flash(done, "ok")
    return redirect(url_for("desk.inquiry", iid=iid))


@bp.post("/inquiries/<iid>/status")
@page_requires("staff")
def set_status(iid):
    to = request.form.get("status", "")
    return _act(iid, lambda s, u: desk.change_status(s, u, iid, to, request.form.get("note"), client_address()),
                t("状态已改为 {s}", s=label("inquiry_status", to)))


@bp.post("/inquiries/<iid>/assign")
@page_requires("staff")
def assign(iid):
    who = (request.form.get("assignee") or "").strip()
    return _act(iid, lambda s, u: desk.assign(s, u, iid, who, client_address()), t("已分派给 {who}", who=who))


@bp.post("/inquiries/<iid>/note")
@page_requires("staff")
def note(iid):
    text = request.form.get("note", "")
    return _act(iid, lambda s, u: desk.add_note(s, u, iid, text, client_address()), t("已添加跟进记录"))


@bp.post("/inquiries/<iid>/revoke-token")
@page_requires("staff")
def revoke(iid):
    return _act(iid, lambda s, u: desk.revoke_token(s, u, iid, client_address()), t("咨询凭证已吊销"))


@bp.get("/admin/audit")
@page_requires("admin")
def audit_log():
    """Admins: who viewed or changed what, when, from where (newest first)."""
    store = get_store()
    action = request.args.get("action") or None
    if action is not None and action not in audit.ACTIONS:
        abort(400, description=t("未知操作「{a}」", a=action))
    page = _int_arg("page", 1, 1, MAX_PAGE)
    actor = (request.args.get("actor") or "").strip() or None
    target = (request.args.get("target") or "").strip() or None
    rows, total = audit.entries(store, actor=actor, action=action, target=target, limit=PAGE_SIZE,
                                offset=(page - 1) * PAGE_SIZE)
    items = [{**r, "time": local_time(r["at"]), "action_label": label("audit_action", r["action"])} for r in rows]
    return render_template("audit.html", items=items, total=total, page=page,
                           n_pages=max(1, -(-total // PAGE_SIZE)), actor=actor or "", action=action,
                           target=target or "", actions=list(vocab.AUDIT_ACTIONS))
