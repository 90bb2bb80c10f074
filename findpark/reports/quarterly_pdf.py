"""The PDF of the quarterly 五力 evaluation report, on the reports' PDF base (``reports.pdf``)."""
from __future__ import annotations

from pathlib import Path

from .pdf import Pdf
from .quarterly_context import DERIVED, GRADE_COLORS, GRADE_TINTS, N_MOVERS

SUBJECT = "园区五力评价季度报告"


def write_pdf(path: Path, ctx: dict, charts: dict) -> None:
    from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle
    from reportlab.platypus.flowables import PageBreak

    synthetic = bool(ctx["provenance"].get("synthetic"))
    footer = f"findpark 园区五力评价 {ctx['quarter']}" + ("　※ 本报告指标为模拟数据，仅供演示" if synthetic else "")
    doc = Pdf(ctx["title"], SUBJECT, footer=footer, creator="findpark evaluate", margin_mm=15)
    colors, font = doc.colors, doc.font
    body_w = doc.width
    base, small, cap, title, h2, warn = doc.base, doc.small, doc.cap, doc.h0, doc.h2, doc.warn
    Paragraph, heading, image = doc.markup, doc.heading, doc.image

    def table(rows, widths, **kw):
        return doc.table(rows, widths, header="dark", wrap=False, valign="MIDDLE", **kw)

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
    doc.build(story, path)
