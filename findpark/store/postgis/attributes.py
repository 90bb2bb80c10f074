"""Named attribute-table methods of the PostGIS store: meta (data_version, uid), load log, quarterly
indicators, inquiries. Same answers as the GeoPackage's (:mod:`findpark.store.gpkg.attributes`)."""
from __future__ import annotations

from ..schema import INQUIRIES, LOAD_LOG, PARK_QUARTERLY
from .connection import driver_errors
from .. import changes
from .ddl import bump_data_version, log_changes, q
from .rows import decode_row, encode_row, select_list


class Attributes:
    _uid: str | None = None

    @driver_errors
    def meta(self) -> dict:
        return dict(self._query("SELECT key, value FROM meta"))

    @property
    @driver_errors
    def data_version(self) -> int:
        """One primary-key lookup (asked on every request: a worker sees another worker's write at once)."""
        row = self._one("SELECT value FROM meta WHERE key = 'data_version'")
        return int(row[0]) if row else 0

    @property
    def uid(self) -> str:
        if self._uid is None:
            if not self.exists():
                return ""
            row = self._one("SELECT value FROM meta WHERE key = 'uid'")
            if not row:
                return ""
            self._uid = row[0]
        return self._uid

    @driver_errors
    def load_log(self) -> list[dict]:
        return [decode_row(LOAD_LOG, r) for r in self._query(f"SELECT {select_list(LOAD_LOG)} FROM load_log ORDER BY id")]

    # -- quarterly park indicators ------------------------------------------------------------------------------
    @driver_errors
    def write_quarterly(self, rows: list[dict], *, replace: bool = False) -> int:
        cols = PARK_QUARTERLY.names
        keys = PARK_QUARTERLY.pk
        sql = (f"INSERT INTO park_quarterly ({', '.join(q(c) for c in cols)}) VALUES ({', '.join(['%s'] * len(cols))}) "
               f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET " +
               ", ".join(f"{q(c)} = excluded.{q(c)}" for c in cols if c not in keys))
        encoded = [list(encode_row(PARK_QUARTERLY, {c: (r.get(c) or []) if c == "synthetic" else r.get(c)
                                                    for c in cols}).values()) for r in rows]
        with self.transaction() as conn:
            log_changes(conn, changes.rows_for_table(bump_data_version(conn), PARK_QUARTERLY.name))
            if replace:
                conn.execute("DELETE FROM park_quarterly")
            if encoded:
                conn.cursor().executemany(sql, encoded)
        return len(rows)

    @driver_errors
    def read_quarterly(self, *, quarter: str | None = None, park_id: str | None = None) -> list[dict]:
        clauses, params = [], []
        if quarter is not None:
            clauses.append("quarter = %s")
            params.append(quarter)
        if park_id is not None:
            clauses.append("park_id = %s")
            params.append(park_id)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        rows = self._query(f"SELECT {select_list(PARK_QUARTERLY)} FROM park_quarterly{where} "
                           "ORDER BY quarter, park_id", params)
        return [decode_row(PARK_QUARTERLY, r) for r in rows]

    @driver_errors
    def quarters(self) -> list[str]:
        return [r[0] for r in self._query("SELECT DISTINCT quarter FROM park_quarterly ORDER BY quarter")]

    # -- inquiries (not geodata, so data_version does not change) ------------------------------------------------
    @driver_errors
    def add_inquiry(self, rec: dict) -> dict:
        row = {k: rec.get(k) for k in INQUIRIES.names}
        row["confidential"] = bool(rec.get("confidential"))
        return self.insert_row(INQUIRIES.name, row)

    @driver_errors
    def get_inquiry(self, id: str) -> dict | None:
        rows = self.select_rows(INQUIRIES.name, where={"id": id})
        return rows[0] if rows else None

    @driver_errors
    def list_inquiries(self, *, confidential: bool | None = None, park_id: str | None = None,
                       limit: int = 100, offset: int = 0) -> tuple[list[dict], int]:
        clauses, params = [], []
        if confidential is not None:
            clauses.append("confidential = %s")
            params.append(bool(confidential))
        if park_id is not None:
            clauses.append("park_id = %s")
            params.append(park_id)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        total = int(self._query(f"SELECT count(*) FROM inquiries{where}", params)[0][0])
        sql = f"SELECT {select_list(INQUIRIES)} FROM inquiries{where} ORDER BY created_at DESC, _seq DESC"
        if limit is not None:
            sql += " LIMIT %s"
            params = [*params, int(limit)]
        if offset:
            sql += " OFFSET %s"
            params = [*params, int(offset)]
        return [decode_row(INQUIRIES, r) for r in self._query(sql, params)], total
