"""The pages for promotion staff (Chinese first, English on request): 找园区, 园区, 项目落位, 园区对比, 咨询,
and the PDF/XLSX exports. Blueprints only; the app is built by ``findpark.app.create_app``. This room never
imports ``findpark.api``: what both need lives in ``findpark.http`` and ``findpark.services``."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from . import (auth_pages, compare_page, data_admin, desk, exports, inquiry_page, pages, place_labels,
                   recommend_page)

    for module in (pages, recommend_page, compare_page, inquiry_page, desk, auth_pages, exports, data_admin,
                   place_labels):
        app.register_blueprint(module.bp)

