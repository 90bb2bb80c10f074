"""A comparison of 2-4 parks (``services.comparison.compare_data``) as PDF (landscape, with the page's radar
chart as a vector drawing) and as XLSX."""
from __future__ import annotations

from xml.sax.saxutils import escape as _xml

from .. import numbers, vocab
from ..services.provenance import short_text
from ..services.comparison import fmt_num, radar_series, radar_unit, reason_label
from ..siting import CRITERIA
from . import xlsx
from .pdf import MARK, SOURCES_NOTE, SYNTH_NOTE, Pdf, now
from .recommendation import contrib_text

SUBJECT = "园区对比"


def file_names(data: dict, ext: str) -> tuple[str, str]:
    """(the Chinese file name, an ASCII fallback) of a comparison export."""
    day = now().strftime("%Y%m%d")
    names = "_".join(p["name"] for p in data["parks"])
    return f"园区对比_{names}_{day}.{ext}", f"findpark_compare_{'_'.join(data['ids'])}_{day}.{ext}"


def _dim(data: dict, d: str) -> str:
    return (data.get("dimension_labels") or {}).get(d, d)


def radar_drawing(doc: Pdf, dims: list[str], labels: dict, series: list[dict], size: float):
    """The page's radar chart (same geometry, ``radar_unit``) as a reportlab vector drawing."""
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
        d.add(String(cx + (r + 9) * u[0], cy + (r + 9) * u[1] - 3, labels.get(dims[k], dims[k]), fontName=doc.font,
                     fontSize=9, textAnchor=anchor))
    for s in series:
        col = colors.HexColor(s["color"])
        us = radar_unit([s["scores"].get(dd, 0) for dd in dims])
        d.add(Polygon(flat(us), fillColor=colors.Color(col.red, col.green, col.blue, alpha=0.12),
                      strokeColor=col, strokeWidth=1.6))
        for u in us:
            d.add(Circle(cx + r * u[0], cy + r * u[1], 1.8, fillColor=col, strokeColor=None))
    return d


def _fit_rows(data: dict) -> list[list]:
    parks = data["parks"]
    rows = [["项目"] + [x["name"] for x in parks]]
    rows.append(["最佳地块"] + [
        (f"{x['fit']['best_plot_id']}\n{fmt_num(x['best_plot']['area_mu'], 1)} 亩 · {x['best_plot']['land_use']}{MARK}"
         if x["best_plot"] else (x["fit"]["best_plot_id"] or "无符合全部条件的地块")) for x in parks])
    rows.append(["得分"] + [numbers.points_text(x["fit"]["score"]) for x in parks])
    rows.append(["符合条件的地块"] + [f"{x['fit']['n_eligible_plots']} 块" for x in parks])
    rows.append(["得分构成"] + [contrib_text(x["fit"]["contributions"]) for x in parks])
    rows.append(["理由"] + ["；".join(x["fit"]["reasons"]) or "—" for x in parks])
    rows.append(["排除的地块"] + [
        f"共 {x['fit']['excluded']['total']} 块：" + "，".join(f"{reason_label(c)} {n}" for c, n in
                                                           x["fit"]["excluded"]["by_reason"].items())
        for x in parks])
    return rows


def _evaluation(doc: Pdf, data: dict, story: list) -> None:
    from reportlab.platypus import Table, TableStyle

    parks, mm, W = data["parks"], doc.mm, doc.width
    k = len(parks)
    rows = [["维度"] + [x["name"] for x in parks],
            ["亩均等级"] + [x["evaluation"]["grade"] if x["evaluation"] else "—" for x in parks],
            ["五力指数"] + [f"{x['evaluation']['index']:.1f}" if x["evaluation"] else "—" for x in parks],
            ["排名"] + [f"{x['evaluation']['rank']}/{data['n_evaluated']}" if x["evaluation"] else "—" for x in parks]]
    for dim in data["dimensions"]:
        rows.append([_dim(data, dim)] + [f"{x['evaluation']['scores'][dim]:.1f}" if x["evaluation"] else "—"
                                         for x in parks])
    series = radar_series(data)
    left = doc.table(rows, [28 * mm] + [(W * 0.55 - 28 * mm) / k] * k)
    if not series:
        story.append(left)
        return
    labels = {d: _dim(data, d) for d in data["dimensions"]}
    radar = radar_drawing(doc, data["dimensions"], labels, series, 70 * mm)
    legend = [doc.p("图例", doc.h2)] + [
        doc.markup(f'<font color="{s["color"]}">■</font> {_xml(s["name"])}', doc.small) for s in series]
    t = Table([[left, radar, legend]], colWidths=[W * 0.55 + 4, 74 * mm, W * 0.45 - 78 * mm], hAlign="LEFT")
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    story.append(t)


def pdf(data: dict) -> bytes:
    from reportlab.platypus import KeepTogether, Spacer

    names = "、".join(p["name"] for p in data["parks"])
    doc = Pdf(f"{SUBJECT} {names}", SUBJECT, landscape=True)
    p, mm = doc.p, doc.mm
    W = doc.width
    parks = data["parks"]
    first = 46 * mm
    widths = [first] + [(W - first) / len(parks)] * len(parks)
    story = [p(f"{SUBJECT}：{names}", doc.h0),
             p(f"数据版本 {data['data_version']} · 生成于 {now().strftime('%Y-%m-%d %H:%M')}", doc.small),
             p(SYNTH_NOTE, doc.warn)]

    story.append(doc.heading("一、基本情况与指标"))
    rows = [["项目"] + [f"{x['name']}\n{x['id']}" for x in parks],
            ["级别 / 类型"] + [f"{x['level_zh']} · {x['kind']}" for x in parks],
            ["所在地"] + [f"{x['city']}{x['district'] or ''}" for x in parks],
            ["主导产业"] + ["、".join(x["leading_industries"]) or "—" for x in parks],
            ["批准时间"] + [x["approval_date"] or "—" for x in parks]]
    for row in data["rows"]:
        rows.append([f"{row['label']}（{row['unit']}）"]
                    + [c["text"] + (MARK if c["synthetic"] else "") + (" ✓" if c["best"] else "")
                       for c in row["cells"]])
    rows.append([f"可供地块{MARK}"] + [f"{x['summary']['n_available']} 块 / {fmt_num(x['summary']['available_mu'], 0)} 亩"
                                     for x in parks])
    rows.append([f"最大可供地块{MARK}"] + [f"{fmt_num(x['summary']['largest_available_mu'], 1)} 亩" for x in parks])
    rows.append([f"可供用地性质{MARK}"] + ["、".join(f"{lu}×{n}" for lu, n in x["summary"]["available_land_uses"].items())
                                       or "—" for x in parks])
    story.append(doc.table(rows, widths))
    story.append(p("✓ 为该项指标最优者（亩均、余量越高越好，地价、租金越低越好）。", doc.small))

    story.append(doc.heading(f"二、五力评价{(' ' + data['quarter']) if data['quarter'] else ''}"
                             f"{MARK if data['evaluation_synthetic'] else ''}"))
    if data["quarter"]:
        _evaluation(doc, data, story)
    else:
        story.append(p("暂无季度指标，无法评价。"))

    if data["requirement"] is not None:
        story.append(doc.heading("三、本项目的最佳地块"))
        story.append(p("项目条件：" + "；".join(f"{a} {b}" for a, b in data["requirement_text"]), doc.small))
        story.append(Spacer(1, 3))
        story.append(doc.table(_fit_rows(data), widths))

    story.append(doc.heading("数据来源与说明"))
    story.append(p(short_text(parks[0]), doc.small))  # the line for people; the table below has the rest
    story.append(p(SOURCES_NOTE, doc.small))
    rows = [["园区", "来源", "截至", "模拟字段"]] + [
        [f"{x['name']}（{x['id']}）", x["source"] or "—", x["as_of"] or "—", xlsx.synth_fields(x["synthetic"])]
        for x in parks]
    # the closing note keeps to the table before it: never a page holding the disclaimer alone
    tail = [doc.table(rows, [60 * mm, 90 * mm, 24 * mm, W - 174 * mm], size=7)]
    if data["quarter"]:
        tail.append(p(f"五力评价 {data['quarter']}：来源 {'、'.join(data['evaluation_sources']) or '—'}。", doc.small))
    tail.append(p(SYNTH_NOTE, doc.warn))
    story.append(KeepTogether(tail))
    return doc.build(story)


def workbook(data: dict) -> bytes:
    parks = data["parks"]
    wb = xlsx.new_workbook(f"{SUBJECT} " + "、".join(p["name"] for p in parks))
    names = [f"{p['name']}（{p['id']}）" for p in parks]
    wide = {n: 30 for n in names}
    rows = [["级别", "", *[p["level_zh"] for p in parks]], ["类型", "", *[p["kind"] for p in parks]],
            ["所在地", "", *[f"{p['city']}{p['district'] or ''}" for p in parks]],
            ["主导产业", "", *["、".join(p["leading_industries"]) for p in parks]],
            ["批准时间", "", *[p["approval_date"] or "" for p in parks]]]
    for row in data["rows"]:
        rows.append([row["label"], row["unit"], *[(c["value"], c["synthetic"]) for c in row["cells"]]])
    xlsx.sheet(wb, "指标", ["指标", "单位", *names], rows, {"指标": 16, "单位": 12, **wide})
    rows = [["可供地块数", "块", *[(p["summary"]["n_available"], True) for p in parks]],
            ["可供面积", "亩", *[(p["summary"]["available_mu"], True) for p in parks]],
            ["最大可供地块", "亩", *[(p["summary"]["largest_available_mu"], True) for p in parks]],
            ["可供用地性质", "", *["、".join(f"{lu}×{n}" for lu, n in p["summary"]["available_land_uses"].items())
                              for p in parks]],
            ["地块总数", "块", *[(p["summary"]["n_plots"], True) for p in parks]]]
    xlsx.sheet(wb, "可供地", ["项目", "单位", *names], rows, {"项目": 16, **wide})
    syn = data["evaluation_synthetic"]
    rows = []
    if data["quarter"]:
        ev = [p["evaluation"] for p in parks]
        rows = [["季度", data["quarter"], *["" for _ in parks]],
                ["亩均等级", "", *[e["grade"] if e else "" for e in ev]],
                ["五力指数", "0-100", *[(e["index"], syn) if e else None for e in ev]],
                ["排名", f"共 {data['n_evaluated']}", *[e["rank"] if e else None for e in ev]]]
        rows += [[_dim(data, d), "0-100", *[(e["scores"][d], syn) if e else None for e in ev]]
                 for d in data["dimensions"]]
    xlsx.sheet(wb, "五力", ["项目", "说明", *names], rows, {"项目": 14, **wide})
    if data["requirement"] is not None:
        rows = []
        for p in parks:
            fit, bp_ = p["fit"], p["best_plot"] or {}
            rows.append([p["id"], p["name"], fit["best_plot_id"] or "", (bp_.get("area_mu"), True) if bp_ else None,
                         bp_.get("land_use") or "", (bp_.get("price_wan_per_mu"), True) if bp_ else None,
                         numbers.points(fit["score"]), fit["n_eligible_plots"],
                         *[numbers.points(fit["contributions"][c]) if fit["contributions"] else None for c in CRITERIA],
                         "；".join(fit["reasons"]), fit["excluded"]["total"],
                         "，".join(f"{reason_label(c)} {n}" for c, n in fit["excluded"]["by_reason"].items())])
        xlsx.sheet(wb, "最佳地块", ["园区编号", "园区", "最佳地块", "面积（亩）", "用地性质", "地价（万元/亩）", "得分（分）",
                                 "符合条件地块数", *[f"得分构成·{vocab.label('criterion', c)}（分）" for c in CRITERIA],
                                 "理由", "排除地块数", "排除原因"], rows,
                   {"园区": 26, "理由": 100, "排除原因": 60, "最佳地块": 16})
    notes = [("园区", "、".join(names)), ("数据版本", str(data["data_version"])),
             ("生成时间", now().strftime("%Y-%m-%d %H:%M"))]
    notes += [("项目条件", "；".join(f"{a} {b}" for a, b in data["requirement_text"]))] if data["requirement"] else []
    notes += [(f"来源·{p['name']}", f"{p['source']}（截至 {p['as_of']}；模拟字段：{xlsx.synth_fields(p['synthetic'])}）")
              for p in parks]
    if data["quarter"]:
        notes.append(("五力评价", f"{data['quarter']}，来源 {'、'.join(data['evaluation_sources']) or '—'}"))
    notes += [("数据来源", SOURCES_NOTE), ("模拟数据", SYNTH_NOTE)]
    xlsx.notes_sheet(wb, "说明", notes)
    return xlsx.workbook_bytes(wb)
