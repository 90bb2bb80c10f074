"""One number style for people and one rounding for machines.

People (pages, PDF, XLSX, the comparison): a score is points 0-100 with one decimal (「68.5 分」, ``points``), a
weight a percentage (``percent``), every other figure with thousands separators and its unit (``number``).
The Jinja filters ``num``, ``points`` and ``pct`` (``findpark.web.i18n``) and the reports call these.

Machines (the JSON API, ``findpark.http.parsing.respond``): the model's values stay as they are (``score`` is
0-1, 分 = 100 × score) but every float is rounded at serialisation (``json_ready``) to a stated precision per
field kind (``SCORE_DECIMALS``, ``COORD_DECIMALS``, ``OTHER_DECIMALS``), so no 0.30000000000000004 leaves.
"""
from __future__ import annotations

import math

from . import vocab

POINT_DECIMALS = 1   # 分 for people: 100 × score, one decimal
SCORE_DECIMALS = 4   # API: score, stability, contributions, criteria, weights (0-1)
COORD_DECIMALS = 7   # API: lon/lat (centroid, location, bbox, coordinates): ~1 cm
OTHER_DECIMALS = 6   # API: every other float (亩, 万元, km …)
SCORE_KEYS = frozenset({"score", "stability"})
SCORE_MAPS = frozenset({"contributions", "criteria", "weights"})
COORD_KEYS = frozenset({"centroid", "location", "bbox", "coordinates", "extent"})
ECHO_KEYS = frozenset({"request", "requirement"})


def points(score) -> float | None:
    """The model's 0-1 score as points 0-100 with one decimal (None stays None)."""
    if score is None or (isinstance(score, float) and math.isnan(score)):
        return None
    return round(100 * float(score) + 0.0, POINT_DECIMALS) + 0.0


def number(v, nd: int = 2, unit: str | None = None, lang: str = "zh", fixed: bool = False) -> str:
    """A figure for people: thousands separators, ``nd`` decimals (trailing zeros dropped unless ``fixed``),
    and its unit (a ``vocab`` unit code or a literal) after a space; '—' when unknown."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, (int, float)):
        s = f"{v:,.{nd}f}"
        if not fixed and "." in s:
            s = s.rstrip("0").rstrip(".")
        if s in ("-0", "-0.0"):
            s = s[1:]
    else:
        s = str(v)
    if unit:
        u = vocab.unit(unit, lang) if unit in vocab.UNITS else unit
        s = f"{s} {u}"
    return s


def points_text(score, lang: str = "zh") -> str:
    """「68.5 分」: a score for people."""
    p = points(score)
    return "—" if p is None else number(p, POINT_DECIMALS, "points", lang, fixed=True)


def percent(share, nd: int = 0) -> str:
    """A share 0-1 (a normalised weight) as 「32%」."""
    if share is None:
        return "—"
    return f"{100 * float(share):.{nd}f}%"


class Rounded(list):
    """A list whose floats are already rounded as ``json_ready`` would round them (e.g. coordinates built in
    bulk by ``geo.geojson.rfc7946_geometries``): ``json_ready`` passes it through untouched."""

    __slots__ = ()


def _round(x: float, nd: int) -> float:
    r = round(x, nd)  # NaN and ±inf come back as they are
    return r + 0.0 if r else 0.0  # no -0.0


def decimals(key: str | None, parent: str | None) -> int:
    """The places a float under ``key`` (in a dict under ``parent``) is rounded to for the API."""
    if key in SCORE_KEYS or parent in SCORE_MAPS:
        return SCORE_DECIMALS
    if key in COORD_KEYS or parent in COORD_KEYS:
        return COORD_DECIMALS
    return OTHER_DECIMALS


def json_ready_flat(d: dict, key: str | None = None, skip: str | None = None) -> dict:
    """``json_ready(d, key)`` for a dict of plain values (a record's properties) without the recursive walk,
    leaving out the item ``skip``: floats rounded by ``decimals(their key, key)`` (each distinct value once:
    a page's figures repeat), lists of text copied, anything else through ``json_ready``."""
    places = _PLACES.get(key)
    if places is None:
        places = _PLACES.setdefault(key, {})
    out = {}
    for k, v in d.items():
        if k == skip:
            continue
        t = type(v)
        if t is str or t is int or t is bool or v is None:
            out[k] = v
        elif t is float:
            nd = places.get(k)
            if nd is None:
                nd = places[k] = decimals(k, key)
            out[k] = rounded(v, nd)
        elif t is list and set(map(type, v)) <= _TEXT:
            out[k] = list(v)
        else:
            out[k] = json_ready(v, k if isinstance(k, str) else None, key)
    return out


def rounded(v: float, nd: int) -> float:
    """``_round(v, nd)``, each distinct value rounded once (the figures of a page or a load repeat)."""
    memo = _ROUNDED[nd]
    r = memo.get(v)
    if r is None:
        r = _round(v, nd)
        if len(memo) < _MEMO_MAX:
            memo[v] = r
    return r


_PLACES: dict = {}  # parent key → {key: decimals}, filled as keys are met (a few dozen field names)
_ROUNDED: dict = {nd: {} for nd in (SCORE_DECIMALS, COORD_DECIMALS, OTHER_DECIMALS)}  # value → rounded
_MEMO_MAX = 100_000  # values per precision kept (-0.0 and 0.0 share a key and both round to 0.0)
_TEXT = {str}


def json_ready(obj, key: str | None = None, parent: str | None = None):
    """``obj`` with every float rounded for the API: scores to ``SCORE_DECIMALS``, coordinates to
    ``COORD_DECIMALS``, the rest to ``OTHER_DECIMALS``; ints, text and structure unchanged."""
    t = type(obj)
    if t is str or t is int or t is bool or obj is None or t is Rounded:  # the common leaves first: fast
        return obj
    if isinstance(obj, float):
        return _round(obj, decimals(key, parent))
    if isinstance(obj, dict):
        if key in ECHO_KEYS:  # the request as the client sent it (normalised): echoed, never re-rounded
            return obj
        return {k: json_ready(v, k if isinstance(k, str) else None, key) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        if all(type(v) is str for v in obj):  # lists of codes and labels (synthetic, industries …)
            return list(obj)
        inner = key if key in COORD_KEYS or parent in COORD_KEYS else None
        return [json_ready(v, inner, inner) for v in obj]
    return obj
