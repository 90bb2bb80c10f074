"""Copy a whole store into another (GeoPackage ⇄ PostGIS, or the same kind): ``findpark db copy SRC DST``.

Only the store protocol is used. The source is read inside one snapshot (one consistent version), in pages
ordered by id (memory stays bounded by the page, not the store); the destination is written inside one
``atomic()``: every layer replaced, every attribute table of ``schema.TABLES`` replaced (meta included, so
the copy has the source's uid and data_version, moved past the destination's old version so workers on the
destination never mistake the copy for a version they cached). Before the commit the destination's counts are
checked against the source's; any difference (or any error) rolls everything back.
"""
from __future__ import annotations

from .base import Range
from .errors import StoreError
from .schema import INQUIRIES, LAYERS, LOCAL_TABLES, TABLES

PAGE = 20_000


def _pages(src, layer: str):
    last = None
    while True:
        where = {"id": Range(min=last)} if last is not None else None
        recs = src.read(layer, where=where, limit=PAGE + (1 if last is not None else 0))
        if last is not None:
            recs = [r for r in recs if r["id"] != last]
        if not recs:
            return
        yield recs
        if len(recs) < PAGE:
            return
        last = recs[-1]["id"]


def _rows(src, table: str):
    if table == INQUIRIES.name:  # newest first with insertion order as tie-break: insert oldest first
        rows, total = src.list_inquiries(limit=None)
        return list(reversed(rows))
    return src.select_rows(table)


def copy_store(src, dst) -> dict:
    """Copy everything from ``src`` into ``dst`` (created if missing), all or nothing. Returns the counts
    (layer or table → rows). Raises :class:`StoreError` when the counts differ after writing."""
    if not src.exists():
        raise StoreError(f"no findpark store at the source {src!r}")
    dst.init()
    old_version = dst.data_version
    counts: dict[str, int] = {}
    with src.snapshot():
        src_version = src.data_version
        want = {name: src.count(name) for name in LAYERS}
        tables = [name for name in TABLES if name not in LOCAL_TABLES]  # the change log stays the destination's
        want.update({name: src.count_rows(name) for name in tables})
        with dst.atomic():
            for name in ("parks", "plots", "amenities"):  # the order keeps plots after their parks
                dst.write({name: []}, replace=True)
                for page in _pages(src, name):
                    dst.write({name: page})
                counts[name] = dst.count(name)
            for name in tables:
                rows = _rows(src, name)
                key = TABLES[name].pk[0]
                existing = [r[key] for r in dst.select_rows(name)]
                if existing:
                    dst.delete_rows(name, {key: existing})
                for row in rows:
                    dst.insert_row(name, row)
                counts[name] = dst.count_rows(name)
            dst.delete_rows("changes", {"version": Range(min=-1)})  # a copy starts a new history: nothing to patch
            version = max(src_version, old_version + 1)
            dst.update_rows("meta", {"key": "data_version"}, {"value": str(version)})
            if counts != want:
                bad = {k: (want[k], counts.get(k)) for k in want if want[k] != counts.get(k)}
                raise StoreError(f"copy incomplete, nothing written: counts (source, copy) differ: {bad}")
    return counts
