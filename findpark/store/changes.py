"""The change log: which records each data_version touched, so derived data can be patched, not rebuilt.

Every write that bumps ``data_version`` adds, in the same transaction, rows ``(version, layer, id)`` to the
``changes`` table (``schema.CHANGES``):

- one marker ``(v, "", "")`` per version: a version without its marker is unknown (a store written by an older
  findpark, a ``db copy``, a pruned log), and then nobody may patch across it;
- ``(v, layer, id)`` for every record upserted or deleted, or ``(v, layer, "*")`` when the write replaced the
  layer or touched more than ``MAX_IDS`` records (a bulk load: rebuilding is as cheap as patching then);
- ``(v, "park_quarterly", "*")`` for indicator writes.

Versions older than ``KEEP`` behind the newest are pruned by the write that passes them.
``interpret`` turns the rows after a version into ``{layer: set of ids | None (all)}``, or None when the log
cannot say (a gap). Both backends write and read the rows with their own SQL and share these functions.
"""
from __future__ import annotations

from collections.abc import Iterable

MAX_IDS = 2000
KEEP = 200
ALL = "*"
MARKER = ("", "")


def rows_for_write(version: int, batches: dict[str, Iterable], *, replace: bool = False) -> list[tuple]:
    """The log rows of one write: ``batches`` maps layer → records (dicts with ``id``) or ids."""
    rows = [(version, *MARKER)]
    for layer, records in batches.items():
        ids = {r["id"] if isinstance(r, dict) else r for r in records}
        if replace or len(ids) > MAX_IDS:
            rows.append((version, layer, ALL))
        else:
            rows += [(version, layer, i) for i in sorted(ids)]
    return rows


def rows_for_table(version: int, table: str) -> list[tuple]:
    """The log rows of a write to a whole table (quarterly indicators)."""
    return [(version, *MARKER), (version, table, ALL)]


def interpret(rows: Iterable[tuple], since: int, current: int) -> dict | None:
    """``{layer: ids | None}`` changed after ``since`` up to ``current`` from the log rows with version > since;
    None when some version in between left no marker (the log cannot tell what it changed)."""
    seen: set = set()
    out: dict = {}
    for version, layer, id_ in rows:
        if version > current:
            continue
        if layer == "":
            seen.add(version)
        elif id_ == ALL:
            out[layer] = None
        elif out.get(layer, ()) is not None:
            out.setdefault(layer, set()).add(id_)
    if seen != set(range(since + 1, current + 1)):
        return None
    return out
