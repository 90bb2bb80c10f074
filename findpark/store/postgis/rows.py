"""Attribute tables of the PostGIS store, generically (``schema.TABLES``: users, tokens, audit log, inquiry
events, meta …): insert, update, delete, select and count rows with the protocol's ``where``."""
from __future__ import annotations

from collections.abc import Sequence

from ..schema import TABLES, Table
from .connection import driver_errors
from .ddl import q
from .sql import decode, encode, where_sql


def table_of(name: str) -> Table:
    try:
        return TABLES[name]
    except KeyError:
        raise KeyError(f"unknown table {name!r}") from None


def types_of(table: Table) -> dict:
    return {c.name: c.type for c in table.columns}


def encode_row(table: Table, row: dict) -> dict:
    types = types_of(table)
    for k in row:
        if k not in types:
            raise KeyError(f"table {table.name!r} has no column {k!r}")
    return {k: encode(types[k], v) for k, v in row.items()}


def decode_row(table: Table, values) -> dict:
    return {c.name: decode(c.type, v) for c, v in zip(table.columns, values)}


def order_sql(table: Table, order_by: Sequence[str], tiebreak: Sequence[str] = ()) -> str:
    parts = []
    for o in [*order_by, *table.pk]:
        name = o.lstrip("-")
        if name not in table.names:
            raise KeyError(f"table {table.name!r} has no column {name!r}")
        parts.append(f"{q(name)} {'DESC' if o.startswith('-') else 'ASC'}")
    return " ORDER BY " + ", ".join([*parts, *tiebreak])


def _where(table: Table, where) -> tuple[str, list]:
    clauses, params = where_sql(types_of(table), where, f"table {table.name!r}")
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def select_list(table: Table) -> str:
    return ", ".join(q(c) for c in table.names)


class Rows:
    """The generic attribute-table methods (mixed into :class:`PostGISStore`)."""

    @driver_errors
    def insert_row(self, table: str, row: dict) -> dict:
        t = table_of(table)
        enc = encode_row(t, row)
        cols = ", ".join(q(k) for k in enc)
        with self.transaction() as conn:
            got = conn.execute(f"INSERT INTO {q(t.name)} ({cols}) VALUES ({', '.join(['%s'] * len(enc))}) "
                               f"RETURNING {select_list(t)}", list(enc.values())).fetchone()
        return decode_row(t, got)

    @driver_errors
    def update_rows(self, table: str, where: dict, changes: dict) -> int:
        t = table_of(table)
        if not changes:
            return 0
        enc = encode_row(t, changes)
        clause, params = _where(t, where)
        sets = ", ".join(f"{q(k)} = %s" for k in enc)
        with self.transaction() as conn:
            return conn.execute(f"UPDATE {q(t.name)} SET {sets}{clause}", [*enc.values(), *params]).rowcount

    @driver_errors
    def delete_rows(self, table: str, where: dict) -> int:
        t = table_of(table)
        if not where:
            raise ValueError("delete_rows needs a where (to empty a table, say so with a condition)")
        clause, params = _where(t, where)
        with self.transaction() as conn:
            return conn.execute(f"DELETE FROM {q(t.name)}{clause}", params).rowcount

    @driver_errors
    def select_rows(self, table: str, *, where: dict | None = None, order_by: Sequence[str] = (),
                    limit: int | None = None, offset: int = 0) -> list[dict]:
        t = table_of(table)
        clause, params = _where(t, where)
        sql = f"SELECT {select_list(t)} FROM {q(t.name)}{clause}{order_sql(t, order_by)}"
        if limit is not None:
            sql += " LIMIT %s"
            params.append(int(limit))
        if offset:
            sql += " OFFSET %s"
            params.append(int(offset))
        return [decode_row(t, r) for r in self._query(sql, params)]

    @driver_errors
    def count_rows(self, table: str, *, where: dict | None = None) -> int:
        t = table_of(table)
        clause, params = _where(t, where)
        return int(self._query(f"SELECT count(*) FROM {q(t.name)}{clause}", params)[0][0])
