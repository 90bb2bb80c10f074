"""The recommend page's industry picker: catalogue labels, trade names and GB/T 4754-2017 codes/names
matching what the officer types (``GET /recommend/industries``)."""
from __future__ import annotations

import re

from .. import taxonomy


def _label_item(lab) -> dict:
    codes = " ".join(f"{c} {taxonomy.name(c) or ''}".strip() for c in lab.codes)
    return {"value": lab.label, "label": f"{lab.label} · {codes}", "kind": "label", "codes": list(lab.codes),
            "family": lab.family}


def _code_item(code) -> dict:
    return {"value": code.code, "label": f"{code.code} {code.name} ({code.level})", "kind": "code",
            "name": code.name, "level": code.level}


def search_industries(q: str, limit: int = 30) -> dict:
    labels, codes = taxonomy.labels(), taxonomy.codes()
    match = None
    if q in labels:
        match = _label_item(labels[q])
    elif taxonomy.is_code(q):
        match = _code_item(codes[q.upper()])
    if not q:
        return {"q": q, "match": None, "items": [_label_item(labels[k]) for k in sorted(labels)][:limit]}
    up = q.upper()
    scored: list[tuple] = []
    for lab in labels.values():
        if q in lab.label:
            scored.append((0 if lab.label == q else 1 if lab.label.startswith(q) else 2, len(lab.label),
                           lab.label, _label_item(lab)))
        elif any(c == up or c.startswith(up) for c in lab.codes) and re.match(r"^[A-Z]\d*$", up):
            scored.append((3, len(lab.label), lab.label, _label_item(lab)))
    if re.match(r"^[A-Z]\d{0,4}$", up):  # a code or a code prefix: C36 → C36, C361, C3610 …
        for code in codes.values():
            if code.code.startswith(up):
                scored.append((0 if code.code == up else 4, len(code.code), code.code, _code_item(code)))
    for code in codes.values():
        if q in code.name:
            scored.append((1 if code.name == q else 5, len(code.code), code.code, _code_item(code)))
    seen, items = set(), []
    for *_, item in sorted(scored, key=lambda t: t[:3]):
        if item["value"] not in seen:
            seen.add(item["value"])
            items.append(item)
    return {"q": q, "match": match, "items": items[:limit]}
