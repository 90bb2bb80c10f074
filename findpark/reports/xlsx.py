"""The XLSX side of the exports (openpyxl): sheets with a styled header row, a notes sheet, and numbers that
stay numbers (a synthetic one shows its ※ through the number format)."""
from __future__ import annotations

import io

from .. import vocab
from .pdf import MARK

SYNTH_FORMAT = f'General"{MARK}"'  # a synthetic number stays a number, shown with ※
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(value):
    """A text cell that a spreadsheet will never evaluate: text starting with ``= + - @`` (or a tab/CR) gets a
    leading ``'`` (a requirement named ``=HYPERLINK(…)`` stays text). Numbers, dates and None pass through."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _text_cells(cells) -> None:
    for cell in cells:  # openpyxl makes any str starting with "=" a formula: force text
        if isinstance(cell.value, str):
            cell.data_type = "s"


def synth_fields(fields) -> str:
    """The synthetic fields of a record, by their labels (the boundary is approximate)."""
    def name(f):
        return "边界（近似）" if f == "geometry" else vocab.label("park_indicator", f)
    return "、".join(name(f) for f in fields) or "无"


def new_workbook(title: str):
    from openpyxl import Workbook

    wb = Workbook()
    wb.properties.title = inert(title)
    wb.properties.creator = "findpark"
    return wb


def sheet(wb, title: str, header: list[str], rows: list[list], widths: dict | None = None):
    """A sheet: ``rows`` of values, where ``(value, synthetic)`` marks a synthetic number with ※."""
    from openpyxl.styles import Alignment, Font, PatternFill

    ws = wb.create_sheet(title)
    ws.append([inert(h) for h in header])
    _text_cells(ws[1])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE6EF")
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    for row in rows:
        ws.append([inert(c[0] if isinstance(c, tuple) else c) for c in row])
        _text_cells(ws[ws.max_row])
        for cell, c in zip(ws[ws.max_row], row):
            if isinstance(c, tuple) and c[1] and isinstance(c[0], (int, float)):
                cell.number_format = SYNTH_FORMAT
    ws.freeze_panes = "B2"
    for i, h in enumerate(header, start=1):
        letter = ws.cell(row=1, column=i).column_letter
        ws.column_dimensions[letter].width = (widths or {}).get(h, max(10, min(60, len(h) * 2 + 4)))
    return ws


def notes_sheet(wb, title: str, rows: list[tuple[str, str]]):
    from openpyxl.styles import Alignment

    ws = sheet(wb, title, ["项", "内容"], [list(r) for r in rows], {"项": 18, "内容": 110})
    for row in ws.iter_rows(min_row=2):
        row[1].alignment = Alignment(wrap_text=True, vertical="top")
    return ws


def workbook_bytes(wb) -> bytes:
    if "Sheet" in wb.sheetnames and len(wb.sheetnames) > 1:
        del wb["Sheet"]
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
