"""Users, roles, scopes, passwords and API tokens. No Flask: the HTTP side (``findpark.http.auth``) and the CLI
(``findpark users …``) call these.

Roles: ``public`` (anonymous: nobody is stored for it), ``staff`` (scoped to districts by adcode prefix, e.g.
``3301`` = 杭州市 or ``330109`` = 萧山区, and/or to park ids), ``admin`` (everything, users included).
Passwords are hashed with Argon2id (argon2-cffi, its default parameters); API tokens are random, shown once,
stored as their SHA-256 and revocable.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import re
import secrets
from dataclasses import dataclass, field

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..store import DuplicateKeyError, Range

ROLES = ("staff", "admin")
USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{2,64}$")
SCOPE = re.compile(r"^(?:\d{2,6}|[A-Za-z0-9_.:-]{1,64})$")
MIN_PASSWORD = 10
LOGIN_WINDOW = _dt.timedelta(minutes=15)
MAX_FAILURES = 5
_hasher = PasswordHasher()


class AccountError(ValueError):
    """A user or token request that cannot be done; the message says why (and names the field)."""


@dataclass(frozen=True)
class User:
    username: str
    role: str
    scopes: tuple = ()
    disabled: bool = False
    via: str = field(default="session", compare=False)  # session | token | sso

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def can_see_park(self, park_id: str | None, adcode: str | None) -> bool:
        """Admins see everything; staff the parks named in their scopes or inside one of their districts."""
        if self.is_admin:
            return True
        for s in self.scopes:
            if s == park_id or (s.isdigit() and (adcode or "").startswith(_district_prefix(s))):
                return True
        return False


def _district_prefix(scope: str) -> str:
    """330100 (a city's adcode) means every county of 3301; 330000 the province."""
    s = scope
    while len(s) > 2 and s.endswith("00"):
        s = s[:-2]
    return s


def now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def _user(row: dict, via: str = "session") -> User:
    return User(row["username"], row["role"], tuple(row.get("scopes") or ()), bool(row.get("disabled")), via)


def _check(username: str, role: str, scopes, password: str | None) -> None:
    if not USERNAME.match(username or ""):
        raise AccountError("username: 2-64 characters of letters, digits, _ . @ -")
    if role not in ROLES:
        raise AccountError(f"role: must be one of {', '.join(ROLES)}")
    bad = [s for s in scopes if not SCOPE.match(s)]
    if bad:
        raise AccountError(f"scope: {bad[0]!r} is neither an adcode prefix (digits) nor a park id")
    if role == "staff" and not scopes:
        raise AccountError("scope: a staff user needs at least one --scope (an adcode prefix or a park id)")
    if password is not None and len(password) < MIN_PASSWORD:
        raise AccountError(f"password: at least {MIN_PASSWORD} characters")


def add_user(store, username: str, role: str, scopes=(), password: str | None = None) -> User:
    scopes = [s.strip() for s in scopes if s.strip()]
    _check(username, role, scopes, password)
    try:
        row = store.insert_row("users", {"username": username, "role": role, "scopes": scopes,
                                         "password_hash": _hasher.hash(password) if password else None,
                                         "disabled": False, "created_at": now()})
    except DuplicateKeyError:
        raise AccountError(f"username: {username!r} exists already") from None
    return _user(row)


def get_user(store, username: str) -> User | None:
    rows = store.select_rows("users", where={"username": username})
    return _user(rows[0]) if rows else None


def list_users(store) -> list[dict]:
    return [{k: v for k, v in r.items() if k != "password_hash"} for r in store.select_rows("users")]


def set_disabled(store, username: str, disabled: bool = True) -> None:
    if not store.update_rows("users", {"username": username}, {"disabled": disabled}):
        raise AccountError(f"username: no user {username!r}")
    if disabled:  # a disabled user's tokens stop working too
        store.update_rows("api_tokens", {"username": username, "revoked_at": None}, {"revoked_at": now()})


def set_password(store, username: str, password: str) -> None:
    user = get_user(store, username)
    if user is None:
        raise AccountError(f"username: no user {username!r}")
    _check(username, user.role, user.scopes or ("x",), password)
    store.update_rows("users", {"username": username}, {"password_hash": _hasher.hash(password)})


def authenticate(store, username: str, password: str) -> User | None:
    """The user if the password is right and the account enabled; None otherwise (never says which)."""
    rows = store.select_rows("users", where={"username": username or ""})
    if not rows or not rows[0].get("password_hash"):
        _hasher.hash("timing: the same work for unknown users")
        return None
    row = rows[0]
    try:
        _hasher.verify(row["password_hash"], password or "")
    except (VerificationError, InvalidHashError):
        return None
    if row.get("disabled"):
        return None
    if _hasher.check_needs_rehash(row["password_hash"]):
        store.update_rows("users", {"username": username}, {"password_hash": _hasher.hash(password)})
    return _user(row)


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token(store, username: str) -> tuple[str, str]:
    """(token id, the token itself — shown once; only its SHA-256 is kept)."""
    user = get_user(store, username)
    if user is None:
        raise AccountError(f"username: no user {username!r}")
    if user.disabled:
        raise AccountError(f"username: {username!r} is disabled")
    token = "fp_" + secrets.token_urlsafe(32)
    tid = secrets.token_hex(6)
    store.insert_row("api_tokens", {"id": tid, "username": username, "token_sha256": _sha(token),
                                    "created_at": now()})
    return tid, token


def revoke_token(store, token_id: str) -> None:
    if not store.update_rows("api_tokens", {"id": token_id, "revoked_at": None}, {"revoked_at": now()}):
        raise AccountError(f"token: no active token {token_id!r}")


def list_tokens(store, username: str | None = None) -> list[dict]:
    where = {"username": username} if username else None
    return [{k: v for k, v in r.items() if k != "token_sha256"}
            for r in store.select_rows("api_tokens", where=where, order_by=["created_at"])]


def user_for_token(store, token: str) -> User | None:
    """The enabled user holding this (unrevoked) token, or None."""
    if not token:
        return None
    rows = store.select_rows("api_tokens", where={"token_sha256": _sha(token), "revoked_at": None})
    if not rows:
        return None
    user = get_user(store, rows[0]["username"])
    if user is None or user.disabled:
        return None
    return User(user.username, user.role, user.scopes, user.disabled, "token")


def sso_user(store, username: str) -> User | None:
    """A user named by the trusted proxy's header: must exist here and be enabled (the proxy authenticates,
    findpark authorises)."""
    user = get_user(store, username)
    if user is None or user.disabled:
        return None
    return User(user.username, user.role, user.scopes, user.disabled, "sso")


def failures_since(store, *, username: str | None = None, address: str | None = None,
                   window: _dt.timedelta = LOGIN_WINDOW) -> int:
    """Failed logins for a user or from an address within the window (read from the audit log, so every
    worker and every host behind one store counts the same)."""
    since = (_dt.datetime.now(_dt.timezone.utc) - window).isoformat(timespec="seconds")
    where = {"action": "login_failed", "at": Range(since, None)}
    if username is not None:
        where["target"] = f"user:{username}"
    if address is not None:
        where["address"] = address
    return store.count_rows("audit_log", where=where)


def retry_after(store, username: str, address: str) -> int:
    """Seconds until a login may be tried again (0: now). After MAX_FAILURES failures for the user or from the
    address within LOGIN_WINDOW, until the oldest of them leaves the window."""
    since = (_dt.datetime.now(_dt.timezone.utc) - LOGIN_WINDOW).isoformat(timespec="seconds")
    waits = []
    for where in ({"target": f"user:{username}"}, {"address": address}):
        rows = store.select_rows("audit_log", where={"action": "login_failed", "at": Range(since, None), **where},
                                 order_by=["-at"], limit=MAX_FAILURES)
        if len(rows) >= MAX_FAILURES:
            oldest = _dt.datetime.fromisoformat(rows[-1]["at"])
            waits.append((oldest + LOGIN_WINDOW - _dt.datetime.now(_dt.timezone.utc)).total_seconds())
    return max(1, int(max(waits)) + 1) if waits else 0
