"""Staged imports: upload → validate (per-feature report) → diff (added/changed/removed/unchanged, field by
field) → review (preview map, warnings) → apply in one transaction as a new version, or discard (writes no
geodata). Staff may stage and apply only features of parks in their scope (amenities: admins only); an import
is seen by its author and by admins. No Flask here: the pages, the API and the CLI call these.
"""
from __future__ import annotations

import datetime as _dt
import json
import secrets
import shutil
from pathlib import Path

from ..ingest import checks
from ..ingest.diff import counts as diff_counts, diff as compute_diff, dump_batches, load_batches
from ..ingest.load import prepare, resolve_crs
from ..ingest.uploads import UploadError, expand, save_stream
from ..store import LoadError, StoreError
from . import audit, versions

MAX_FILES = 10


class ImportError_(ValueError):
    """An import request that cannot be done; ``status`` is the HTTP answer it maps to."""

    def __init__(self, message: str, status: int = 422):
        super().__init__(message)
        self.status = status


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def folder(store, import_id: str) -> Path:
    return versions.work_dir(store) / "imports" / import_id


def _scope_problems(store, user, batches) -> list[str]:
    if user is None or user.is_admin:
        return []
    parks = {r["id"]: r for r in store.read("parks")}
    parks.update({r["id"]: r for r in batches.get("parks", [])})
    out = []
    for r in batches.get("parks", []):
        if not user.can_see_park(r["id"], r.get("adcode")):
            out.append(f"park {r['id']}: outside your scope")
    for r in batches.get("plots", []):
        p = parks.get(r["park_id"]) or {}
        if not user.can_see_park(r["park_id"], p.get("adcode")):
            out.append(f"plot {r['id']}: its park {r['park_id']} is outside your scope")
    if batches.get("amenities"):
        out.append("amenities: only administrators import them")
    return out


def _validate(store, user, paths: list[Path], crs: str | None, layer: str | None, replace: bool) -> dict:
    """Read, validate, diff: the staged result (``ok``, ``report``, ``diff``, ``batches``, ``warnings``)."""
    datum = None
    if crs:
        try:
            how = resolve_crs(crs)
        except ValueError as exc:
            return {"ok": False, "report": {"problems": [str(exc)], "notes": [], "warnings": []}, "diff": {},
                    "batches": {}}
        datum = how[1] if how[0] == "datum" else "projected"
    try:
        batches, notes = prepare(store, paths, crs=crs, layer=layer, replace=False)
    except LoadError as exc:
        return {"ok": False, "report": {"problems": list(exc.problems), "notes": [], "warnings": []}, "diff": {},
                "batches": {}}
    problems = _scope_problems(store, user, batches)
    if datum is None:  # declared in the files: the first GCJ-02/BD-09 note says so
        datum = "gcj02" if any("from GCJ02" in n for n in notes) else ("bd09" if any("from BD09" in n for n in notes)
                                                                        else "wgs84")
    d = compute_diff(store, batches, replace)
    warn = checks.warnings(store, batches, datum)
    return {"ok": not problems, "report": {"problems": problems, "notes": notes[:2000], "warnings": warn,
                                           "datum": datum}, "diff": d, "batches": batches}


def stage(store, user, uploads: list[tuple[str, object]], *, crs: str | None = None, layer: str | None = None,
          replace: bool = False, address: str | None = None, max_bytes: int | None = None) -> dict:
    """Save the uploads (``(filename, binary stream)``), validate and diff them; store the staged import.
    Returns the import (``ok`` False with the problems when it cannot be applied). Raises ImportError_ for an
    upload refused before reading (type, size, archive)."""
    if not uploads:
        raise ImportError_("no file: upload GeoJSON, a zipped Shapefile, a GeoPackage, XLSX or CSV", 400)
    if len(uploads) > MAX_FILES:
        raise ImportError_(f"at most {MAX_FILES} files per import", 400)
    import_id = secrets.token_hex(8)
    where = folder(store, import_id)
    try:
        saved = [save_stream(stream, name, where / "upload", **({"max_bytes": max_bytes} if max_bytes else {}))
                 for name, stream in uploads]
        paths = expand(saved, where / "files")
    except UploadError as exc:
        shutil.rmtree(where, ignore_errors=True)
        raise ImportError_(str(exc), 413 if "larger than" in str(exc) else 422) from None
    return _store_result(store, user, import_id, [p.name for p in saved], paths, crs, layer, replace, address)


def _store_result(store, user, import_id, names, paths, crs, layer, replace, address, existing=False) -> dict:
    base = store.data_version
    res = _validate(store, user, paths, crs, layer, replace)
    row = {"updated_at": _now(), "status": "staged", "crs": crs, "replace": bool(replace), "base_version": base,
           "ok": bool(res["ok"]), "report": json.dumps({**res["report"], "layer": layer}, ensure_ascii=False),
           "diff": json.dumps(res["diff"], ensure_ascii=False),
           "batches": json.dumps(dump_batches(res["batches"]))}
    with store.atomic():
        if existing:
            store.update_rows("imports", {"id": import_id}, row)
        else:
            store.insert_row("imports", {"id": import_id, "created_at": _now(), "author": _name(user),
                                         "files": names, "version": None, **row})
        audit.record(store, _name(user), "import_stage", f"import:{import_id}",
                     {"files": names, "crs": crs, "ok": res["ok"], "counts": diff_counts(res["diff"])}, address)
    return get(store, user, import_id)


def _name(user) -> str:
    return user.username if user is not None else "cli"


def _row(store, user, import_id: str) -> dict:
    rows = store.select_rows("imports", where={"id": import_id})
    if not rows or (user is not None and not user.is_admin and rows[0]["author"] != user.username):
        raise ImportError_(f"no import {import_id}", 404)
    return rows[0]


def get(store, user, import_id: str, *, with_preview: bool = False) -> dict:
    """The import as shown to its reviewer: status, files, datum, the report, the diff and the counts."""
    r = _row(store, user, import_id)
    d = json.loads(r["diff"] or "{}")
    out = {k: r[k] for k in ("id", "created_at", "updated_at", "author", "status", "files", "crs", "replace",
                             "base_version", "ok", "version")}
    out.update({"report": json.loads(r["report"] or "{}"), "diff": d, "counts": diff_counts(d),
                "stale": r["status"] == "staged" and r["base_version"] != store.data_version})
    if with_preview:
        out["preview"] = checks.preview(store, load_batches(json.loads(r["batches"] or "{}")), d)
    return out


def restage(store, user, import_id: str, *, crs: str | None, layer: str | None = None, replace: bool | None = None,
            address: str | None = None) -> dict:
    """Validate the same uploaded files again with another datum (or layer, or replace mode)."""
    r = _row(store, user, import_id)
    if r["status"] != "staged":
        raise ImportError_(f"import {import_id} is {r['status']}", 409)
    where = folder(store, import_id)
    saved = sorted((where / "upload").glob("*"))
    shutil.rmtree(where / "files", ignore_errors=True)
    try:
        paths = expand(saved, where / "files")
    except UploadError as exc:
        raise ImportError_(str(exc)) from None
    rep = r["replace"] if replace is None else replace
    lay = layer if layer is not None else json.loads(r["report"] or "{}").get("layer")
    return _store_result(store, user, import_id, r["files"], paths, crs, lay, rep, address, existing=True)


def apply(store, user, import_id: str, *, note: str = "", address: str | None = None) -> dict:
    """Write the staged records (and remove what the diff removes) as ONE new version. Refused: problems (422),
    someone else's or an unknown import (404), out of scope (403), applied/discarded (409), stale: the data
    changed since it was staged (409: check it again)."""
    r = _row(store, user, import_id)
    if r["status"] != "staged":
        raise ImportError_(f"import {import_id} is already {r['status']}", 409)
    batches = load_batches(json.loads(r["batches"] or "{}"))
    scope = _scope_problems(store, user, batches)
    if scope:
        raise ImportError_("; ".join(scope[:5]), 403)
    if not r["ok"]:
        raise ImportError_("the import has problems; fix the files and upload them again", 422)
    if r["base_version"] != store.data_version:
        raise ImportError_("the data changed since this import was checked: check it again (restage)", 409)
    d = json.loads(r["diff"] or "{}")
    removed = {name: v.get("removed", []) for name, v in d.items() if v.get("removed")}

    def do():
        if removed.get("plots"):
            store.delete("plots", removed["plots"])
        store.write(batches, log={"files": r["files"], "messages": [f"import {import_id}"]})
        for name, ids in removed.items():
            if name != "plots":
                store.delete(name, ids)
        store.update_rows("imports", {"id": import_id}, {"status": "applied", "updated_at": _now()})

    try:
        v = versions.commit(store, do, author=_name(user), kind="import",
                            note=note or f"import {import_id}: {', '.join(r['files'])}", counts=diff_counts(d),
                            import_id=import_id, audit_action="import_apply", audit_target=f"import:{import_id}",
                            address=address, detail={"counts": diff_counts(d)})
    except versions.VersionError as exc:
        raise ImportError_(str(exc), 409) from None
    except StoreError as exc:
        raise ImportError_(f"nothing was written: {exc}", 409) from None
    store.update_rows("imports", {"id": import_id}, {"version": v["number"]})
    return get(store, user, import_id)


def discard(store, user, import_id: str, *, address: str | None = None) -> dict:
    """Drop a staged import: its files go, no geodata is written (the import row stays, marked discarded)."""
    r = _row(store, user, import_id)
    if r["status"] != "staged":
        raise ImportError_(f"import {import_id} is already {r['status']}", 409)
    with store.atomic():
        store.update_rows("imports", {"id": import_id}, {"status": "discarded", "updated_at": _now(), "batches": "{}"})
        audit.record(store, _name(user), "import_discard", f"import:{import_id}", {}, address)
    shutil.rmtree(folder(store, import_id), ignore_errors=True)
    return get(store, user, import_id)


def recent(store, user, limit: int = 20) -> list[dict]:
    where = None if user is None or user.is_admin else {"author": user.username}
    rows = store.select_rows("imports", where=where, order_by=["-created_at"], limit=limit)
    return [{k: r[k] for k in ("id", "created_at", "author", "status", "files", "ok", "version")} for r in rows]
