"""Load quarterly park indicators from CSV or XLSX: validated, all or nothing."""
from __future__ import annotations

import csv
import json
import math
from pathlib import Path

from ..store.errors import LoadError
from .schema import INDICATORS, parse_quarter

REQUIRED = ("park_id", "quarter")


def read_table(path: Path) -> list[dict]:
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True, data_only=True)
        rows = list(wb.active.iter_rows(values_only=True))
        wb.close()
        if not rows:
            return []
        header = [str(h).strip() if h is not None else "" for h in rows[0]]
        return [dict(zip(header, r)) for r in rows[1:] if any(v not in (None, "") for v in r)]
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _number(v):
    if v is None or (isinstance(v, str) and v.strip() == ""):
        return None
    if isinstance(v, bool):
        raise ValueError("not a number")
    x = float(v)
    if not math.isfinite(x):
        raise ValueError("not a finite number")
    return x


def validate(rows: list[dict], park_ids: set[str], source_name: str = "input") -> list[dict]:
    """Rows → clean records, or LoadError naming every bad line (1-based, header = line 1) and field."""
    problems, out, seen = [], [], {}
    known = {i.key for i in INDICATORS} | {"park_id", "quarter", "source", "as_of", "synthetic"}
    if rows:
        unknown = sorted(set(rows[0]) - known - {""})
        if unknown:
            problems.append(f"{source_name}: unknown column(s) {', '.join(unknown)}")
        missing = [c for c in REQUIRED if c not in rows[0]]
        if missing:
            raise LoadError([f"{source_name}: missing column(s) {', '.join(missing)}"])
    for n, row in enumerate(rows, start=2):
        where = f"{source_name} line {n}"
        pid = str(row.get("park_id") or "").strip()
        q = str(row.get("quarter") or "").strip()
        rec = {"park_id": pid, "quarter": q}
        if not pid:
            problems.append(f"{where}: missing park_id")
        elif pid not in park_ids:
            problems.append(f"{where}: unknown park {pid!r}")
        try:
            parse_quarter(q)
        except ValueError as exc:
            problems.append(f"{where}: {exc}")
        for ind in INDICATORS:
            try:
                v = _number(row.get(ind.key))
            except (TypeError, ValueError):
                problems.append(f"{where}: {ind.key} is not a number: {row.get(ind.key)!r}")
                continue
            if v is not None and v < 0:
                problems.append(f"{where}: {ind.key} is negative ({v})")
            elif v is not None and ind.max is not None and v > ind.max:
                problems.append(f"{where}: {ind.key} is above {ind.max} ({v}); shares are fractions 0-1")
            rec[ind.key] = v
        syn = row.get("synthetic") or "[]"
        try:
            rec["synthetic"] = json.loads(syn) if isinstance(syn, str) else list(syn)
        except json.JSONDecodeError:
            problems.append(f"{where}: synthetic must be a JSON list")
        rec["source"] = str(row.get("source") or source_name)
        rec["as_of"] = str(row.get("as_of") or q)
        key = (pid, q)
        if key in seen:
            problems.append(f"{where}: duplicate park {pid} quarter {q} (also line {seen[key]})")
        seen[key] = n
        out.append(rec)
    if problems:
        raise LoadError(problems)
    return out


def load_indicators(store, path, *, replace: bool = False) -> int:
    rows = validate(read_table(Path(path)), store.ids("parks"), Path(path).name)
    return store.write_quarterly(rows, replace=replace)


def write_csv(rows: list[dict], path: Path) -> None:
    cols = ["park_id", "quarter", *[i.key for i in INDICATORS], "source", "as_of", "synthetic"]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(cols)
        for r in rows:
            w.writerow([json.dumps(r[c], ensure_ascii=False) if c == "synthetic" else
                        ("" if r.get(c) is None else r[c]) for c in cols])
