"""Sign in and out (staff and admins). ``/login`` (form fields ``username``, ``password``, ``csrf_token``; a
``next`` that is a same-site path is followed afterwards), ``POST /logout``. After 5 failed sign-ins for one
user or from one address within 15 minutes, further tries get 429 with Retry-After until the oldest failure
leaves the window; every sign-in, failure and sign-out is in the audit log."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, redirect, render_template, request, url_for

from ..http import get_store
from ..http.auth import client_address, page_user, sign_in, sign_out
from ..services import accounts, audit
from .i18n import t

bp = Blueprint("auth_pages", __name__)


def safe_next(target: str | None) -> str:
    """Only a path on this site (no scheme, no host, no //evil.example, no backslash tricks)."""
    target = (target or "").strip()
    parts = urlsplit(target)
    if (not target.startswith("/") or target.startswith("//") or "\\" in target or parts.scheme or parts.netloc
            or any(ord(c) < 32 for c in target)):
        return url_for("desk.inquiries")
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    nxt = safe_next(request.values.get("next"))
    if request.method == "GET":
        if page_user() is not None:
            return redirect(nxt)
        return render_template("login.html", next=nxt, username="", error=None)
    store, address = get_store(), client_address()
    username = (request.form.get("username") or "").strip()[:64]
    wait = accounts.retry_after(store, username, address)
    if wait:
        page = render_template("login.html", next=nxt, username=username,
                               error=t("登录失败次数过多，请 {m} 分钟后再试。", m=max(1, -(-wait // 60))))
        return page, 429, {"Retry-After": str(wait)}
    user = accounts.authenticate(store, username, request.form.get("password") or "")
    if user is None:
        audit.record(store, None, "login_failed", f"user:{username}", {}, address)
        return render_template("login.html", next=nxt, username=username,
                               error=t("用户名或密码不正确，或账号已停用。")), 401
    sign_in(user)
    audit.record(store, user.username, "login", f"user:{user.username}", {}, address)
    return redirect(nxt)


@bp.post("/logout")
def logout():
    user = page_user()
    if user is not None:
        audit.record(get_store(), user.username, "logout", f"user:{user.username}", {}, client_address())
    sign_out()
    return redirect(url_for("pages.index"))
