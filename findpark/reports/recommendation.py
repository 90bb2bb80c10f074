"""A recommendation (``siting.recommend``'s answer to a requirement) for promotion staff, as PDF and as XLSX.

Both take the recommendation ``resp``, the ``Requirement`` and the provenance of the parks it names
(``park_provenance``); the labels are vocab's, so the files say what the recommend page says."""
from __future__ import annotations

from .. import numbers, vocab
from ..services.provenance import short_text
from ..services.comparison import fmt_num, reason_label, requirement_text
from ..siting import CRITERIA, Requirement
from . import xlsx
from .pdf import MARK, SOURCES_NOTE, SYNTH_NOTE, Pdf, now

SUBJECT = "项目落位推荐"
STRENGTH, WEAKNESS = vocab.label("assessment", "strength"), vocab.label("assessment", "weakness")


def park_provenance(store, park_ids) -> list[dict]:
    """Where each park's record comes from, and which of its fields are synthetic."""
    out = []
    for pid in park_ids:
        p = store.get("parks", pid)
        if p:
            out.append({"id": pid, "name": p["name"], "source": p.get("source"), "as_of": p.get("as_of"),
                        "synthetic": list(p.get("synthetic") or [])})
    return out


def req_name(req: Requirement) -> str:
    return req.name or req.industry


def file_names(req: Requirement, ext: str) -> tuple[str, str]:
    """(the Chinese file name, an ASCII fallback) of a recommendation export."""
    day = now().strftime("%Y%m%d")
    return f"项目落位推荐_{req_name(req)[:40]}_{day}.{ext}", f"findpark_recommendation_{day}.{ext}"


def contrib_text(contrib: dict | None) -> str:
    if not contrib:
        return "—"
    return " · ".join(f"{vocab.label('criterion', k)} {_pts(v)}" for k, v in contrib.items())


def _pts(score) -> str:
    """Points 0-100 with one decimal (68.5), the number of 「68.5 分」 (findpark/numbers.py)."""
    return numbers.number(numbers.points(score), numbers.POINT_DECIMALS, fixed=True)


def assessment_text(r: dict) -> str:
    """「优势：…\n不足：…」 of a ranked result, the same words as the page and the CLI."""
    return (f"{STRENGTH}：" + ("；".join(r.get("strengths") or []) or "—") + "\n"
            + f"{WEAKNESS}：" + ("；".join(r.get("weaknesses") or []) or "—"))


def _via(code: str) -> str:
    return vocab.label("via", code)


def pdf(resp: dict, req: Requirement, provenance: list[dict]) -> bytes:
    from reportlab.platypus import KeepTogether, Spacer

    doc = Pdf(f"{SUBJECT} {req_name(req)}", SUBJECT)
    p, mm = doc.p, doc.mm
    W = doc.width
    story = [p(f"{SUBJECT}：{req_name(req)}", doc.h0),
             p(f"参考日期 {resp['reference_date']} · 权重方案 {resp['profile'] or '自定义'} · 数据版本 "
               f"{resp['data_version']} · 生成于 {now().strftime('%Y-%m-%d %H:%M')}", doc.small),
             p(SYNTH_NOTE, doc.warn)]
    story.append(doc.heading("一、项目条件"))
    rows = [["条件", "取值"]] + [[k, v] for k, v in requirement_text(req)]
    story.append(doc.table(rows, [45 * mm, W - 45 * mm]))
    story.append(Spacer(1, 3))
    story.append(p("权重：" + "，".join(f"{vocab.label('criterion', c)} {numbers.percent(resp['weights'][c])}" for c in CRITERIA),
                   doc.small))

    story.append(doc.heading(f"二、园区排名（前 {len(resp['parks'])} 名）"))
    rows = [["名次", "园区", "得分（分）", "最佳地块", "符合地块", f"{STRENGTH} / {WEAKNESS}"]]
    for r in resp["parks"]:
        rows.append([str(r["rank"]), f"{r['name']}\n{r['park_id']}", _pts(r["score"]),
                     r["best_plot_id"] or _via(r["via"]), str(r["n_eligible_plots"]), assessment_text(r)])
    if len(rows) == 1:
        rows.append(["—", "没有符合全部条件的园区", "", "", "", ""])
    story.append(doc.table(rows, [11 * mm, 42 * mm, 14 * mm, 26 * mm, 15 * mm, W - 108 * mm]))

    story.append(doc.heading(f"三、地块排名（前 {len(resp['plots'])} 名）：得分构成与理由"))
    if not resp["plots"]:
        story.append(p("没有符合全部条件的地块。" if req.wants_land else "本次需求为供楼（标准厂房），不排地块。"))
    for r in resp["plots"]:
        head = (f"{r['rank']}. 地块 {r['plot_id']} · {r['park_name']}（{r['park_id']}） · 得分 {numbers.points_text(r['score'])} · "
                f"稳定性 {r['stability']:.0%} · {fmt_num(r['area_mu'], 1)} 亩{MARK}")
        block = [p(head, doc.h2), p("得分构成：" + contrib_text(r["contributions"]), doc.small),
                 p(f"{STRENGTH}：" + ("；".join(r["strengths"]) or "—"), doc.small),
                 p(f"{WEAKNESS}：" + ("；".join(r["weaknesses"]) or "—"), doc.small),
                 p("理由：" + "；".join(r["reasons"]), doc.small)]
        story.append(KeepTogether(block))

    ex = resp.get("excluded") or {}
    unit = "地块" if ex.get("unit") == "plots" else "园区"
    story.append(doc.heading(f"四、排除原因（共排除 {ex.get('total', 0)} 个{unit}，按首个不满足的条件计）"))
    first, only = vocab.label("exclusion_count", "first"), vocab.label("exclusion_count", "only")
    rows = [["原因", "代码", first, only, "示例"]]
    for code, n in (ex.get("by_reason") or {}).items():
        rows.append([reason_label(code), code, str(n), str((ex.get("only") or {}).get(code, 0)),
                     "、".join((ex.get("examples") or {}).get(code, []))])
    if len(rows) == 1:
        rows.append(["无", "", "0", "0", ""])
    story.append(doc.table(rows, [36 * mm, 34 * mm, 18 * mm, 22 * mm, W - 110 * mm]))
    for r in resp.get("relaxations") or []:
        story.append(p(f"{vocab.label('exclusion_count', 'relaxations')}：" + r["text"], doc.small))
    for w in resp.get("warnings") or []:
        story.append(p("提示：" + w, doc.small))

    story.append(doc.heading("五、数据来源与说明"))
    if provenance:  # the line for people; the table below has the technical record
        story.append(p(short_text({"source": provenance[0]["source"], "synthetic": provenance[0]["synthetic"]}), doc.small))
    story.append(p(SOURCES_NOTE, doc.small))
    readiness = vocab.label("criterion", "readiness")
    story.append(p(f"数据版本 {resp['data_version']}；参考日期 {resp['reference_date']}（{readiness}按此日期计算）。"
                   "得分（0-100 分）= 100 × 各准则得分 × 归一化权重之和；稳定性 = 权重随机扰动 ±20%（200 次）后仍居前 3 的比例。", doc.small))
    rows = [["园区", "来源", "截至", "模拟字段"]]
    for pr in provenance:
        rows.append([f"{pr['name']}（{pr['id']}）", pr["source"] or "—", pr["as_of"] or "—",
                     xlsx.synth_fields(pr["synthetic"])])
    tail = [doc.table(rows, [45 * mm, 60 * mm, 20 * mm, W - 125 * mm], size=7)] if len(rows) > 1 else []
    story.append(KeepTogether(tail + [p(SYNTH_NOTE, doc.warn)]))  # never a page with the disclaimer alone
    return doc.build(story)


def workbook(resp: dict, req: Requirement, provenance: list[dict]) -> bytes:
    wb = xlsx.new_workbook(f"{SUBJECT} {req_name(req)}")
    crit = [f"得分构成·{vocab.label('criterion', c)}（分）" for c in CRITERIA]
    rows = [[r["rank"], r["plot_id"], r["park_id"], r["park_name"], numbers.points(r["score"]), r["stability"],
             (r["area_mu"], True), r["centroid"][0], r["centroid"][1]]
            + [numbers.points(r["contributions"][c]) for c in CRITERIA] + ["；".join(r["strengths"]), "；".join(r["weaknesses"]),
                                                                   "；".join(r["reasons"])] for r in resp["plots"]]
    xlsx.sheet(wb, "地块", ["名次", "地块编号", "园区编号", "园区", "得分（分）", "稳定性", "面积（亩）", "经度", "纬度"] + crit
               + [STRENGTH, WEAKNESS, "理由"], rows, {"园区": 26, "理由": 100, "地块编号": 16, STRENGTH: 60, WEAKNESS: 60})
    rows = [[r["rank"], r["park_id"], r["name"], numbers.points(r["score"]), r["best_plot_id"] or "",
             r["n_eligible_plots"], _via(r["via"])]
            + [numbers.points(r["contributions"][c]) for c in CRITERIA] + ["；".join(r["strengths"]), "；".join(r["weaknesses"]),
                                                                   "；".join(r["reasons"])] for r in resp["parks"]]
    xlsx.sheet(wb, "园区", ["名次", "园区编号", "园区", "得分（分）", "最佳地块", "符合条件地块数", "方式"] + crit
               + [STRENGTH, WEAKNESS, "理由"], rows, {"园区": 26, "理由": 100, "最佳地块": 16, STRENGTH: 60, WEAKNESS: 60})
    ex = resp.get("excluded") or {}
    rows = [[reason_label(code), code, n, "、".join((ex.get("examples") or {}).get(code, []))]
            for code, n in (ex.get("by_reason") or {}).items()]
    xlsx.sheet(wb, "排除", ["原因", "代码", "地块数" if ex.get("unit") == "plots" else "园区数", "示例"], rows,
               {"原因": 18, "代码": 22, "示例": 60})
    notes = [(k, v) for k, v in requirement_text(req)]
    notes += [(vocab.label("request_field", "profile"), resp["profile"] or "自定义")]
    notes += [(vocab.label("request_field", f"weights.{c}"), numbers.percent(resp['weights'][c])) for c in CRITERIA]
    notes += [("参考日期", resp["reference_date"]), ("数据版本", str(resp["data_version"])),
              ("生成时间", now().strftime("%Y-%m-%d %H:%M"))]
    notes += [("提示", w) for w in resp.get("warnings") or []]
    notes += [(f"来源·{pr['name']}", f"{pr['source']}（截至 {pr['as_of']}；模拟字段：{xlsx.synth_fields(pr['synthetic'])}）")
              for pr in provenance]
    notes += [("数据来源", SOURCES_NOTE), ("模拟数据", SYNTH_NOTE)]
    xlsx.notes_sheet(wb, "条件与来源", notes)
    return xlsx.workbook_bytes(wb)
