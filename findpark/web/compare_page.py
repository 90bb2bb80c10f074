"""(being built) compare page for promotion staff."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("compare_page", __name__)
