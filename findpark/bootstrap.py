"""Create a store and fill it from the bundled data/*.geojson when it does not exist yet."""
from __future__ import annotations

from .ingest import load_files
from .paths import BUNDLED_LAYERS, data_dir
from .store import open_store


def bundled_files() -> list:
    return [data_dir() / f"{name}.geojson" for name in BUNDLED_LAYERS]


def ensure_store(url=None):
    """Open the store at ``url``; if it has no findpark layers yet, create it and load the bundled data."""
    store = open_store(url)
    if not store.exists():
        store.init()
        load_files(store, bundled_files(), replace=True)
    else:
        store.init()  # idempotent: adds tables newer versions need (e.g. inquiries) to an older store
    bundled_history = data_dir() / "park_quarterly.csv"
    if not store.quarters() and bundled_history.exists():
        # the bundled (synthetic) indicator history belongs to the bundled parks: load it only into a store
        # that holds them (a new store above, or one built before evaluation existed)
        from .evaluation.loader import load_indicators, read_table

        wanted = {r["park_id"] for r in read_table(bundled_history)}
        if wanted <= store.ids("parks"):
            load_indicators(store, bundled_history)
    return store
