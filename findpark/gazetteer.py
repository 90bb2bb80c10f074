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


def resolve_district(text: str) -> list[str]:
    """'330109', '330100' (a city), '萧山', '萧山区', '杭州', '杭州市' → county adcodes. [] if unknown."""
    t = str(text).strip()
    if t.isdigit() and len(t) == 6:
        prefix = t[:2] if t.endswith("0000") else t[:4] if t.endswith("00") else t
        return sorted(c["adcode"] for c in counties() if c["adcode"].startswith(prefix))
    if not t:
        return []
    short = _short(t)
    hits = [c["adcode"] for c in counties() if c["district"] in (t,) or _short(c["district"]) == short]
    if not hits:
        hits = [c["adcode"] for c in counties() if c["city"] == t or _short(c["city"]) == short]
    if not hits and t in ("浙江", "浙江省"):
        hits = [c["adcode"] for c in counties()]
    return sorted(hits)
