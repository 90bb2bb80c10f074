"""Per-park summaries derived from the store (available land, plot counts), cached per data_version."""
from __future__ import annotations

import threading
from collections import Counter, defaultdict

_CACHE: dict = {}
_LOCK = threading.Lock()


def plot_summaries(store) -> dict[str, dict]:
    """park_id → {n_plots, by_status, available_mu, n_available, largest_available_mu, available_land_uses}."""
    key = (str(store.path), store.data_version)
    with _LOCK:
        hit = _CACHE.get(key)
    if hit is not None:
        return hit
    cols = store.columns("plots", ["park_id", "status", "area_mu", "land_use"], geometry=False)
    acc: dict = defaultdict(lambda: {"n_plots": 0, "by_status": Counter(), "available_mu": 0.0, "n_available": 0,
                                     "largest_available_mu": 0.0, "available_land_uses": Counter()})
    for park, status, mu, lu in zip(cols["park_id"], cols["status"], cols["area_mu"], cols["land_use"]):
        a = acc[park]
        a["n_plots"] += 1
        a["by_status"][status] += 1
        if status == "available":
            a["n_available"] += 1
            a["available_mu"] += mu or 0.0
            a["largest_available_mu"] = max(a["largest_available_mu"], mu or 0.0)
            a["available_land_uses"][lu] += 1
    out = {}
    for park, a in acc.items():
        out[park] = {"n_plots": a["n_plots"], "by_status": dict(sorted(a["by_status"].items())),
                     "available_mu": round(a["available_mu"], 2), "n_available": a["n_available"],
                     "largest_available_mu": round(a["largest_available_mu"], 2),
                     "available_land_uses": dict(sorted(a["available_land_uses"].items()))}
    with _LOCK:
        _CACHE.clear()
        _CACHE[key] = out
    return out


# Park indicators shown side by side (可比): key, Chinese label, unit.
INDICATORS = (
    ("tax_per_mu_wan", "亩均税收", "万元/亩"),
    ("output_per_mu_wan", "亩均产值", "万元/亩"),
    ("land_price_wan_per_mu", "工业用地价格", "万元/亩"),
    ("factory_rent_yuan_m2_day", "标准厂房租金", "元/m²/天"),
    ("vacant_factory_m2", "空置标准厂房", "m²"),
    ("power_spare_kva", "电力余量", "kVA"),
    ("water_spare_t_day", "供水余量", "吨/日"),
    ("core_area_ha", "核准面积", "公顷"),
    ("area_mu", "边界面积", "亩"),
)


def indicators(park: dict) -> list[dict]:
    """The park's indicators with units and whether each value is synthetic (or, for area_mu, approximate)."""
    syn = set(park.get("synthetic") or [])
    out = []
    for key, label, unit in INDICATORS:
        synthetic = key in syn or (key == "area_mu" and bool(park.get("boundary_approximate")))
        out.append({"key": key, "label": label, "unit": unit, "value": park.get(key), "synthetic": synthetic})
    return out


EMPTY = {"n_plots": 0, "by_status": {}, "available_mu": 0.0, "n_available": 0, "largest_available_mu": 0.0,
         "available_land_uses": {}}


def summary(store, park_id: str) -> dict:
    return plot_summaries(store).get(park_id, EMPTY)


_PARKS: dict = {}


def parks(store) -> list[dict]:
    """Every park record (with geometry), read once per data_version: parks are few and asked for often."""
    key = (str(store.path), store.data_version)
    with _LOCK:
        hit = _PARKS.get(key)
    if hit is None:
        hit = store.read("parks")
        with _LOCK:
            _PARKS.clear()
            _PARKS[key] = hit
    return hit
