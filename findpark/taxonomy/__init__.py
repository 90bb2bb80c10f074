"""Industry taxonomy: the GB/T 4754-2017 code table and the curated 主导产业 label → code mapping.

``gbt4754_2017.csv`` is the national standard's code list (门类/大类/中类/小类, 1,971 rows; see
../shared/data/gbt4754-2017/SOURCE.md). ``industry_labels.csv`` maps the free-text labels used by the
development-zone catalogue and by promotion staff to codes and a coarse family: ``codes`` are the label's
primary codes (what the industry itself is), ``related`` its supply-chain neighbours (they count for a related
match, never an exact one), and a row with ``synonym_of`` is a trade name or synonym staff type (芯片, 锂电)
that stands for that label; ``note`` documents each mapping. How a query matches a park: ``taxonomy.matching``.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).parent
CODE_RE = re.compile(r"^[A-T](\d{2}(\d(\d)?)?)?$")


@dataclass(frozen=True)
class Code:
    code: str  # with section letter: C, C36, C367, C3670
    name: str
    level: str  # 门类 | 大类 | 中类 | 小类
    parent: str | None


@dataclass(frozen=True)
class Label:
    label: str
    codes: tuple
    family: str | None
    note: str
    related: tuple = ()
    synonym_of: str | None = None


@lru_cache(maxsize=None)
def codes() -> dict[str, Code]:
    with open(HERE / "gbt4754_2017.csv", encoding="utf-8") as fh:
        return {r["code_with_section"]: Code(r["code_with_section"], r["name"], r["level"],
                                             r["parent_code_with_section"] or None)
                for r in csv.DictReader(fh)}


@lru_cache(maxsize=None)
def labels() -> dict[str, Label]:
    """label → Label; a synonym row carries the codes, related codes and family of the label it stands for."""
    with open(HERE / "industry_labels.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))

    def split(text):
        return tuple(c for c in (text or "").split("|") if c)

    out = {r["label"]: Label(r["label"], split(r["codes"]), r["family"] or None, r["note"], split(r["related"]),
                             r["synonym_of"] or None) for r in rows}
    for lab in list(out.values()):
        if lab.synonym_of:
            canon = out[lab.synonym_of]
            out[lab.label] = Label(lab.label, canon.codes, canon.family, lab.note, canon.related, canon.label)
    return out


def catalogue_labels() -> list[str]:
    """The labels that are not synonyms, sorted."""
    return sorted(k for k, v in labels().items() if not v.synonym_of)


def split_labels(text: str) -> list[str]:
    """Split the catalogue's 主导产业 text (separated by 、) into labels."""
    return [p.strip() for p in re.split(r"[、,，;；/]", text or "") if p.strip()]


def is_code(text: str) -> bool:
    t = str(text).strip().upper()
    return bool(CODE_RE.match(t)) and t in codes()


def resolve(text: str) -> tuple[str, ...]:
    """A label (生物医药) or a GB/T 4754 code (C27, C2710) → the codes it stands for. KeyError if unknown."""
    t = str(text).strip()
    if is_code(t):
        return (t.upper(),)
    if t in labels():
        return labels()[t].codes
    raise KeyError(t)


def family(text: str) -> str | None:
    """Coarse family of a label, or of the label families that share a code's division."""
    t = str(text).strip()
    if t in labels():
        return labels()[t].family
    if is_code(t):
        code = t.upper()
        # Labels naming exactly this code vote for their family; a label with fewer codes is more specific.
        votes: dict[str, float] = {}
        for lab in labels().values():
            if code in lab.codes and lab.family:
                votes[lab.family] = votes.get(lab.family, 0.0) + 1.0 / len(lab.codes)
        if votes:
            return max(sorted(votes), key=votes.get)
        division = code[:3]
        near = [lab.family for lab in labels().values() if lab.family and any(c[:3] == division for c in lab.codes)]
        if near:
            return max(sorted(set(near)), key=near.count)
    return None


def ancestors(code: str) -> list[str]:
    """code, its parent, …, up to the section letter."""
    out = []
    c = codes().get(code)
    while c is not None:
        out.append(c.code)
        c = codes().get(c.parent) if c.parent else None
    return out


def name(code: str) -> str | None:
    c = codes().get(code)
    return c.name if c else None
