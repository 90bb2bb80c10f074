"""Park search (可查): one filter for the home page, ``GET /api/v1/parks`` and ``findpark parks``.

``search(store, ParkFilter(...))`` answers the parks matching every given condition, with each park's plot
summary (available land …); the predicates below are pure functions of a park record.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..taxonomy import matching
from . import parkinfo, search_index


def industry_matches(park: dict, query: str) -> bool:
    """A label (装备制造), a trade name (芯片), a GB/T 4754 code (C34: parks whose industry lies within C34) or
    several of them (汽车零部件、锂电池): the one matcher's exact level (``taxonomy.matching``), the same the
    siting industry criterion scores 1. Text the table does not know is matched as a fragment of the park's
    主导产业 labels (医药)."""
    q = query.strip()
    if not q:
        return True
    try:
        wanted = matching.parse(q)
    except matching.UnknownIndustry:
        return any(q in lab for lab in park.get("leading_industries") or [])
    return matching.park_matches(wanted, park)


def unknown_industry(query: str | None, parks: list[dict]) -> matching.UnknownIndustry | None:
    """The refusal for industry text that is neither a label, trade name or code the table knows nor a fragment
    of any park's 主导产业 (so the search cannot mean anything): carries up to five closest labels. None when
    the text is usable."""
    q = (query or "").strip()
    if not q:
        return None
    try:
        matching.parse(q)
        return None
    except matching.UnknownIndustry as exc:
        if any(q in lab for p in parks for lab in p.get("leading_industries") or []):
            return None
        return exc


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
        if q and not search_index.matches(p, q):  # name, short form, pinyin or initials (hzjk), id
            continue
        out.append(p)
    if q and q.strip():
        out.sort(key=lambda p: search_index.rank(p, q))
    return out


@dataclass(frozen=True)
class ParkFilter:
    """Every condition is optional; bounds are inclusive. Available land is the summed area of the park's
    plots with status "available"."""
    industry: str | None = None
    district: str | None = None
    level: str | None = None
    q: str | None = None  # the park's name: a fragment, its short form, pinyin or initials (services.search_index)
    adcode: str | None = None  # an adcode prefix
    bbox: tuple | None = None  # (minlon, minlat, maxlon, maxlat): parks whose geometry meets it
    min_available_mu: float | None = None
    max_available_mu: float | None = None
    max_price: float | None = None  # 万元/亩; parks without a price do not match
    min_vacant_m2: float | None = None


def search(store, f: ParkFilter) -> tuple[list[dict], dict[str, dict]]:
    """(the matching park records in id order, park_id → plot summary for every park)."""
    recs = parkinfo.parks(store)
    if f.bbox is not None:  # the spatial index answers which parks; the cached records supply them
        inside = {p["id"] for p in store.read("parks", bbox=f.bbox)}
        recs = [p for p in recs if p["id"] in inside]
    recs = filter_parks(recs, industry=f.industry, district=f.district, level=f.level, q=f.q)
    if f.adcode:
        recs = [p for p in recs if (p.get("adcode") or "").startswith(f.adcode)]
    summaries = parkinfo.plot_summaries(store)

    def available(p):
        return summaries.get(p["id"], parkinfo.EMPTY)["available_mu"]

    if f.min_available_mu is not None:
        recs = [p for p in recs if available(p) >= f.min_available_mu]
    if f.max_available_mu is not None:
        recs = [p for p in recs if available(p) <= f.max_available_mu]
    if f.max_price is not None:
        recs = [p for p in recs if p.get("land_price_wan_per_mu") is not None
                and p["land_price_wan_per_mu"] <= f.max_price]
    if f.min_vacant_m2 is not None:
        recs = [p for p in recs if (p.get("vacant_factory_m2") or 0) >= f.min_vacant_m2]
    return recs, summaries
