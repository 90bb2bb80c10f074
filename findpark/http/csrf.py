"""The session secret and CSRF protection for every state-changing form and export (Flask-WTF's CSRFProtect).

Every POST of a page (login, logout, inquiry, desk changes, exports, the recommend form) carries a token: forms
have the hidden field ``csrf_token``, scripts send the header ``X-CSRFToken`` with the value of
``<meta name="csrf-token">``. The JSON API (/api, /ogc) is exempt: it is authenticated by bearer tokens, not
cookies, so another site cannot ride a session there.

The secret is the config's ``SECRET_KEY``, else ``FINDPARK_SECRET_KEY``, else a random key kept in the
instance folder (so every gunicorn worker signs sessions with the same key), else a random key for this
process only."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask, request, session
from flask_wtf.csrf import CSRFProtect, generate_csrf, validate_csrf
from wtforms.validators import ValidationError

CSRF_FIELD = "csrf_token"
CSRF_SESSION_KEY = "csrf_token"  # where Flask-WTF keeps the raw token in the session
SECRET_FILE = "secret_key"
protect = CSRFProtect()


def _persistent_secret(instance: Path) -> bytes | None:
    """A random key kept in instance/secret_key (0600), created once; None if the folder is not writable."""
    path = instance / SECRET_FILE
    try:
        key = path.read_bytes()
        if len(key) >= 32:
            return key
    except OSError:
        pass
    try:
        instance.mkdir(parents=True, exist_ok=True)
        tmp = instance / f".{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(os.urandom(32))
        try:
            os.link(tmp, path)  # atomic and never overwrites: concurrent workers all end up with one key
        except FileExistsError:
            pass
        finally:
            tmp.unlink(missing_ok=True)
        key = path.read_bytes()
        return key if len(key) >= 32 else None
    except OSError:
        return None


def init_app(app: Flask) -> None:
    """Set the session secret and cookie flags, and protect every state-changing request (once, at app
    creation)."""
    app.config["SESSION_COOKIE_SAMESITE"] = app.config.get("SESSION_COOKIE_SAMESITE") or "Lax"
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", 8 * 3600)  # a working day: a form left open still posts
    app.config.setdefault("WTF_CSRF_SSL_STRICT", True)
    protect.init_app(app)
    if app.config.get("SECRET_KEY"):
        return
    env = os.environ.get("FINDPARK_SECRET_KEY")
    if env:
        app.config["SECRET_KEY"] = env
        return
    key = None if app.testing else _persistent_secret(Path(app.instance_path))
    if key is None:
        if not app.testing:
            app.logger.warning("SECRET_KEY: instance folder not writable; using a per-process random key "
                               "(set FINDPARK_SECRET_KEY when running several workers)")
        key = os.urandom(32)
    app.config["SECRET_KEY"] = key


def csrf_token() -> str:
    return generate_csrf()


def csrf_ok() -> bool:
    """For a view exempt from CSRFProtect that answers a bad token itself (keeping what the user typed)."""
    sent = request.form.get(CSRF_FIELD, "") or request.headers.get("X-CSRFToken", "")
    try:
        validate_csrf(sent)
    except ValidationError:
        return False
    return True


def rotate() -> None:
    """Forget the token (after a one-shot form succeeded, so a reload cannot submit it twice)."""
    session.pop(CSRF_SESSION_KEY, None)


__all__ = ["protect", "init_app", "csrf_token", "csrf_ok", "rotate", "CSRF_FIELD"]
