"""Who is asking: signed-in staff (a Flask-Login session), an API bearer token, or an SSO header set by a trusted
reverse proxy. Pages and API endpoints ask ``page_user()`` / ``api_user()`` or use the decorators.

- Pages: a session made by ``/login`` (Flask-Login: the cookie holds the username, HttpOnly, SameSite=Lax,
  Secure under HTTPS); with ``FINDPARK_SSO_HEADER`` set (e.g. ``X-Remote-User``), a request whose direct peer is
  one of ``FINDPARK_SSO_PROXIES`` (default 127.0.0.1) is signed in as the user that header names, if that
  user exists here and is enabled (the proxy authenticates, findpark authorises).
- API: ``Authorization: Bearer <token>`` only (never the session cookie: no CSRF exposure). No token: 401
  with ``WWW-Authenticate: Bearer``; a valid token outside its scope: 403 or 404; both as problem details.
"""
from __future__ import annotations

import functools

from flask import Flask, abort, current_app, g, redirect, request, url_for
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user

from ..services import accounts
from .context import get_store
from .problems import Problem

manager = LoginManager()


class SessionUser(UserMixin):
    """Flask-Login's view of an :class:`accounts.User`."""

    def __init__(self, user: accounts.User):
        self.user = user

    def get_id(self) -> str:
        return self.user.username


def init_app(app: Flask) -> None:
    app.config.setdefault("SSO_HEADER", None)
    app.config.setdefault("SSO_PROXIES", ("127.0.0.1", "::1"))
    manager.init_app(app)
    manager.login_view = "auth_pages.login"
    manager.session_protection = "basic"

    @manager.user_loader
    def _load(username: str):
        user = accounts.get_user(get_store(), username)
        return SessionUser(user) if user and not user.disabled else None

    @manager.request_loader
    def _sso(req):
        header = current_app.config.get("SSO_HEADER")
        if not header or req.remote_addr not in current_app.config.get("SSO_PROXIES", ()):
            return None
        name = (req.headers.get(header) or "").strip()
        user = accounts.sso_user(get_store(), name) if name else None
        return SessionUser(user) if user else None

    @app.context_processor
    def _who():
        return {"signed_in": page_user()}


def page_user() -> accounts.User | None:
    """The signed-in user of a page request (session or SSO), or None for the public."""
    return current_user.user if current_user and current_user.is_authenticated else None


def api_user() -> accounts.User | None:
    """The user of an API request's bearer token, or None (cached for the request)."""
    if "_api_user" not in g:
        auth = request.headers.get("Authorization", "")
        scheme, _, token = auth.partition(" ")
        g._api_user = (accounts.user_for_token(get_store(), token.strip())
                       if scheme.lower() == "bearer" and token.strip() else None)
    return g._api_user


def sign_in(user: accounts.User) -> None:
    login_user(SessionUser(user))


def sign_out() -> None:
    logout_user()


def client_address() -> str:
    return request.remote_addr or "-"


def _allowed(user: accounts.User | None, role: str) -> bool:
    return user is not None and (role == "staff" or user.is_admin)


def page_requires(role: str = "staff"):
    """Pages: the public is sent to /login (and back); a signed-in user without the role gets 403."""
    def deco(view):
        @functools.wraps(view)
        def wrapper(*a, **kw):
            user = page_user()
            if user is None:
                return redirect(url_for("auth_pages.login", next=request.full_path.rstrip("?")))
            if not _allowed(user, role):
                abort(403)
            return view(*a, **kw)
        return wrapper
    return deco


def unauthorized(detail: str = "give a staff or admin API token: Authorization: Bearer <token> "
                 "(findpark users token NAME)") -> Problem:
    """The 401 of the API (problem details, ``WWW-Authenticate: Bearer``)."""
    return Problem(401, "Unauthorized", detail, headers={"WWW-Authenticate": 'Bearer realm="findpark"'})


def api_requires(role: str = "staff"):
    """API endpoints: a bearer token of a user with the role, else 401 (no or bad token) or 403."""
    def deco(view):
        @functools.wraps(view)
        def wrapper(*a, **kw):
            user = api_user()
            if user is None:
                raise unauthorized()
            if not _allowed(user, role):
                raise Problem(403, "Forbidden", f"this needs the {role} role")
            return view(*a, **kw)
        return wrapper
    return deco
