"""Park search (可查): filter park records by industry, district and level. Pure functions."""
from __future__ import annotations

from . import taxonomy


def industry_matches(park: dict, query: str) -> bool:
    """A label (装备制造), a GB/T 4754 code (C34: matches C34 and anything under it) or a fragment (医药)."""
    q = query.strip()
    if not q:
        return True
    labels = park.get("leading_industries") or []
    if q in labels:
        return True
    park_codes = park.get("industry_codes") or []
    try:
        wanted = taxonomy.resolve(q)
    except KeyError:
        wanted = ()
    for w in wanted:
        if any(c.startswith(w) or w.startswith(c) for c in park_codes):
            return True
    return any(q in lab for lab in labels)


def district_matches(park: dict, query: str) -> bool:
    """A 6-digit adcode (330109), a city adcode prefix (3301), or a name fragment (萧山, 杭州市)."""
    q = query.strip()
    if q.isdigit():
        return (park.get("adcode") or "").startswith(q.rstrip("0") if len(q) == 6 and q.endswith("00") else q)
    return any(q in (park.get(k) or "") for k in ("district", "city", "province"))


def filter_parks(parks: list[dict], *, industry: str | None = None, district: str | None = None,
                 level: str | None = None, q: str | None = None) -> list[dict]:
    out = []
    for p in parks:
        if industry and not industry_matches(p, industry):
            continue
        if district and not district_matches(p, district):
            continue
        if level and p.get("level") != level:
            continue
        if q and q.strip() not in (p.get("name") or ""):
            continue
        out.append(p)
    return out
