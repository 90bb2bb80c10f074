"""亩均 A/B/C/D grades by quota bands, as used in Zhejiang practice:
A the top ≤ 20%, B the next ≤ 30% (A+B ≤ 50%), D the bottom ≥ 5%, C the rest.

Ties never split: a tied group at the A or B boundary that would overflow the quota goes to the lower
grade (quotas are ceilings), and a tied group at the D boundary goes to D whole (that quota is a floor).
"""
from __future__ import annotations

import math

import numpy as np


def grade(scores, ids=None) -> tuple[list[str], dict]:
    """Grades in input order, and the cut-offs {"A": lowest A score, "B": …, "C": …, "D": highest D score}."""
    s = np.asarray(scores, dtype=float)
    n = len(s)
    if n == 0:
        return [], {}
    ids = np.arange(n) if ids is None else np.asarray(ids)
    order = np.lexsort((ids, -s))  # best first
    ranked = s[order]

    def ceiling_count(limit: int) -> int:
        k = limit
        while 0 < k < n and ranked[k - 1] == ranked[k]:  # the tie straddles the cut: drop the whole group
            k -= 1
        return k

    n_a = ceiling_count(math.floor(0.2 * n + 1e-9))
    n_ab = max(n_a, ceiling_count(math.floor(0.5 * n + 1e-9)))
    n_d = math.ceil(0.05 * n - 1e-9)
    start_d = n - n_d
    while 0 < start_d < n and ranked[start_d - 1] == ranked[start_d]:  # the tie joins D
        start_d -= 1
    start_d = max(start_d, n_ab) if n_d else n
    labels = np.empty(n, dtype=object)
    for pos, idx in enumerate(order):
        labels[idx] = "A" if pos < n_a else "B" if pos < n_ab else "D" if pos >= start_d else "C"
    cut = {}
    for g in "ABCD":
        vals = s[labels == g]
        if len(vals):
            cut[g] = float(vals.max() if g == "D" else vals.min())
    return list(labels), cut
