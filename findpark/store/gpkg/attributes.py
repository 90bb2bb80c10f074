"""Attribute tables of the GeoPackage store: meta (data_version, uid), load log, quarterly indicators, inquiries."""
from __future__ import annotations

import json

import sqlite_utils

from ..schema import INQUIRIES, PARK_QUARTERLY
from .connection import driver_errors
from .rows import _decode
from .. import changes
from .ddl import bump_data_version, log_changes


def _dicts(cursor) -> list[dict]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


class Attributes:
    """Attribute-table methods (mixed into :class:`GeoPackageStore`; needs ``transaction`` and ``_reader``)."""

    _uid: str | None = None

    # -- meta --------------------------------------------------------------------------------------------------
    @driver_errors
    def meta(self) -> dict:
        return dict(self._reader().execute("SELECT key, value FROM meta").fetchall())

    @property
    @driver_errors
    def data_version(self) -> int:
        """Goes up by one with every write; asked on every request, so one indexed lookup."""
        row = self._reader().execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()
        return int(row[0]) if row else 0

    @property
    def uid(self) -> str:
        """The random id written at init (read once, then kept on the instance). A store initialised before uids
        existed answers with its creation time until ``init()`` gives it one."""
        if self._uid is None:
            uid = self._read_uid(self._reader()) if self.exists() else ""
            if not uid:
                return ""  # not initialised yet: ask again later
            self._uid = uid
        return self._uid

    @staticmethod
    @driver_errors
    def _read_uid(conn) -> str:
        got = dict(conn.execute("SELECT key, value FROM meta WHERE key IN ('uid', 'created')").fetchall())
        return got.get("uid") or got.get("created") or ""

    def _table(self, name: str):
        """A sqlite-utils view of an attribute table on this thread's read connection (reads only: writes go
        through ``transaction()``)."""
        return sqlite_utils.Database(self._reader())[name]

    @driver_errors
    def load_log(self) -> list[dict]:
        return list(self._table("load_log").rows_where(order_by="id"))

    # -- quarterly park indicators ------------------------------------------------------------------------------
    @driver_errors
    def write_quarterly(self, rows: list[dict], *, replace: bool = False) -> int:
        """Upsert validated indicator rows (all or nothing); ``replace`` empties the table first.
        Bumps data_version: the siting model's performance criterion reads the latest quarter."""
        cols = PARK_QUARTERLY.names
        keys = PARK_QUARTERLY.pk
        sql = (f"INSERT INTO {PARK_QUARTERLY.name} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))}) "
               f"ON CONFLICT({', '.join(keys)}) DO UPDATE SET " +
               ", ".join(f"{c} = excluded.{c}" for c in cols if c not in keys))
        with self.transaction() as conn:
            if replace:
                conn.execute(f"DELETE FROM {PARK_QUARTERLY.name}")
            conn.executemany(sql, [[json.dumps(r.get(c) or [], ensure_ascii=False) if c == "synthetic" else r.get(c)
                                    for c in cols] for r in rows])
            log_changes(conn, changes.rows_for_table(bump_data_version(conn), PARK_QUARTERLY.name))
        return len(rows)

    @driver_errors
    def read_quarterly(self, *, quarter: str | None = None, park_id: str | None = None) -> list[dict]:
        clauses, params = [], []
        if quarter is not None:
            clauses.append("quarter = ?")
            params.append(quarter)
        if park_id is not None:
            clauses.append("park_id = ?")
            params.append(park_id)
        rows = self._table(PARK_QUARTERLY.name).rows_where(" AND ".join(clauses) or None, params,
                                                          order_by="quarter, park_id")
        return [{**r, "synthetic": json.loads(r["synthetic"] or "[]")} for r in rows]

    @driver_errors
    def quarters(self) -> list[str]:
        return [r[0] for r in self._reader().execute(
            f"SELECT DISTINCT quarter FROM {PARK_QUARTERLY.name} ORDER BY quarter")]

    # -- inquiries (not geodata, so data_version does not change) ------------------------------------------------
    @driver_errors
    def add_inquiry(self, rec: dict) -> dict:
        """Insert one inquiry; an existing id raises DuplicateKeyError. Returns the stored record."""
        names = INQUIRIES.names
        row = {k: rec.get(k) for k in names}
        row["confidential"] = 1 if rec.get("confidential") else 0
        with self.transaction() as conn:
            conn.execute(f"INSERT INTO {INQUIRIES.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                         [row[k] for k in names])
            stored = _dicts(conn.execute(f"SELECT * FROM {INQUIRIES.name} WHERE id = ?", [row["id"]]))
        return self._inquiry(stored[0])

    @driver_errors
    def get_inquiry(self, id: str) -> dict | None:
        rows = list(self._table(INQUIRIES.name).rows_where("id = ?", [id]))
        return self._inquiry(rows[0]) if rows else None

    @driver_errors
    def list_inquiries(self, *, confidential: bool | None = None, park_id: str | None = None,
                       limit: int = 100, offset: int = 0) -> tuple[list[dict], int]:
        """(page of inquiries newest first, total matching). ``confidential``: None = all, else only that kind."""
        clauses, params = [], []
        if confidential is not None:
            clauses.append("confidential = ?")
            params.append(1 if confidential else 0)
        if park_id is not None:
            clauses.append("park_id = ?")
            params.append(park_id)
        where = " AND ".join(clauses) or None
        table = self._table(INQUIRIES.name)
        total = table.count_where(where or "1", params)
        rows = table.rows_where(where, params, order_by="created_at DESC, rowid DESC",
                                limit=-1 if limit is None else int(limit), offset=int(offset))
        return [self._inquiry(r) for r in rows], total

    @staticmethod
    def _inquiry(row: dict) -> dict:
        return _decode(INQUIRIES, row)  # bool columns as bools (confidential, token_revoked), as every backend
