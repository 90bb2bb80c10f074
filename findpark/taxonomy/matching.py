"""The one industry matcher: the 可查 park search, the siting industry criterion and the API all ask it.

A query is one or more industries (``汽车零部件、锂电池``), each a catalogue label, a synonym/trade name from
``industry_labels.csv`` (芯片 → 集成电路) or a GB/T 4754-2017 code. It stands for its labels' primary codes;
their ``related`` codes only ever give a related (chain) match.

Levels of a park for a query (GB/T 4754 codes carry their hierarchy in their prefix: C / C36 / C367 / C3670):
    1.0  exact: a 主导产业 label of the park is about the query's industry: it is one of the query's labels
         (or a synonym of one), or at least half of its primary codes lie within (equal or are finer than) the
         query's codes, or at least a third do and the label is of the query's family or names one of the
         query's codes itself (新能源 C3825 for 光伏). A park whose code is BROADER than the project's (C35 for a
         C3562 project) is never exact, and a broad label touching the industry with one code of many
         (新材料 for 化工, 轻工产品 for 家具) is not either.
    0.8  same 中类 (group, e.g. C367), also a park code one level broader at 中类
    0.6  same 大类 (division, e.g. C36)
    0.5  related: industry-chain link between the two divisions (CHAIN_EDGES), or a park code matching one of
         the query's related codes
    0.2  same 门类 (section)
    0.0  otherwise
A park with no label known to the table (loaded from elsewhere) matches exactly when a code lies within.
The park search returns the parks at level 1.0.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache

from . import codes as _codes
from . import family as _family
from . import is_code, labels

EXACT, GROUP, DIVISION, CHAIN, SECTION = 1.0, 0.8, 0.6, 0.5, 0.2
LEVEL_NAMES = {EXACT: "exact", GROUP: "group", DIVISION: "division", CHAIN: "chain", SECTION: "section", 0.0: "none"}

# Direct supply links between GB/T 4754 divisions (大类), as edges, not cliques: 汽车 ↔ 橡胶塑料 and
# 橡胶塑料 ↔ 电子 are links, 汽车 ↔ 有色金属 is not. Each line is one value chain.
CHAIN_EDGES = [
    ("C36", "C29"), ("C36", "C39"), ("C36", "C38"), ("C36", "C33"), ("C36", "C34"), ("C36", "C30"),  # 汽车
    ("C29", "C39"), ("C38", "C39"), ("C39", "I65"), ("C39", "C40"), ("I65", "I64"),  # 电子信息
    ("C38", "C26"), ("C38", "C32"), ("C38", "D44"),  # 新能源: batteries, materials, power
    ("C27", "C26"), ("C27", "C35"), ("C27", "M73"), ("C27", "C14"),  # 生物医药
    ("C17", "C18"), ("C17", "C28"), ("C18", "C19"), ("C17", "C26"), ("C28", "C26"),  # 纺织服装
    ("C34", "C35"), ("C34", "C33"), ("C35", "C33"), ("C34", "C38"), ("C35", "C40"), ("C33", "C31"),
    ("C33", "C32"), ("C37", "C34"), ("C37", "C33"),  # 装备制造
    ("C25", "C26"), ("C26", "C29"), ("C26", "C30"),  # 化工新材料
    ("G59", "G54"), ("G59", "G55"), ("G59", "G56"), ("G59", "F51"), ("F51", "F52"),  # 物流贸易
    ("C13", "C14"), ("C14", "C15"), ("C13", "A01"), ("C13", "A03"),  # 食品
]
_LINKS = {frozenset(e) for e in CHAIN_EDGES}
SEPARATORS = re.compile(r"[、,，;；+＋]")


class UnknownIndustry(KeyError):
    """A term the table does not know; ``suggestions`` are up to five close labels."""

    def __init__(self, term: str, suggestions: list[str]):
        super().__init__(term)
        self.term, self.suggestions = term, suggestions

    def message(self) -> str:
        tail = f"; closest labels: {'、'.join(self.suggestions)}" if self.suggestions else ""
        return (f"unknown industry {self.term!r}: use a catalogue label such as 生物医药, a trade name such as 芯片, "
                f"or a GB/T 4754-2017 code such as C27 or C2710{tail}")


@dataclass(frozen=True)
class Query:
    text: str
    terms: tuple  # as typed, codes upper-cased
    labels: tuple  # the labels the terms name (a synonym and the label it stands for)
    codes: tuple  # primary codes
    related: tuple
    families: frozenset


def split_terms(text: str) -> list[str]:
    return [t.strip() for t in SEPARATORS.split(str(text)) if t.strip()]


@lru_cache(maxsize=4096)
def parse(text: str) -> Query:
    """``text`` → Query. Raises UnknownIndustry (a KeyError) naming the first unknown term."""
    terms, labs, codes, related, fams = [], [], [], [], set()
    parts = split_terms(text)
    if not parts:
        raise UnknownIndustry(str(text), [])
    for t in parts:
        if is_code(t):
            t = t.upper()
            codes.append(t)
        elif t in labels():
            lab = labels()[t]
            labs += [t] + ([lab.synonym_of] if lab.synonym_of else [])
            codes += lab.codes
            related += lab.related
        else:
            raise UnknownIndustry(t, suggest(t))
        terms.append(t)
        if _family(t):
            fams.add(_family(t))
    uniq = lambda xs: tuple(dict.fromkeys(xs))  # noqa: E731
    return Query(str(text), tuple(terms), uniq(labs), uniq(codes), uniq(c for c in related if c not in codes),
                 frozenset(fams))


def suggest(text: str, n: int = 5) -> list[str]:
    """Up to ``n`` labels closest to ``text``: labels containing it or contained in it first, then by
    character similarity (difflib), then code names containing it (as their label or code)."""
    q = str(text).strip()
    if not q:
        return []
    names = sorted(labels())
    scored = []
    for lab in names:
        sim = difflib.SequenceMatcher(None, q, lab).ratio()
        shared = len(set(q) & set(lab))
        if q in lab or lab in q:
            scored.append((0, -sim, lab))
        elif shared and sim >= 0.3:
            scored.append((1, -sim, lab))
    out = [lab for *_, lab in sorted(scored)][:n]
    if len(out) < n:  # a GB/T name containing the text: offer the labels whose codes cover it
        for code in _codes().values():
            if q in code.name:
                for lab in names:
                    if lab not in out and any(code.code.startswith(c) for c in labels()[lab].codes):
                        out.append(lab)
                        break
            if len(out) >= n:
                break
    return out[:n]


def pair_level(a: str, b: str) -> float:
    """Level of a park code ``b`` for a project code ``a`` (by codes alone)."""
    if b.startswith(a):
        return EXACT  # the park's code equals or is finer than the project's
    if len(a) >= 4 and len(b) >= 4 and a[:4] == b[:4]:
        return GROUP
    if len(a) >= 3 and len(b) >= 3 and a[:3] == b[:3]:
        return DIVISION
    if len(a) >= 3 and len(b) >= 3 and frozenset((a[:3], b[:3])) in _LINKS:
        return CHAIN
    if a[0] == b[0]:
        return SECTION
    return 0.0


def _below_exact(a: str, b: str) -> float:
    """The level of a park code within the project's code whose label is not about the project's industry:
    the level of the project's code (C26 → division)."""
    return GROUP if len(a) >= 4 else DIVISION if len(a) >= 3 else SECTION


def label_is_about(query: Query, label: str) -> bool:
    lab = labels().get(label)
    if lab is None:
        return False
    if label in query.labels or (lab.synonym_of and lab.synonym_of in query.labels):
        return True
    inside = [c for c in lab.codes if any(c.startswith(q) for q in query.codes)]
    if not inside:
        return False
    if 2 * len(inside) >= len(lab.codes):
        return True
    return 3 * len(inside) >= len(lab.codes) and (lab.family in query.families or bool(set(lab.codes) & set(query.codes)))


def match(query: Query, park_labels, park_codes) -> tuple[float, str | None, str | None]:
    """(level, project code, park code or label) of the best evidence a park offers for the query.
    An exact match by label returns (1.0, None, the park's label)."""
    park_labels = list(park_labels or ())
    for lab in park_labels:
        if label_is_about(query, lab):
            return EXACT, None, lab
    known = bool(park_labels) and all(lab in labels() for lab in park_labels)
    best = (0.0, None, None)
    for a in query.codes:
        for b in park_codes or ():
            lvl = pair_level(a, b)
            if lvl == EXACT and known:
                lvl = _below_exact(a, b)
            if lvl > best[0]:
                best = (lvl, a, b)
                if lvl == EXACT:
                    return best
    if best[0] < CHAIN:
        for r in query.related:
            for b in park_codes or ():
                if b.startswith(r) or (len(b) >= 4 and r.startswith(b)):
                    return CHAIN, r, b
    return best


def park_matches(query: Query, park: dict) -> bool:
    """Does a park record (``leading_industries``, ``industry_codes``) match the query exactly?"""
    return match(query, park.get("leading_industries"), park.get("industry_codes"))[0] == EXACT
