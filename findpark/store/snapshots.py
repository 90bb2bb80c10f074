"""Version snapshots of the geodata, behind two store-protocol methods (:class:`Snapshots`, mixed into every
backend): ``snapshot_to(dest)`` writes a consistent GeoPackage file holding the layers and the non-personal
attribute tables (the personal ones of ``schema.PRIVATE_TABLES`` are emptied and the file vacuumed, so no
inquiry, password hash or audit entry lives in a snapshot); ``restore_from(src)`` replaces every layer with the
snapshot's, inside the caller's ``atomic()`` when there is one (one transaction).

The GeoPackage backend takes its snapshot with SQLite's online backup API (``GeoPackageStore._snapshot_file``);
any other backend (PostGIS) copies itself into a fresh GeoPackage first (``backup``), then strips that copy the
same way. ``verify_file`` is the integrity check run before a snapshot or a backup is read back.
"""
from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

from .errors import StoreError
from .schema import LAYERS, LOCAL_TABLES, PRIVATE_TABLES

PAGE = 20_000


def strip_private(path) -> None:
    """Empty the personal tables of a GeoPackage file and vacuum it (deleted rows leave no trace in free pages)."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        have = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        conn.execute("BEGIN")
        for t in PRIVATE_TABLES + LOCAL_TABLES:  # the change log: the store's own history, not the data's
            if t in have:
                conn.execute(f'DELETE FROM "{t}"')
        conn.execute("COMMIT")
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("VACUUM")
    except sqlite3.Error as exc:
        raise StoreError(f"cannot prepare the snapshot {Path(path).name}: {exc}") from exc
    finally:
        conn.close()


def verify_file(path) -> None:
    """Raise StoreError unless ``path`` is a readable, intact findpark GeoPackage (``PRAGMA integrity_check``)."""
    path = Path(path)
    if not path.is_file() or path.stat().st_size == 0:
        raise StoreError(f"{path}: no such snapshot or backup file")
    with open(path, "rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            raise StoreError(f"{path.name}: not a GeoPackage/SQLite file")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise StoreError(f"{path.name}: unreadable ({exc})") from exc
    if result != ["ok"]:
        raise StoreError(f"{path.name}: integrity check failed: {'; '.join(result[:5])}")
    missing = [n for n in (*LAYERS, "meta") if n not in tables]
    if missing:
        raise StoreError(f"{path.name}: not a findpark store (no {', '.join(missing)})")


def _pages(src, layer: str):
    offset = 0
    while True:
        recs = src.read(layer, limit=PAGE, offset=offset)
        if recs:
            yield recs
        if len(recs) < PAGE:
            return
        offset += PAGE


class Snapshots:
    """``snapshot_to`` / ``restore_from`` for any backend built on the protocol (``backup``, ``read``, ``write``,
    ``atomic``). A backend may override ``_snapshot_file`` with a faster native copy."""

    def _snapshot_file(self, dest: Path) -> None:
        self.backup(str(dest))

    def snapshot_to(self, dest) -> None:
        dest = Path(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(dest.name + ".part")
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        try:
            self._snapshot_file(tmp)
            strip_private(tmp)
            os.replace(tmp, dest)  # a crash leaves either no snapshot or a whole one, never half of one
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()

    def restore_from(self, src) -> dict:
        verify_file(src)
        from . import open_store

        snap = open_store(f"gpkg:{Path(src)}")
        counts = {}
        try:
            with snap.snapshot(), self.atomic():
                for name in LAYERS:  # parks, plots, amenities: plots after their parks
                    self.write({name: []}, replace=True)
                    n = 0
                    for page in _pages(snap, name):
                        self.write({name: page})
                        n += len(page)
                    counts[name] = n
                for name in LAYERS:
                    if self.count(name) != counts[name]:
                        raise StoreError(f"restore incomplete: {name} has {self.count(name)}, the snapshot "
                                         f"{counts[name]}; nothing changed")
        finally:
            snap.close()
        return counts
