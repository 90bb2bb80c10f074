"""(being built) recommend page for promotion staff."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("recommend_page", __name__)
