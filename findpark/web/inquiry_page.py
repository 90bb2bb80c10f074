"""(being built) inquiry page for promotion staff."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("inquiry_page", __name__)
