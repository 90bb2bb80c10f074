"""Throttling of what the public can do in bulk (Flask-Limiter): inquiry posts and PDF/XLSX exports, per client
address. Limits come from the config (``RATE_INQUIRIES``, ``RATE_EXPORTS``; env ``FINDPARK_RATE_INQUIRIES``,
``FINDPARK_RATE_EXPORTS``), in Flask-Limiter's notation (``"5 per minute;50 per day"``). The counters live in
memory (``RATELIMIT_STORAGE_URI``, e.g. ``redis://…`` to share them between hosts). Over a limit: 429 with
``Retry-After`` (problem details on the API, the branded page on pages). Logins are throttled separately, per
user and per address, from the audit log (``findpark.services.accounts.retry_after``)."""
from __future__ import annotations

import os

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)


def init_app(app: Flask) -> None:
    app.config.setdefault("RATE_INQUIRIES", os.environ.get("FINDPARK_RATE_INQUIRIES", "5 per minute;50 per day"))
    app.config.setdefault("RATE_EXPORTS", os.environ.get("FINDPARK_RATE_EXPORTS", "20 per minute;300 per day"))
    app.config.setdefault("RATELIMIT_STORAGE_URI", os.environ.get("FINDPARK_RATELIMIT_STORAGE", "memory://"))
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter.init_app(app)


def inquiries_limit() -> str:
    return current_app.config["RATE_INQUIRIES"]


def exports_limit() -> str:
    return current_app.config["RATE_EXPORTS"]
