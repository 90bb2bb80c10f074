"""The quarterly 五力 evaluation report: one standalone HTML file and one self-contained PDF, written by
``findpark evaluate`` through ``write_report``.

Both carry the same sections: 概览 (province and cities), 排名 (every park), 等级分布, 变化最大, 风险园区
(index falling two quarters in a row), 各园区五力雷达图 (every park) and 数据来源与方法. The content is
``quarterly_context.build_context``, the charts ``quarterly_charts.render_charts`` (PNGs drawn once, used by
both outputs), the PDF ``quarterly_pdf.write_pdf`` on the reports' PDF base. Every Chinese glyph, in the
charts, the PDF and the HTML, comes from the font the project vendors (``findpark.fonts``): the HTML
carries a subset of it as an inline @font-face. No system font is ever looked up.
"""
from __future__ import annotations

import base64
from pathlib import Path

from ..evaluation.evaluate import evaluate
from ..fonts import font_subset_data_uri
from ..paths import TEMPLATES_DIR
from .quarterly_charts import render_charts
from .quarterly_context import GRADE_COLORS, GRADE_TINTS, build_context  # noqa: F401 (build_context: the API)
from .quarterly_pdf import write_pdf

TEMPLATE = "evaluation_report.html"  # in TEMPLATES_DIR


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def render_html(ctx: dict, charts: dict) -> str:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(str(TEMPLATES_DIR)), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    tpl = env.get_template(TEMPLATE)
    images = {k: _data_uri(v) for k, v in charts.items() if k != "radar"}
    radars = {pid: _data_uri(v) for pid, v in charts["radar"].items()}
    html = tpl.render(**ctx, images=images, radars=radars, font_uri=None, grade_colors=GRADE_COLORS,
                      grade_tints=GRADE_TINTS)
    # A second pass with the font cut to exactly the characters the page shows (~0.3 MB instead of 10 MB).
    text = "".join(ch for ch in html if ord(ch) > 0x7F)
    font_uri = font_subset_data_uri(text)
    if font_uri is None:
        return html
    return tpl.render(**ctx, images=images, radars=radars, font_uri=font_uri, grade_colors=GRADE_COLORS,
                      grade_tints=GRADE_TINTS)


# -- entry point ------------------------------------------------------------------------------------
def write_report(store, quarter: str | None = None, out_dir: Path | str = Path("reports")) -> dict:
    """Evaluate ``quarter`` (default the latest) and write evaluation_<quarter>.html and .pdf to ``out_dir``.

    Raises LookupError when the quarter has no indicators (the message lists the quarters available)."""
    ev = evaluate(store, quarter)
    ctx = build_context(store, ev)
    charts = render_charts(ev, ctx)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    html_path = out / f"evaluation_{ev.quarter}.html"
    pdf_path = out / f"evaluation_{ev.quarter}.pdf"
    html_path.write_text(render_html(ctx, charts), encoding="utf-8")
    write_pdf(pdf_path, ctx, charts)
    return {"html": html_path, "pdf": pdf_path}
