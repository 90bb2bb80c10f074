"""Security headers, the CSP nonce, trusted hosts, the proxy setting and the session cookie's flags.

``init_app(app)`` (called by ``findpark.app.create_app``):

- every response carries a Content-Security-Policy whose ``script-src`` is ``'self'`` plus a per-request nonce
  (templates write ``<script nonce="{{ csp_nonce() }}">``; no ``'unsafe-inline'`` for scripts), ``img-src``
  ``'self' data:`` plus the hosts of the configured basemap tiles (``app.config["BASEMAP"]``),
  ``frame-ancestors 'none'``; and X-Content-Type-Options, Referrer-Policy, X-Frame-Options. The server banner
  (``Server: Werkzeug/… Python/…``) is replaced by ``findpark``.
- ``FINDPARK_TRUSTED_HOSTS`` (comma list, e.g. ``findpark.example.gov.cn,.intranet``) becomes Flask's
  ``TRUSTED_HOSTS``: any other ``Host`` is answered 400, so it cannot rewrite absolute links (``/ogc``).
  Unset: every host is accepted (as before).
- ``FINDPARK_PROXY_FIX=1``: behind a reverse proxy, trust one hop of ``X-Forwarded-For/-Proto/-Host/-Prefix``
  (werkzeug's ProxyFix), so ``request.is_secure`` is true under HTTPS at the proxy.
- The session cookie is always HttpOnly and SameSite=Lax, and Secure when the request came over HTTPS.
"""
from __future__ import annotations

import os
import secrets
from urllib.parse import urlsplit

from flask import Flask, g, has_request_context, request
from flask.sessions import SecureCookieSessionInterface

NONCE_ATTR = "_findpark_csp_nonce"


def csp_nonce() -> str:
    """This request's script nonce (one per request, made on first use); "" outside a request."""
    if not has_request_context():
        return ""
    nonce = getattr(g, NONCE_ATTR, None)
    if nonce is None:
        nonce = secrets.token_urlsafe(18)
        setattr(g, NONCE_ATTR, nonce)
    return nonce


def tile_sources(basemap: dict | None) -> list[str]:
    """CSP sources for the configured tile URL templates: ``scheme://host[:port]`` per layer, with ``{s}``
    expanded over the subdomains (site-relative URLs are covered by 'self')."""
    out: list[str] = []
    if not basemap:
        return out
    subdomains = basemap.get("subdomains") or ""
    for url in basemap.get("layers", []):
        expanded = [url.replace("{s}", s) for s in subdomains] if "{s}" in urlsplit(url).netloc else [url]
        for u in expanded:
            parts = urlsplit(u)
            if not parts.netloc:
                continue
            src = f"{parts.scheme}://{parts.netloc}" if parts.scheme else parts.netloc
            if src not in out:
                out.append(src)
    return out


def content_security_policy(nonce: str, basemap: dict | None = None) -> str:
    img = " ".join(["'self'", "data:", *tile_sources(basemap)])
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'",
        "style-src 'self' 'unsafe-inline'",  # Leaflet, folium and the templates set style attributes
        f"img-src {img}",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, whose cookie is Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or (has_request_context() and request.is_secure)

    def get_cookie_samesite(self, app: Flask) -> str:
        return app.config.get("SESSION_COOKIE_SAMESITE") or "Lax"

    def get_cookie_httponly(self, app: Flask) -> bool:
        return True


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


def trusted_hosts(value: str | None) -> list[str] | None:
    hosts = [h.strip() for h in (value or "").split(",") if h.strip()]
    return hosts or None


def init_app(app: Flask) -> None:
    if app.config.get("TRUSTED_HOSTS") is None:
        app.config["TRUSTED_HOSTS"] = trusted_hosts(os.environ.get("FINDPARK_TRUSTED_HOSTS"))
    if app.config.get("PROXY_FIX") is None:
        app.config["PROXY_FIX"] = _flag(os.environ.get("FINDPARK_PROXY_FIX"))
    if app.config["PROXY_FIX"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_prefix=1)
    app.config["SESSION_COOKIE_SAMESITE"] = app.config.get("SESSION_COOKIE_SAMESITE") or "Lax"
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.session_interface = SessionInterface()
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.after_request
    def _security_headers(resp):
        csp = content_security_policy(csp_nonce(), app.config.get("BASEMAP"))
        resp.headers["Content-Security-Policy"] = csp
        for k, v in HEADERS.items():
            resp.headers.setdefault(k, v)
        if not request.environ.get("SERVER_SOFTWARE", "").startswith("gunicorn"):
            resp.headers["Server"] = "findpark"  # instead of werkzeug's "Werkzeug/x Python/y"
        return resp
