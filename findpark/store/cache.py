"""One cache for everything derived from a store's data, keyed by (store url, data_version, name, args).

Callers (park summaries, siting candidates, evaluations, API park lists …) never keep module-level memos:

    cached(store, "siting.candidates", lambda: build(store))
    cached(store, "evaluation.evaluate", lambda q: evaluate(store, q), quarter)

``args`` are part of the key: pass plain values (a quarter, a park id), never the store itself (a second
store object for the same url would miss).

- an entry is valid for one ``data_version`` of one store url; when a newer version of that url is stored,
  every entry of the older versions is dropped (memory stays flat across writes);
- single flight: concurrent callers asking for the same missing key wait for one build instead of each
  building their own;
- a bounded number of entries per (url, version) (``MAX_ENTRIES``), oldest evicted first;
- incremental: with ``update=``, a missing entry is first offered the newest older version's value
  (``update(old_version, old_value)``), which may patch it from the store's change log
  (``store.changes_since``) instead of rebuilding; ``update`` returns None to ask for a full build.
"""
from __future__ import annotations

import contextlib
import gc
import threading
from collections import OrderedDict

MAX_ENTRIES = 256

_lock = threading.Lock()
_entries: OrderedDict = OrderedDict()  # (url, version, name, args) -> value
_latest: dict = {}  # url -> newest data_version seen
_building: dict = {}  # key -> threading.Event


def _evict_older(url: str, version: int) -> None:
    for key in [k for k in _entries if k[0] == url and k[1] < version]:
        del _entries[key]


def _previous(url: str, version: int, name: str, args: tuple):
    """(version, value) of the newest kept entry of this name and args older than ``version``, or None."""
    best = None
    for key in _entries:
        if key[0] == url and key[2] == name and key[3] == args and key[1] < version:
            if best is None or key[1] > best[0]:
                best = (key[1], _entries[key])
    return best


def cached(store, name: str, builder, *args, version: int | None = None, update=None):
    """``builder(*args)`` for the store's current data_version, built once per process and kept until the
    store moves on. ``version`` may be given when the caller already read it (one snapshot). ``update(old_version,
    old_value)``, when given and an older version's value is kept, may return the new value (or None)."""
    url = f"{store.url}#{getattr(store, 'uid', '')}"  # uid: a store recreated at the same url starts anew
    version = store.data_version if version is None else version
    key = (url, version, name, args)
    while True:
        with _lock:
            if key in _entries:
                _entries.move_to_end(key)
                return _entries[key]
            event = _building.get(key)
            if event is None:
                event = _building[key] = threading.Event()
                prev = _previous(url, version, name, args) if update is not None else None
                break
        event.wait()  # another thread builds it; then look again (it may have failed: we build then)
    try:
        with gc_paused():
            value = update(*prev) if prev is not None else None
            if value is None:
                value = builder(*args)
    except BaseException:
        with _lock:
            _building.pop(key, None)
        event.set()
        raise
    with _lock:
        _building.pop(key, None)
        if version >= _latest.get(url, -1):
            _latest[url] = version
            _evict_older(url, version)
            _entries[key] = value
            while len(_entries) > MAX_ENTRIES:
                _entries.popitem(last=False)
        # an answer for a version older than the newest seen is returned but not kept
    event.set()
    return value


_gc_lock = threading.Lock()
_gc_state = {"depth": 0, "was_enabled": False}


@contextlib.contextmanager
def gc_paused():
    """Python's cyclic garbage collector off while bulk data are built, on again when the last builder of
    any thread leaves. A build makes millions of objects that hold no cycles (rows, strings, floats); the
    collector walks all of them again and again as they pile up: a third of a 10^6-plot rebuild."""
    with _gc_lock:
        if _gc_state["depth"] == 0:
            _gc_state["was_enabled"] = gc.isenabled()
            gc.disable()
        _gc_state["depth"] += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_state["depth"] -= 1
            if _gc_state["depth"] == 0 and _gc_state["was_enabled"]:
                gc.enable()


def clear(url: str | None = None, name: str | None = None) -> None:
    """Forget every entry (of one store url, or of all; of one name, or of every name)."""
    with _lock:
        for key in [k for k in _entries if (url is None or k[0] == url) and (name is None or k[2] == name)]:
            del _entries[key]
        if name is not None:
            return
        if url is None:
            _latest.clear()
        else:
            _latest.pop(url, None)


def stats() -> dict:
    with _lock:
        return {"entries": len(_entries), "urls": len(_latest), "building": len(_building)}
