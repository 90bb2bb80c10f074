"""Industry match between a project and a park, in [0, 1].

Levels (GB/T 4754-2017 codes carry their hierarchy in their prefix: C / C36 / C367 / C3670):
    1.0  exact: the project's label is one of the park's 主导产业, or a code equals / contains the other
    0.8  same 中类 (group, e.g. C367)
    0.6  same 大类 (division, e.g. C36)
    0.5  industry-chain link between the two divisions (CHAIN_EDGES below), e.g. 汽车 C36 ↔ 橡胶塑料 C29
    0.2  same 门类 (section, e.g. C manufacturing)
    0.0  otherwise
The criterion is the best level over all (project code, park code) pairs.
"""
from __future__ import annotations

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


def _division(code: str) -> str:
    return code[:3]


def pair_level(a: str, b: str) -> float:
    if a.startswith(b) or b.startswith(a):
        return EXACT
    if len(a) >= 4 and len(b) >= 4 and a[:4] == b[:4]:
        return GROUP
    if len(a) >= 3 and len(b) >= 3 and a[:3] == b[:3]:
        return DIVISION
    if len(a) >= 3 and len(b) >= 3 and frozenset((_division(a), _division(b))) in _LINKS:
        return CHAIN
    if a[0] == b[0]:
        return SECTION
    return 0.0


def match(project_codes, project_label: str | None, park_codes, park_labels) -> tuple[float, str | None, str | None]:
    """(level, project code, park code) of the best pair; label equality counts as exact."""
    if project_label and project_label in (park_labels or ()):
        return EXACT, None, None
    best = (0.0, None, None)
    for a in project_codes:
        for b in park_codes or ():
            lvl = pair_level(a, b)
            if lvl > best[0]:
                best = (lvl, a, b)
                if lvl == EXACT:
                    return best
    return best
