"""Create a store and fill it from the bundled data (``data/*.geojson`` and the quarterly indicator history).

Commands call these (``findpark load`` without files, ``findpark serve``, ``make run``); the app factory never
writes the database."""
from __future__ import annotations

from .evaluation.loader import load_indicators, read_table
from .ingest import load_files
from .paths import BUNDLED_LAYERS, data_dir
from .store import open_store


def bundled_files() -> list:
    return [data_dir() / f"{name}.geojson" for name in BUNDLED_LAYERS]


def load_bundled_history(store) -> int:
    """The bundled (synthetic) indicator history belongs to the bundled parks: load it into a store without
    quarterly figures that holds them. Returns the rows loaded (0 when nothing was to be done)."""
    history = data_dir() / "park_quarterly.csv"
    if store.quarters() or not history.exists():
        return 0
    if not {r["park_id"] for r in read_table(history)} <= store.ids("parks"):
        return 0
    return load_indicators(store, history)


def load_bundled(store):
    """Replace the store's layers with the bundled data and load its indicator history; the load report."""
    store.init()
    report = load_files(store, bundled_files(), replace=True)
    load_bundled_history(store)
    return report


def ensure_store(url=None):
    """Open the store at ``url``; if it has no findpark layers yet, create it and load the bundled data."""
    store = open_store(url)
    if not store.exists():
        load_bundled(store)
    else:
        store.init()  # idempotent: adds tables newer versions need (e.g. inquiries) to an older store
        load_bundled_history(store)
    return store
