"""Per-park summaries derived from the store (available land, plot counts), cached per data_version."""
from __future__ import annotations

from collections import Counter, defaultdict

from .. import vocab
from ..store.cache import cached


def plot_summaries(store) -> dict[str, dict]:
    """park_id → {n_plots, by_status, available_mu, n_available, largest_available_mu, available_land_uses}."""
    return cached(store, "parkinfo.plot_summaries", lambda: _plot_summaries(store))


def _plot_summaries(store) -> dict[str, dict]:
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
    return out


# Park indicators shown side by side (可比): key, Chinese label, unit (``findpark.vocab.PARK_INDICATORS``).
INDICATORS = tuple((key, term.zh, vocab.unit(term.unit)) for key, term in vocab.PARK_INDICATORS.items())


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


def parks(store) -> list[dict]:
    """Every park record (with geometry), read once per data_version: parks are few and asked for often."""
    return cached(store, "parkinfo.parks", lambda: store.read("parks"))
