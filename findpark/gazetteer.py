"""County and city names ↔ adcodes, from data/boundaries.geojson (the bundled basemap)."""
from __future__ import annotations

import json
from functools import lru_cache

from .paths import data_dir


@lru_cache(maxsize=1)
def counties() -> list[dict]:
    """[{adcode, city, district}] for every county-level unit in the bundled boundaries."""
    doc = json.loads((data_dir() / "boundaries.geojson").read_text("utf-8"))
    return [{"adcode": f["properties"]["adcode"], "city": f["properties"]["city"],
             "district": f["properties"]["district"]}
            for f in doc["features"] if f["properties"]["level"] == "county"]


def _short(name: str) -> str:
    for suffix in ("自治县", "新区", "市", "区", "县"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


@lru_cache(maxsize=1)
def _index() -> dict:
    """Every lookup resolve_district makes, computed once from counties(): adcodes by full and short
    county name, by full and short city name, all adcodes (sorted). Requests resolve names in a dict
    lookup instead of shortening ~90 names per call (672 calls of _short per request before)."""
    by_district: dict[str, set] = {}
    by_district_short: dict[str, set] = {}
    by_city: dict[str, set] = {}
    by_city_short: dict[str, set] = {}
    for c in counties():
        by_district.setdefault(c["district"], set()).add(c["adcode"])
        by_district_short.setdefault(_short(c["district"]), set()).add(c["adcode"])
        by_city.setdefault(c["city"], set()).add(c["adcode"])
        by_city_short.setdefault(_short(c["city"]), set()).add(c["adcode"])
    return {"district": by_district, "district_short": by_district_short, "city": by_city,
            "city_short": by_city_short, "all": tuple(sorted(c["adcode"] for c in counties()))}


def resolve_district(text: str) -> list[str]:
    """'330109', '330100' (a city), '萧山', '萧山区', '杭州', '杭州市' → county adcodes. [] if unknown."""
    return list(_resolve(str(text).strip()))


@lru_cache(maxsize=4096)
def _resolve(t: str) -> tuple[str, ...]:
    idx = _index()
    if t.isdigit() and len(t) == 6:
        prefix = t[:2] if t.endswith("0000") else t[:4] if t.endswith("00") else t
        return tuple(a for a in idx["all"] if a.startswith(prefix))
    if not t:
        return ()
    short = _short(t)
    hits = idx["district"].get(t, set()) | idx["district_short"].get(short, set())
    if not hits:
        hits = idx["city"].get(t, set()) | idx["city_short"].get(short, set())
    if not hits and t in ("浙江", "浙江省"):
        hits = set(idx["all"])
    return tuple(sorted(hits))
