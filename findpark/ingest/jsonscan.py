"""The outline of a big JSON file read from its bytes: how deep it nests, and its top-level members with the one
large container (a FeatureCollection's ``features``) left out, in numpy passes over blocks of bytes.

A streaming parser must not be handed input nested deeper than it can build (a C stack overflow), so the
nesting is checked before the features are read. An ijson event pass did that with one Python step per token:
~15% of a 10^6-plot load. Here strings are told apart from structure with vector operations: a quote counts
unless an odd run of backslashes precedes it; brackets inside strings do not count. Only depth and brackets are
looked at: whether the JSON is well formed is the parser's business when it reads the features.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

BLOCK = 1 << 22  # bytes per pass
SPAN = "\x00span"  # stands in for the left-out container's contents when the rest is parsed

QUOTE, BACKSLASH = 34, 92
OPENS, CLOSES = (91, 123), (93, 125)  # [ {   ] }


def outline(path: Path, max_nesting: int) -> dict:
    """The top-level object's members, its largest container's contents left out: an array becomes
    ``[SPAN]``, an object ``{SPAN: None}``; everything else is parsed with ``json``.
    ValueError when the file nests deeper than ``max_nesting``, is not a JSON object, or its top level does
    not parse; UnicodeDecodeError for bytes that are not UTF-8 in the parts parsed."""
    state = {"in_string": False, "run": 0, "depth": 0, "open_at": None, "best": None, "first": None}
    offset = 0
    with open(path, "rb") as fh:
        while True:
            block = fh.read(BLOCK)
            if not block:
                break
            _scan(np.frombuffer(block, dtype=np.uint8), offset, state, max_nesting)
            offset += len(block)
    if state["first"] != 123:
        raise ValueError("not a JSON object")
    best = state["best"]
    with open(path, "rb") as fh:
        if best is None:
            text = fh.read()
        else:
            start, end = best
            head = fh.read(start + 1)  # up to and with the opening bracket
            fh.seek(end)  # from the closing bracket on
            marker = b'"\\u0000span"' if head.endswith(b"[") else b'"\\u0000span": null'
            text = head + marker + fh.read()
    top = json.loads(text.decode("utf-8"))
    if not isinstance(top, dict):
        raise ValueError("not a JSON object")
    return top


_BRACKET = np.zeros(256, dtype=np.int8)  # byte → +1 for [ {, -1 for ] }, 0 otherwise
_BRACKET[list(OPENS)] = 1
_BRACKET[list(CLOSES)] = -1


def _escaped(b: np.ndarray, quotes: np.ndarray, carry: int) -> np.ndarray:
    """Which of the quotes at ``quotes`` follow an odd run of backslashes (``carry``: the run that ended the
    previous block). Only quotes right after a backslash are looked at, walking back one byte per round."""
    out = np.zeros(len(quotes), dtype=bool)
    prev = quotes - 1
    cand = np.flatnonzero(np.where(prev >= 0, b[np.maximum(prev, 0)] == BACKSLASH, carry > 0))
    if not len(cand):
        return out
    runs = np.zeros(len(cand), dtype=np.int64)
    pos = quotes[cand] - 1
    alive = np.ones(len(cand), dtype=bool)
    while alive.any():
        inside = pos >= 0
        runs[alive & ~inside] += carry  # the run goes on into the previous block
        hit = alive & inside
        hit[hit] = b[pos[hit]] == BACKSLASH
        runs += hit
        alive = hit
        pos -= 1
    out[cand] = runs % 2 == 1
    return out


def _scan(b: np.ndarray, offset: int, st: dict, max_nesting: int) -> None:
    n = len(b)
    quotes = np.flatnonzero(b == QUOTE)
    if len(quotes):
        quotes = quotes[~_escaped(b, quotes, st["run"])]
    k = 0  # backslashes ending this block
    while k < n and b[n - 1 - k] == BACKSLASH:
        k += 1
    st["run"] = k + (st["run"] if k == n else 0)
    brackets = np.flatnonzero(_BRACKET[b])
    carried = 1 if st["in_string"] else 0
    if len(brackets):
        inside = (np.searchsorted(quotes, brackets) + carried) % 2 == 1
        brackets = brackets[~inside]
    st["in_string"] = (len(quotes) + carried) % 2 == 1
    if not len(brackets):
        return
    step = _BRACKET[b[brackets]].astype(np.int64)
    if st["first"] is None:
        st["first"] = int(b[brackets[0]])
    depth = st["depth"] + np.cumsum(step)  # depth after each bracket
    if depth.max() > max_nesting:
        raise ValueError(f"nested deeper than {max_nesting} levels")
    st["depth"] = int(depth[-1])
    # the top-level containers: opened to depth 2, closed back to depth 1
    opens = brackets[(step == 1) & (depth == 2)] + offset
    closes = brackets[(step == -1) & (depth == 1)] + offset
    events = sorted([(int(p), 1) for p in opens] + [(int(p), -1) for p in closes])
    for pos, kind in events:
        if kind == 1:
            st["open_at"] = pos
        elif st["open_at"] is not None:
            span = (st["open_at"], pos)
            if st["best"] is None or span[1] - span[0] > st["best"][1] - st["best"][0]:
                st["best"] = span
            st["open_at"] = None
