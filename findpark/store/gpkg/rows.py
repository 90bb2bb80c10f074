"""Attribute tables, generically: insert, update, delete, select and count rows of any table declared in
``schema.TABLES`` (users, API tokens, the audit log, inquiry events …), with the protocol's ``where``."""
from __future__ import annotations

import json
from collections.abc import Sequence

from ..base import Range
from ..schema import TABLES, Table
from .connection import driver_errors


def _table(name: str) -> Table:
    try:
        return TABLES[name]
    except KeyError:
        raise KeyError(f"unknown table {name!r}") from None


def _encode(table: Table, row: dict) -> dict:
    types = {c.name: c.type for c in table.columns}
    out = {}
    for k, v in row.items():
        if k not in types:
            raise KeyError(f"table {table.name!r} has no column {k!r}")
        if v is None:
            out[k] = None
        elif types[k] == "bool":
            out[k] = 1 if v else 0
        elif types[k] == "list":
            out[k] = json.dumps(list(v), ensure_ascii=False)
        else:
            out[k] = v
    return out


def _decode(table: Table, row: dict) -> dict:
    out = dict(row)
    for c in table.columns:
        v = out.get(c.name)
        if c.type == "bool" and v is not None:
            out[c.name] = bool(v)
        elif c.type == "list":
            out[c.name] = json.loads(v) if v else []
    return out


def where_sql(names, where: dict | None, owner: str, prefix: str = "", encode=None) -> tuple[list[str], list]:
    """Clauses and parameters for the protocol's ``where`` (equality, membership, Range, None = NULL) over the
    columns ``names`` (an unknown one raises KeyError naming ``owner``); ``encode(column, value)`` turns a value
    into its stored form. The one reading of ``where`` for layers and attribute tables (as
    ``postgis.sql.where_sql`` is for that backend)."""
    enc = encode or (lambda _k, v: v)
    clauses, params = [], []
    for k, v in (where or {}).items():
        if k not in names:
            raise KeyError(f"{owner} has no field {k!r}")
        col = f'{prefix}"{k}"'
        if isinstance(v, Range):
            if v.min is not None:
                clauses.append(f"{col} >= ?")
                params.append(v.min)
            if v.max is not None:
                clauses.append(f"{col} <= ?")
                params.append(v.max)
        elif isinstance(v, (list, tuple, set, frozenset)):
            values = list(v)
            if not values:
                clauses.append("0")
            else:
                clauses.append(f'{col} IN ({", ".join("?" * len(values))})')
                params.extend(enc(k, x) for x in values)
        elif v is None:
            clauses.append(f"{col} IS NULL")
        else:
            clauses.append(f"{col} = ?")
            params.append(enc(k, v))
    return clauses, params


def _where(table: Table, where: dict | None) -> tuple[str, list]:
    clauses, params = where_sql(table.names, where, f"table {table.name!r}",
                                encode=lambda k, v: _encode(table, {k: v})[k])
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def _order(table: Table, order_by: Sequence[str]) -> str:
    parts = []
    for o in list(order_by) + list(table.pk):
        name = o.lstrip("-")
        if name not in table.names:
            raise KeyError(f"table {table.name!r} has no column {name!r}")
        parts.append(f'"{name}" {"DESC" if o.startswith("-") else "ASC"}')
    return " ORDER BY " + ", ".join(parts)


def _dicts(cursor) -> list[dict]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r)) for r in cursor.fetchall()]


class Rows:
    """The generic attribute-table methods (mixed into :class:`GeoPackageStore`)."""

    @driver_errors
    def insert_row(self, table: str, row: dict) -> dict:
        t = _table(table)
        enc = _encode(t, row)
        cols = ", ".join(f'"{k}"' for k in enc)
        with self.transaction() as conn:
            conn.execute(f'INSERT INTO "{t.name}" ({cols}) VALUES ({", ".join("?" * len(enc))})', list(enc.values()))
            where, params = _where(t, {k: row[k] for k in t.pk if k in row})
            stored = _dicts(conn.execute(f'SELECT * FROM "{t.name}"{where}', params)) if where else [enc]
        return _decode(t, stored[-1] if stored else enc)

    @driver_errors
    def update_rows(self, table: str, where: dict, changes: dict) -> int:
        t = _table(table)
        if not changes:
            return 0
        enc = _encode(t, changes)
        clause, params = _where(t, where)
        sets = ", ".join(f'"{k}" = ?' for k in enc)
        with self.transaction() as conn:
            return conn.execute(f'UPDATE "{t.name}" SET {sets}{clause}', [*enc.values(), *params]).rowcount

    @driver_errors
    def delete_rows(self, table: str, where: dict) -> int:
        t = _table(table)
        if not where:
            raise ValueError("delete_rows needs a where (to empty a table, say so with a condition)")
        clause, params = _where(t, where)
        with self.transaction() as conn:
            return conn.execute(f'DELETE FROM "{t.name}"{clause}', params).rowcount

    @driver_errors
    def select_rows(self, table: str, *, where: dict | None = None, order_by: Sequence[str] = (),
                    limit: int | None = None, offset: int = 0) -> list[dict]:
        t = _table(table)
        clause, params = _where(t, where)
        sql = f'SELECT * FROM "{t.name}"{clause}{_order(t, order_by)} LIMIT ? OFFSET ?'
        rows = _dicts(self._reader().execute(sql, [*params, -1 if limit is None else int(limit), int(offset)]))
        return [_decode(t, r) for r in rows]

    @driver_errors
    def count_rows(self, table: str, *, where: dict | None = None) -> int:
        t = _table(table)
        clause, params = _where(t, where)
        return self._reader().execute(f'SELECT count(*) FROM "{t.name}"{clause}', params).fetchone()[0]
