"""Versions of the geodata. Every applied import, quick edit and restore is a numbered version (author, time,
note, counts) written in the same transaction as the change and its audit entry; a change made outside (e.g.
``findpark load``) is noticed and recorded as an ``external`` version before the next one. Each version's layers
are kept as a snapshot file (``store.snapshot_to``: the GeoPackage online backup API), taken right after the
version commits and, if missing, before the next change, so any earlier version can be restored in one step
(``store.restore_from`` in one transaction; a restore is itself a new version).

Files live in the store's work folder (``work_dir``): ``FINDPARK_VERSIONS_DIR/<store uid>`` when set, else
beside a GeoPackage (``findpark.gpkg`` → ``findpark.versions/``), else ``instance/versions/<uid>``:
``snapshots/vNNNNN.gpkg`` and ``imports/<id>/`` (uploads being staged). Never under static/.
"""
from __future__ import annotations

import datetime as _dt
import json
import os
from pathlib import Path

from ..store import StoreError
from ..store.schema import LAYERS
from . import audit


class VersionError(ValueError):
    """A version request that cannot be done (unknown number, no snapshot, the data changed meanwhile)."""


def now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def work_dir(store) -> Path:
    env = os.environ.get("FINDPARK_VERSIONS_DIR")
    if env:
        return Path(env) / store.uid
    url = store.url
    if store.backend == "gpkg" and url.startswith("gpkg:"):
        p = Path(url[5:])
        return p.with_name(p.stem + ".versions")
    return Path("instance") / "versions" / store.uid


def snapshot_path(store, number: int) -> Path:
    return work_dir(store) / "snapshots" / f"v{number:05d}.gpkg"


def _row(r: dict) -> dict:
    return {**r, "counts": json.loads(r["counts"] or "{}"), "totals": json.loads(r["totals"] or "{}")}


def list_versions(store) -> list[dict]:
    """Every version, newest first, with ``restorable`` (its snapshot is there)."""
    rows = store.select_rows("versions", order_by=["-number"])
    return [{**_row(r), "restorable": bool(r["snapshot"]) and snapshot_path(store, r["number"]).exists()}
            for r in rows]


def get_version(store, number: int) -> dict | None:
    rows = store.select_rows("versions", where={"number": number})
    return _row(rows[0]) if rows else None


def totals(store) -> dict:
    return {name: store.count(name) for name in LAYERS}


def _latest(store) -> dict | None:
    rows = store.select_rows("versions", order_by=["-number"], limit=1)
    return rows[0] if rows else None


def _take_snapshot(store, number: int) -> None:
    store.snapshot_to(snapshot_path(store, number))
    store.update_rows("versions", {"number": number}, {"snapshot": snapshot_path(store, number).name})


def base(store, author: str = "system") -> dict:
    """The version the store is at now, creating version 0 (``baseline``) or an ``external`` one when the data
    changed outside versions, with its snapshot taken. Call before a change."""
    last = _latest(store)
    dv = store.data_version
    if last is None or last["data_version"] != dv:
        number = 0 if last is None else last["number"] + 1
        kind = "baseline" if last is None else "external"
        note = ("the data before the first versioned change" if last is None
                else "changed outside the versions (e.g. findpark load)")
        with store.atomic():
            store.insert_row("versions", {"number": number, "at": now(), "author": author if last is None else "-",
                                          "note": note, "kind": kind, "counts": "{}",
                                          "totals": json.dumps(totals(store)), "data_version": dv,
                                          "import_id": None, "restored_from": None, "snapshot": None})
        last = _latest(store)
    if not last["snapshot"] or not snapshot_path(store, last["number"]).exists():
        _take_snapshot(store, last["number"])
        last = _latest(store)
    return last


def commit(store, do, *, author: str, kind: str, note: str, counts: dict | None = None, import_id=None,
           restored_from=None, audit_action: str, audit_target: str, address: str | None = None,
           detail: dict | None = None) -> dict:
    """Run ``do()`` (the writes) as a new version: snapshot of the current one first, then ONE transaction
    holding the writes, the version row and the audit entry; then this version's snapshot. Returns the row."""
    cur = base(store, author)
    with store.atomic():
        if store.data_version != cur["data_version"]:
            raise VersionError("the data changed while this was being prepared; nothing was written: try again")
        result = do()
        number = cur["number"] + 1
        row = {"number": number, "at": now(), "author": author, "note": (note or "")[:500], "kind": kind,
               "counts": json.dumps(counts if counts is not None else (result or {}), ensure_ascii=False),
               "totals": json.dumps(totals(store)), "data_version": store.data_version, "import_id": import_id,
               "restored_from": restored_from, "snapshot": None}
        store.insert_row("versions", row)
        audit.record(store, author, audit_action, audit_target,
                     {"version": number, **(detail or {})}, address)
    try:
        _take_snapshot(store, number)
    except StoreError:  # taken before the next change instead (base())
        pass
    return get_version(store, number)


def restore(store, number: int, *, author: str, note: str = "", address: str | None = None) -> dict:
    """Make version ``number``'s layers current again, as a new version."""
    v = get_version(store, number)
    if v is None:
        raise VersionError(f"no version {number}")
    path = snapshot_path(store, number)
    if not v["snapshot"] or not path.exists():
        raise VersionError(f"version {number} has no snapshot to restore")
    cur = base(store, author)
    if cur["number"] == number:
        raise VersionError(f"version {number} is the current one")
    return commit(store, lambda: store.restore_from(path), author=author, kind="restore",
                  note=note or f"restored version {number}", restored_from=number, audit_action="version_restore",
                  audit_target=f"version:{number}", address=address, detail={"restored_from": number})


# -- quick edits from the park page -----------------------------------------------------------------------------
EDITABLE = ("status", "price_wan_per_mu", "available_from")


def edit_plot(store, user, plot_id: str, changes: dict, *, address: str | None = None) -> dict:
    """Change a plot's status, price or available date (staff in scope) as a version with an audit entry.
    Raises LookupError (unknown or out of scope: the caller answers 404) or ValueError naming the field."""
    from ..ingest.validate import coerce

    plot = store.get("plots", plot_id)
    park = store.get("parks", plot["park_id"]) if plot else None
    if plot is None or park is None or user is None or not user.can_see_park(park["id"], park.get("adcode")):
        raise LookupError(plot_id)
    new, delta = dict(plot), {}
    for name in EDITABLE:
        if name not in changes:
            continue
        raw = changes[name]
        f = LAYERS["plots"].by_name[name]
        if raw in (None, "") and not f.required:
            value = None
        else:
            try:
                value = coerce(f, raw, from_text=True)
            except ValueError as exc:
                raise ValueError(f"{name}: {exc}") from None
        if value != plot.get(name):
            new[name] = value
            delta[name] = [plot.get(name), value]
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise ValueError(f"{unknown[0]}: not editable here (only {', '.join(EDITABLE)})")
    if not delta:
        return {"changed": {}, "version": None}
    text = "; ".join(f"{k} {a} → {b}" for k, (a, b) in delta.items())
    v = commit(store, lambda: store.write({"plots": [new]}), author=user.username, kind="edit",
               note=f"{plot_id}: {text}", counts={"plots": {"added": 0, "changed": 1, "removed": 0}},
               audit_action="plot_edit", audit_target=f"plot:{plot_id}", address=address, detail={"changes": delta})
    return {"changed": delta, "version": v["number"]}
