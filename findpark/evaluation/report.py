"""The quarterly 五力 evaluation report: one standalone HTML file and one self-contained PDF.

Both carry the same sections: 概览 (province and cities), 排名 (every park), 等级分布, 变化最大, 风险园区
(index falling two quarters in a row), 各园区五力雷达图 (every park) and 数据来源与方法.

Charts are PNGs drawn once with matplotlib's Agg canvas (object API, no pyplot, so the caller's backend is
left alone) and used by both outputs: base64 data URIs in the HTML, images in the PDF. Every Chinese glyph,
in the charts, the PDF and the HTML, comes from the font the project vendors (static/fonts/NotoSansSC-
Regular.ttf, SIL OFL 1.1): matplotlib gets it through ``fontManager.addfont``, reportlab embeds a subset of
it, and the HTML carries a subset of it as an inline @font-face. No system font is ever looked up.
"""
from __future__ import annotations

import base64
import io
import statistics
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import numpy as np

from ..fonts import (FONT_DIR, FONT_PATH, PDF_FONT, font_path, font_subset_data_uri,  # noqa: F401
                     mpl_font_name, register_pdf_font)
from ..paths import REPO
from .evaluate import Evaluation, evaluate
from .schema import BY_KEY, DIMENSIONS, LOWER_OFFSET, previous_quarter

TEMPLATE = "evaluation_report.html"

DIMS = list(DIMENSIONS)
GRADE_COLORS = {"A": "#2e7d32", "B": "#1565c0", "C": "#ef8f00", "D": "#c62828"}
GRADE_TINTS = {"A": "#e3f1e4", "B": "#e1ecf8", "C": "#fdf0dc", "D": "#f9e0e0"}
LEVEL_ZH = {"national": "国家级", "provincial": "省级", "municipal": "市级", "county": "县级", "small_micro": "小微园"}
# Indicators a dimension uses that are computed rather than loaded (fivepower.derive).
DERIVED = {
    "hightech_firms_per_km2": ("每平方公里高新技术企业数", "家/km²", "higher",
                               "高新技术企业数 ÷ 园区面积（km²，由园区边界计算）"),
    "transport_access": ("交通可达性", "0-1", "higher",
                         "由库中机场、铁路站、地铁站按选址模型的交通准则在园区处计算"),
}
SECTIONS = (("overview", "一、概览"), ("ranking", "二、排名"), ("grades", "三、等级分布"),
            ("movers", "四、变化最大"), ("risk", "五、风险园区"), ("radar", "六、各园区五力雷达图"),
            ("sources", "七、数据来源与方法"))
N_MOVERS = 5
N_TOP = 20


# -- fonts (registration lives in findpark/fonts.py, shared with the web exports) ----------------
@contextmanager
def _mpl_style():
    import matplotlib

    name = mpl_font_name()
    with matplotlib.rc_context({"font.family": "sans-serif", "font.sans-serif": [name],
                                "axes.unicode_minus": False, "svg.fonttype": "none",
                                "axes.spines.top": False, "axes.spines.right": False}):
        yield name  # a glyph the font lacked would warn "Glyph … missing from font(s)" (the tests check none does)


# -- the content ------------------------------------------------------------------------------------
def _signed(x, digits=2) -> str:
    if x is None:
        return "—"
    return f"{x:+.{digits}f}" if round(x, digits) != 0 else f"{0:.{digits}f}"


def _rank_change(x) -> str:
    if x is None:
        return "—"
    return f"↑{x}" if x > 0 else f"↓{-x}" if x < 0 else "0"


def _indicator(key: str) -> dict:
    if key in DERIVED:
        label, unit, better, note = DERIVED[key]
    else:
        ind = BY_KEY[key]
        label, unit, better, note = ind.label, ind.unit, ind.better, ""
    return {"key": key, "label": label, "unit": unit, "better": better, "note": note,
            "better_zh": "越高越好" if better == "higher" else "越低越好",
            "offset": LOWER_OFFSET.get(key) if better == "lower" else None}


def build_context(store, ev: Evaluation) -> dict:
    parks = []
    for p in ev.parks:
        parks.append({**p, "level_zh": LEVEL_ZH.get(p["level"], p["level"] or ""),
                      "index_s": f"{p['index']:.2f}", "change_s": _signed(p["index_change"]),
                      "rank_change_s": _rank_change(p["rank_change"]),
                      "scores_s": [f"{p['scores'][d]:.1f}" for d in DIMS]})
    n = len(parks)
    idx = [p["index"] for p in parks]
    cities = {}
    for p in parks:
        cities.setdefault(p["city"] or "（未知）", []).append(p)
    city_rows = []
    for city, ps in cities.items():
        best = min(ps, key=lambda p: p["rank"])
        city_rows.append({"city": city, "n": len(ps), "mean": statistics.fmean(q["index"] for q in ps),
                          "national": sum(q["level"] == "national" for q in ps),
                          "grades": {g: sum(q["grade"] == g for q in ps) for g in "ABCD"},
                          "at_risk": sum(q["at_risk"] for q in ps), "best": best["name"], "best_rank": best["rank"]})
    city_rows.sort(key=lambda r: (-r["mean"], r["city"]))
    for r in city_rows:
        r["mean_s"] = f"{r['mean']:.2f}"

    changed = [p for p in parks if p["index_change"] is not None]
    up = sorted((p for p in changed if p["index_change"] > 0), key=lambda p: (-p["index_change"], p["park_id"]))
    down = sorted((p for p in changed if p["index_change"] < 0), key=lambda p: (p["index_change"], p["park_id"]))
    q1 = previous_quarter(ev.quarter)
    q2 = previous_quarter(q1)
    risk = []
    for p in parks:
        if p["at_risk"]:
            h = dict(ev.history.get(p["park_id"], []))
            risk.append({**p, "trail": [f"{h[q]:.2f}" if q in h else "—" for q in (q2, q1, ev.quarter)],
                         "two_q_change_s": _signed(p["index"] - h[q2]) if q2 in h else "—"})
    dim_means = {d: statistics.fmean(p["scores"][d] for p in parks) for d in DIMS} if parks else {}
    cut = ev.cutoffs
    grade_rows = []
    for g in "ABCD":
        c = ev.grade_counts.get(g, 0)
        rule = {"A": "前 ≤20%", "B": "其后 ≤30%（A+B ≤50%）", "C": "其余", "D": "末尾 ≥5%"}[g]
        bound = ("最低指数" if g != "D" else "最高指数") + (f" {cut[g]:.2f}" if g in cut else " —")
        grade_rows.append({"grade": g, "count": c, "share": f"{c / n:.1%}" if n else "—", "rule": rule,
                           "bound": bound, "color": GRADE_COLORS[g]})
    method = [{"dim": d, "weights": [{**_indicator(key), "weight": w} for key, w in DIMENSIONS[d].items()]}
              for d in DIMS]
    prov = dict(ev.provenance)
    return {
        "title": f"浙江省开发区（园区）五力评价报告 {ev.quarter}",
        "quarter": ev.quarter, "previous_quarter": q1, "quarters": ev.quarters,
        "has_previous": q1 in ev.quarters,
        "generated": datetime.now().strftime("%Y-%m-%d %H:%M"),
        "n": n, "n_national": sum(p["level"] == "national" for p in parks),
        "n_provincial": sum(p["level"] == "provincial" for p in parks),
        "n_cities": len(city_rows),
        "mean_s": f"{statistics.fmean(idx):.2f}" if idx else "—",
        "median_s": f"{statistics.median(idx):.2f}" if idx else "—",
        "max_s": f"{max(idx):.2f}" if idx else "—", "min_s": f"{min(idx):.2f}" if idx else "—",
        "top": parks[0] if parks else None,
        "parks": parks, "cities": city_rows, "grades": grade_rows,
        "up": up[:N_MOVERS], "down": down[:N_MOVERS], "n_up": len(up), "n_down": len(down),
        "risk": risk, "risk_quarters": [q2, q1, ev.quarter],
        "dims": DIMS, "dim_means": dim_means, "dim_means_s": {d: f"{v:.1f}" for d, v in dim_means.items()},
        "method": method,
        "provenance": {**prov, "data_version": getattr(store, "data_version", None),
                       "font": "Noto Sans SC（SIL Open Font License 1.1，随 findpark 提供，static/fonts/）"},
        "sections": SECTIONS,
    }


# -- charts -----------------------------------------------------------------------------------------
def _png(fig, dpi) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def _new_figure(w, h):
    from matplotlib.figure import Figure

    return Figure(figsize=(w, h))


def render_charts(ev: Evaluation, ctx: dict, *, dpi: int = 110, radar_dpi: int = 90) -> dict:
    """{"grades", "histogram", "top", "cities", "movers": PNG bytes, "radar": {park_id: PNG bytes}}."""
    parks = ctx["parks"]
    charts = {}
    with _mpl_style():
        # grade distribution
        fig = _new_figure(5.2, 3.0)
        ax = fig.add_subplot()
        counts = [ev.grade_counts.get(g, 0) for g in "ABCD"]
        bars = ax.bar(list("ABCD"), counts, color=[GRADE_COLORS[g] for g in "ABCD"], width=0.6)
        n = max(len(parks), 1)
        for b, c in zip(bars, counts):
            ax.annotate(f"{c} 个（{c / n:.0%}）", (b.get_x() + b.get_width() / 2, b.get_height()),
                        ha="center", va="bottom", fontsize=9, xytext=(0, 2), textcoords="offset points")
        ax.set_ylabel("园区数")
        ax.set_ylim(0, max(counts + [1]) * 1.2)
        ax.set_title(f"{ev.quarter} 亩均等级分布（共 {len(parks)} 个园区）", fontsize=11)
        fig.tight_layout()
        charts["grades"] = _png(fig, dpi)

        # index distribution, stacked by grade, with the cut-offs
        fig = _new_figure(6.4, 3.0)
        ax = fig.add_subplot()
        idx = np.array([p["index"] for p in parks]) if parks else np.zeros(1)
        bins = np.arange(np.floor(idx.min() / 2.5) * 2.5, np.ceil(idx.max() / 2.5) * 2.5 + 2.5, 2.5)
        data = [[p["index"] for p in parks if p["grade"] == g] for g in "ABCD"]
        ax.hist(data, bins=bins, stacked=True, color=[GRADE_COLORS[g] for g in "ABCD"],
                label=[f"{g} 级" for g in "ABCD"], edgecolor="white", linewidth=0.5)
        for g in "AB":
            if g in ev.cutoffs:
                ax.axvline(ev.cutoffs[g], color=GRADE_COLORS[g], ls="--", lw=1)
        ax.set_xlabel("五力指数（0-100）")
        ax.set_ylabel("园区数")
        ax.set_title("五力指数分布", fontsize=11)
        ax.legend(fontsize=8, frameon=False)
        fig.tight_layout()
        charts["histogram"] = _png(fig, dpi)

        # top 20
        top = parks[:N_TOP]
        fig = _new_figure(6.4, 0.24 * len(top) + 0.9)
        ax = fig.add_subplot()
        y = np.arange(len(top))[::-1]
        ax.barh(y, [p["index"] for p in top], color=[GRADE_COLORS[p["grade"]] for p in top], height=0.7)
        ax.set_yticks(y, [f"{p['rank']}. {p['name']}" for p in top], fontsize=8)
        for yy, p in zip(y, top):
            ax.text(p["index"] + 0.4, yy, p["index_s"], va="center", fontsize=7)
        ax.set_xlim(0, max([p["index"] for p in top] + [1]) * 1.12)
        ax.set_xlabel("五力指数")
        ax.set_title(f"五力指数前 {len(top)} 名", fontsize=11)
        fig.tight_layout()
        charts["top"] = _png(fig, dpi)

        # cities
        rows = ctx["cities"]
        fig = _new_figure(6.4, 0.3 * len(rows) + 0.9)
        ax = fig.add_subplot()
        y = np.arange(len(rows))[::-1]
        ax.barh(y, [r["mean"] for r in rows], color="#4f7cac", height=0.65)
        ax.set_yticks(y, [r["city"] for r in rows], fontsize=9)
        for yy, r in zip(y, rows):
            ax.text(r["mean"] + 0.3, yy, f"{r['mean_s']}（{r['n']} 个园区）", va="center", fontsize=8)
        ax.set_xlim(0, max([r["mean"] for r in rows] + [1]) * 1.3)
        ax.set_xlabel("平均五力指数")
        ax.set_title("各设区市园区平均五力指数", fontsize=11)
        fig.tight_layout()
        charts["cities"] = _png(fig, dpi)

        # movers
        movers = ctx["up"] + ctx["down"][::-1]
        if movers:
            fig = _new_figure(6.4, 0.28 * len(movers) + 0.9)
            ax = fig.add_subplot()
            y = np.arange(len(movers))[::-1]
            vals = [p["index_change"] for p in movers]
            ax.barh(y, vals, color=["#2e7d32" if v > 0 else "#c62828" for v in vals], height=0.65)
            ax.set_yticks(y, [p["name"] for p in movers], fontsize=8)
            ax.axvline(0, color="#555", lw=0.8)
            span = max(abs(v) for v in vals) * 1.3
            ax.set_xlim(-span, span)
            for yy, v in zip(y, vals):
                ax.text(v + (0.15 if v > 0 else -0.15), yy, _signed(v), va="center",
                        ha="left" if v > 0 else "right", fontsize=7)
            ax.set_xlabel(f"五力指数变化（{ctx['previous_quarter']} → {ev.quarter}）")
            ax.set_title("指数升降最大的园区", fontsize=11)
            fig.tight_layout()
            charts["movers"] = _png(fig, dpi)

        charts["radar"] = _radars(parks, ctx["dim_means"], radar_dpi)
    return charts


def _radars(parks: list, means: dict, dpi: int) -> dict:
    """One radar per park. The axes, labels and grid are drawn once; each park's polygon is then blitted
    onto a copy of that background (~10 ms a park instead of ~50 ms for a full redraw)."""
    if not parks:
        return {}
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from PIL import Image as PILImage

    fig = Figure(figsize=(2.6, 2.45), dpi=dpi)
    canvas = FigureCanvasAgg(fig)
    ax = fig.add_subplot(projection="polar")
    fig.subplots_adjust(left=0.17, right=0.83, top=0.86, bottom=0.1)
    angles = np.linspace(0, 2 * np.pi, len(DIMS), endpoint=False)
    closed = np.r_[angles, angles[:1]]
    ax.set_theta_offset(np.pi / 2)
    ax.set_theta_direction(-1)
    ax.set_xticks(angles, DIMS, fontsize=8)
    ax.tick_params(axis="x", pad=1)
    ax.set_ylim(0, 100)
    ax.set_yticks([20, 40, 60, 80, 100], ["20", "40", "60", "80", ""], fontsize=6, color="#888")
    ax.set_rlabel_position(36)
    ax.grid(color="#ccc", lw=0.6)
    ax.spines["polar"].set_color("#bbb")
    m = [means[d] for d in DIMS]
    (mean_line,) = ax.plot(closed, m + m[:1], color="#666", ls="--", lw=0.9, animated=True)
    (poly,) = ax.fill(closed, m + m[:1], alpha=0.25, animated=True)
    (line,) = ax.plot(closed, m + m[:1], lw=1.6, animated=True)
    canvas.draw()  # everything but the animated artists
    background = canvas.copy_from_bbox(fig.bbox)
    out = {}
    for p in parks:
        v = [p["scores"][d] for d in DIMS]
        color = GRADE_COLORS.get(p["grade"], "#444")
        line.set_data(closed, v + v[:1])
        line.set_color(color)
        poly.set_xy(np.column_stack([closed, v + v[:1]]))
        poly.set_facecolor(color)
        canvas.restore_region(background)
        for artist in (poly, line, mean_line):
            ax.draw_artist(artist)
        img = PILImage.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        buf = io.BytesIO()
        img.convert("RGB").quantize(96).save(buf, format="PNG", optimize=True)
        out[p["park_id"]] = buf.getvalue()
    return out


# -- HTML -------------------------------------------------------------------------------------------
def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def render_html(ctx: dict, charts: dict) -> str:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(str(REPO / "templates")), autoescape=select_autoescape(["html"]),
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


# -- PDF --------------------------------------------------------------------------------------------
def write_pdf(path: Path, ctx: dict, charts: dict) -> None:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (BaseDocTemplate, Frame, Image, KeepTogether, PageTemplate, Paragraph,
                                    Spacer, Table, TableStyle)
    from reportlab.platypus.flowables import PageBreak

    font = register_pdf_font()
    W, H = A4
    margin = 15 * mm
    body_w = W - 2 * margin
    base = ParagraphStyle("base", fontName=font, fontSize=9, leading=13.5, wordWrap="CJK")
    small = ParagraphStyle("small", parent=base, fontSize=7.5, leading=10.5)
    cap = ParagraphStyle("cap", parent=base, fontSize=7, leading=9, alignment=1)
    title = ParagraphStyle("title", parent=base, fontSize=17, leading=24, spaceAfter=4)
    h1 = ParagraphStyle("h1", parent=base, fontSize=13, leading=18, spaceBefore=10, spaceAfter=6,
                        textColor=colors.HexColor("#1f3b5a"))
    h2 = ParagraphStyle("h2", parent=base, fontSize=10.5, leading=15, spaceBefore=6, spaceAfter=3)
    warn = ParagraphStyle("warn", parent=base, textColor=colors.HexColor("#8a1c1c"),
                          backColor=colors.HexColor("#fdecea"),
                          borderColor=colors.HexColor("#e3a1a1"), borderWidth=0.6, borderPadding=5, spaceBefore=4,
                          spaceAfter=8)
    synthetic = bool(ctx["provenance"].get("synthetic"))

    class Doc(BaseDocTemplate):
        def afterFlowable(self, flowable):  # PDF outline (bookmarks) from the section headings
            if isinstance(flowable, Paragraph) and flowable.style.name in ("h1", "h2"):
                key = getattr(flowable, "_bookmark", None)
                if key:
                    self.canv.bookmarkPage(key)
                    self.canv.addOutlineEntry(flowable.getPlainText(), key,
                                              level=0 if flowable.style.name == "h1" else 1, closed=False)

    def heading(text, style=h1, key=None):
        p = Paragraph(text, style)
        p._bookmark = key or f"h{id(p)}"
        return p

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(font, 7.5)
        canvas.setFillColor(colors.HexColor("#666666"))
        canvas.drawString(margin, 9 * mm, f"findpark 园区五力评价 {ctx['quarter']}"
                          + ("　※ 本报告指标为模拟数据，仅供演示" if synthetic else ""))
        canvas.drawRightString(W - margin, 9 * mm, f"第 {doc.page} 页")
        canvas.restoreState()

    doc = Doc(str(path), pagesize=A4, leftMargin=margin, rightMargin=margin, topMargin=14 * mm,
              bottomMargin=16 * mm, title=ctx["title"], author="findpark", subject="园区五力评价季度报告",
              creator="findpark evaluate", initialFontName=font, initialFontSize=9)
    doc.addPageTemplates([PageTemplate("page", [Frame(margin, 16 * mm, body_w, H - 30 * mm, id="body")],
                                       onPage=footer)])

    grid = colors.HexColor("#b8c2cc")
    head_bg = colors.HexColor("#1f3b5a")

    def table(rows, widths, *, size=8, align_right_from=None, extra=(), repeat=1, zebra=True):
        t = Table(rows, colWidths=widths, repeatRows=repeat, hAlign="LEFT")
        style = [("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), size),
                 ("LEADING", (0, 0), (-1, -1), size + 2.5),
                 ("TEXTCOLOR", (0, 0), (-1, 0), colors.white), ("BACKGROUND", (0, 0), (-1, 0), head_bg),
                 ("GRID", (0, 0), (-1, -1), 0.3, grid), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                 ("TOPPADDING", (0, 0), (-1, -1), 1.6), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.2),
                 ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3)]
        if align_right_from is not None:
            style.append(("ALIGN", (align_right_from, 1), (-1, -1), "RIGHT"))
        if zebra:
            for r in range(2, len(rows), 2):
                style.append(("BACKGROUND", (0, r), (-1, r), colors.HexColor("#f3f6f9")))
        t.setStyle(TableStyle(style + list(extra)))
        return t

    def image(png: bytes, width):
        from reportlab.lib.utils import ImageReader

        reader = ImageReader(io.BytesIO(png))
        iw, ih = reader.getSize()
        return Image(io.BytesIO(png), width=width, height=width * ih / iw)

    def grade_cells(rows, col, first_row=1):
        out = []
        for r, g in enumerate(rows, start=first_row):
            out += [("BACKGROUND", (col, r), (col, r), colors.HexColor(GRADE_TINTS[g])),
                    ("TEXTCOLOR", (col, r), (col, r), colors.HexColor(GRADE_COLORS[g])),
                    ("ALIGN", (col, r), (col, r), "CENTER")]
        return out

    def change_cells(values, col, first_row=1):
        out = []
        for r, v in enumerate(values, start=first_row):
            if v:
                out.append(("TEXTCOLOR", (col, r), (col, r), colors.HexColor("#2e7d32" if v > 0 else "#c62828")))
        return out

    story = [Paragraph(ctx["title"], title),
             Paragraph(f"评价季度 {ctx['quarter']}　对比季度 {ctx['previous_quarter'] if ctx['has_previous'] else '（无）'}"
                       f"　园区 {ctx['n']} 个　生成时间 {ctx['generated']}　数据版本 {ctx['provenance'].get('data_version')}", small)]
    if synthetic:
        story.append(Paragraph("※ 注意：本报告所用季度指标均为<b>模拟数据</b>（按园区类型、规模和所在地区生成），"
                               "仅用于演示评价方法，不代表园区真实经营情况。详见“七、数据来源与方法”。", warn))

    # 一、概览
    story.append(heading("一、概览", key="overview"))
    top = ctx["top"]
    story.append(Paragraph(
        f"全省纳入评价的开发区（园区）共 {ctx['n']} 个（国家级 {ctx['n_national']} 个、省级 {ctx['n_provincial']} 个），"
        f"分布于 {ctx['n_cities']} 个设区市。{ctx['quarter']} 五力指数平均 {ctx['mean_s']}，中位数 {ctx['median_s']}，"
        f"最高 {ctx['max_s']}（{top['name'] if top else '—'}），最低 {ctx['min_s']}。"
        f"较上季度指数上升 {ctx['n_up']} 个、下降 {ctx['n_down']} 个；连续两个季度下降的风险园区 {len(ctx['risk'])} 个。", base))
    story.append(Spacer(1, 4))
    rows = [["等级", "园区数", "占比", "规则", "分界"]] + [[g["grade"], str(g["count"]), g["share"], g["rule"], g["bound"]]
                                                    for g in ctx["grades"]]
    story.append(table(rows, [30, 40, 40, 130, 90], align_right_from=1,
                       extra=grade_cells([g["grade"] for g in ctx["grades"]], 0)
                       + [("ALIGN", (3, 1), (-1, -1), "LEFT")]))
    story.append(Paragraph("五维平均分：" + "　".join(f"{d} {ctx['dim_means_s'][d]}" for d in ctx["dims"]), small))
    story.append(heading("各设区市", h2, key="overview-cities"))
    rows = [["设区市", "园区数", "国家级", "平均指数", "A", "B", "C", "D", "风险", "最佳园区（名次）"]]
    for r in ctx["cities"]:
        rows.append([r["city"], str(r["n"]), str(r["national"]), r["mean_s"], *[str(r["grades"][g]) for g in "ABCD"],
                     str(r["at_risk"]), f"{r['best']}（{r['best_rank']}）"])
    story.append(table(rows, [44, 34, 34, 44, 22, 22, 22, 22, 26, 190], align_right_from=1,
                       extra=[("ALIGN", (9, 1), (9, -1), "LEFT")]))
    story.append(Spacer(1, 6))
    story.append(image(charts["cities"], body_w * 0.8))

    # 二、排名
    story.append(PageBreak())
    story.append(heading("二、排名", key="ranking"))
    story.append(Paragraph(f"全部 {ctx['n']} 个园区按五力指数由高到低排列；变化为较 {ctx['previous_quarter']} 的指数变化，"
                           "名次变化 ↑ 为上升。", small))
    head = ["名次", "园区", "设区市", "等级", "指数", *ctx["dims"], "变化", "名次变化"]
    rows = [head] + [[str(p["rank"]), p["name"], p["city"] or "", p["grade"], p["index_s"], *p["scores_s"],
                      p["change_s"], p["rank_change_s"]] for p in ctx["parks"]]
    widths = [24, 142, 38, 24, 32, 33, 33, 33, 33, 33, 34, 36]
    extra = grade_cells([p["grade"] for p in ctx["parks"]], 3)
    extra += change_cells([p["index_change"] for p in ctx["parks"]], 10)
    extra += change_cells([p["rank_change"] for p in ctx["parks"]], 11)
    extra += [("ALIGN", (1, 1), (2, -1), "LEFT"), ("ALIGN", (0, 0), (-1, 0), "CENTER")]
    story.append(table(rows, widths, size=7.5, align_right_from=4, extra=[("ALIGN", (0, 1), (0, -1), "RIGHT")] + extra))

    # 三、等级分布
    story.append(PageBreak())
    story.append(heading("三、等级分布", key="grades"))
    story.append(Paragraph("等级按亩均评价的配额划分：A 为前 ≤20%，B 为其后 ≤30%（A+B ≤50%），D 为末尾 ≥5%，其余为 C；"
                           "同分园区不拆分（A、B 边界的同分组整体归入较低等级，D 边界的同分组整体归入 D）。", base))
    story.append(image(charts["grades"], body_w * 0.55))
    story.append(image(charts["histogram"], body_w * 0.72))
    story.append(image(charts["top"], body_w * 0.68))

    # 四、变化最大
    story.append(PageBreak())
    story.append(heading("四、变化最大", key="movers"))
    if not ctx["has_previous"]:
        story.append(Paragraph(f"没有 {ctx['previous_quarter']} 的指标，无法计算变化。", base))
    for label, group in (("指数上升最多", ctx["up"]), ("指数下降最多", ctx["down"])):
        story.append(heading(f"{label}（前 {N_MOVERS}）", h2))
        if not group:
            story.append(Paragraph("无。", base))
            continue
        rows = [["名次", "园区", "设区市", "等级", "上季指数", "本季指数", "变化", "名次变化"]]
        rows += [[str(p["rank"]), p["name"], p["city"] or "", p["grade"], f"{p['previous_index']:.2f}", p["index_s"],
                  p["change_s"], p["rank_change_s"]] for p in group]
        story.append(table(rows, [28, 150, 44, 28, 48, 48, 44, 44], align_right_from=4,
                           extra=grade_cells([p["grade"] for p in group], 3)
                           + change_cells([p["index_change"] for p in group], 6)
                           + change_cells([p["rank_change"] for p in group], 7)
                           + [("ALIGN", (0, 1), (0, -1), "RIGHT")]))
    if "movers" in charts:
        story.append(Spacer(1, 6))
        story.append(image(charts["movers"], body_w * 0.68))

    # 五、风险园区
    story.append(heading("五、风险园区", key="risk"))
    q2, q1, q0 = ctx["risk_quarters"]
    story.append(Paragraph(f"五力指数连续两个季度下降（{q2} → {q1} → {q0} 逐季走低）的园区，共 {len(ctx['risk'])} 个。", base))
    if ctx["risk"]:
        rows = [["名次", "园区", "设区市", "等级", q2, q1, q0, "两季变化"]]
        rows += [[str(p["rank"]), p["name"], p["city"] or "", p["grade"], *p["trail"], p["two_q_change_s"]]
                 for p in ctx["risk"]]
        story.append(table(rows, [28, 150, 44, 28, 48, 48, 48, 48], align_right_from=4,
                           extra=grade_cells([p["grade"] for p in ctx["risk"]], 3)
                           + [("TEXTCOLOR", (7, 1), (7, -1), colors.HexColor("#c62828")),
                              ("ALIGN", (0, 1), (0, -1), "RIGHT")]))

    # 六、雷达图
    story.append(PageBreak())
    story.append(heading("六、各园区五力雷达图", key="radar"))
    story.append(Paragraph("按名次排列；实线与填充为本园区五个维度得分（0-100，颜色为等级），虚线为全省平均。", small))
    cols = 4
    cell_w = body_w / cols
    cells = []
    for p in ctx["parks"]:
        cells.append([image(charts["radar"][p["park_id"]], cell_w - 8),
                      Paragraph(f"{p['rank']}. {p['name']}<br/>{p['grade']} 级　指数 {p['index_s']}", cap)])
    grid_rows = [cells[i:i + cols] + [""] * (cols - len(cells[i:i + cols])) for i in range(0, len(cells), cols)]
    if grid_rows:
        t = Table(grid_rows, colWidths=[cell_w] * cols, hAlign="LEFT")
        t.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font),
                               ("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                               ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]))
        story.append(t)

    # 七、数据来源与方法
    story.append(PageBreak())
    story.append(heading("七、数据来源与方法", key="sources"))
    prov = ctx["provenance"]
    if synthetic:
        story.append(Paragraph("※ 模拟数据：本季度所有园区的评价指标均由 findpark 按园区类型、规模和所在地区生成"
                               "（带随机种子，可复现），不是统计或填报数据。园区名录、级别、类型、所在地和面积来自 2018 年"
                               "《中国开发区审核公告目录》；交通可达性由库中的机场、铁路站、地铁站位置计算（内置数据来自真实来源）。", warn))
    story.append(Paragraph("指标来源：" + "；".join(prov.get("sources") or ["—"]), base))
    story.append(Paragraph(f"数据截至：{prov.get('as_of')}　数据版本：{prov.get('data_version')}", base))
    story.append(Paragraph(f"已载入季度：{'、'.join(ctx['quarters'])}", base))
    story.append(Paragraph(f"字体：{prov['font']}", small))
    story.append(heading("方法", h2, key="method"))
    story.append(Paragraph("归一化（每季度、每项指标在全部园区间进行）：越高越好的指标 n = x ÷ 全省最大值（全部为 0 时取 0）；"
                           "越低越好的指标 n = (全省最小值 + c) ÷ (x + c)，c 为防止最优值为 0 的偏移量。"
                           "各指标最优的园区得 1 分。维度得分 = 100 × Σ 权重 × n（每个维度权重之和为 1），"
                           "五力指数 = 五个维度得分的算术平均。", base))
    story.append(Paragraph("五力中的产业聚力、要素效力、产城合力、区域引力出自杭州市发改委对政协第 376 号提案的答复；"
                           "第五力“创新动力”是 findpark 的选择，参照城市规划中的“绿色创新”评价维度，并非官方口径。", base))
    rows = [["维度", "指标", "单位", "方向", "权重"]]
    spans = []
    for m in ctx["method"]:
        start = len(rows)
        for w in m["weights"]:
            direction = w["better_zh"] + (f"（c = {w['offset']:g}）" if w["offset"] else "")
            rows.append([m["dim"], w["label"], w["unit"], direction, f"{w['weight']:.2f}"])
        spans.append(("SPAN", (0, start), (0, len(rows) - 1)))
    story.append(KeepTogether(table(rows, [60, 170, 70, 110, 40], align_right_from=4, zebra=False,
                                    extra=spans + [("VALIGN", (0, 1), (0, -1), "MIDDLE")])))
    story.append(Paragraph("派生指标：" + "；".join(f"{v[0]} = {v[3]}" for v in DERIVED.values()) + "。", small))
    story.append(Paragraph("风险园区：本季度指数低于上季度，且上季度指数低于前一季度。名次变化 = 上季名次 − 本季名次。", small))
    doc.build(story)


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
