"""The store of the running app, and one read snapshot per request.

``findpark.app.create_app`` puts the store in ``app.extensions["findpark_store"]`` and calls ``init_app``:
every request then reads inside ``store.snapshot()``, so the several reads that make up one response (park
records and plot totals, a page of features and ``numberMatched``) see one data version even while a writer
commits a new one."""
from __future__ import annotations

from flask import Flask, current_app, g

EXTENSION = "findpark_store"


def get_store():
    return current_app.extensions[EXTENSION]


def init_app(app: Flask) -> None:
    @app.before_request
    def _open_snapshot():
        store = app.extensions.get(EXTENSION)
        snapshot = getattr(store, "snapshot", None)
        if snapshot is not None:
            cm = snapshot()
            cm.__enter__()
            g._findpark_snapshot = cm

    @app.teardown_request
    def _close_snapshot(exc):
        cm = g.pop("_findpark_snapshot", None)
        if cm is not None:
            cm.__exit__(None, None, None)
