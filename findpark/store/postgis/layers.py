"""Feature layers of the PostGIS store: upsert (COPY into a temporary table, then one INSERT … ON CONFLICT),
delete, and reads answered from the GiST index (``&&``, then ``ST_Intersects`` for exact answers)."""
from __future__ import annotations

import json

import numpy as np
import shapely

from ...geo import wkb
from ..base import FrameMixin
from ..schema import LAYERS, Layer, stored_geometries
from .connection import driver_errors
from .. import changes, featuretext
from .ddl import GEOM_COL, PG_TYPES, SRID, bump_data_version, log_changes, now, q, read_changes
from .sql import decode, encode, where_sql

ENVELOPE = f"ST_MakeEnvelope(%s, %s, %s, %s, {SRID})"


def _layer(name: str) -> Layer:
    try:
        return LAYERS[name]
    except KeyError:
        raise KeyError(f"unknown layer {name!r}") from None


def _types(layer: Layer) -> dict:
    return {f.name: f.type for f in layer.fields}


def outward_f32(box) -> list[float]:
    """``[minx, miny, maxx, maxy]`` rounded outward to float32 exactly as SQLite's R*Tree stores a GeoPackage's
    boxes (``rtreeValueDown``/``rtreeValueUp``), so both backends report the same extent (OGC collections)."""
    towards, away = 1.0 - 1.0 / 8388608.0, 1.0 + 1.0 / 8388608.0
    out = []
    for i, d in enumerate(map(float, box)):
        f = float(np.float32(d))
        if i < 2 and f > d:
            f = float(np.float32(d * (away if d < 0 else towards)))
        elif i >= 2 and f < d:
            f = float(np.float32(d * (towards if d < 0 else away)))
        out.append(f)
    return out


def _has_texts(store, conn, layer: str) -> bool:
    """Whether the store's schema has the layer's text table (one made before it existed gets it from
    ``init``); remembered on the store once it has (the table is never dropped)."""
    known = store.__dict__.setdefault("_text_tables", set())
    if layer in known:
        return True
    if conn.execute("SELECT to_regclass(%s)", (featuretext.table(layer),)).fetchone()[0] is None:
        return False
    known.add(layer)
    return True


def write_texts(conn, layer: str, pairs: list) -> None:
    tmp = f"_text_{layer}"
    conn.execute(f'CREATE TEMP TABLE IF NOT EXISTS {q(tmp)} (id text COLLATE "C", feature text) ON COMMIT DROP')
    conn.execute(f"TRUNCATE {q(tmp)}")
    with conn.cursor().copy(f"COPY {q(tmp)} (id, feature) FROM STDIN") as copy:
        for pair in pairs:
            copy.write_row(pair)
    conn.execute(f"INSERT INTO {q(featuretext.table(layer))} (id, feature) SELECT id, feature FROM {q(tmp)} "
                 "ON CONFLICT (id) DO UPDATE SET feature = excluded.feature")


class Layers(FrameMixin):
    """Feature-layer methods (mixed into :class:`PostGISStore`)."""

    # -- writing -------------------------------------------------------------------------------------------
    @driver_errors
    def write(self, batches: dict[str, list[dict]], *, replace: bool = False, log: dict | None = None) -> dict:
        counts = {}
        for name in batches:
            _layer(name)
        with self.transaction() as conn:
            version = bump_data_version(conn)  # first: concurrent writers queue on the meta row
            for name, records in batches.items():
                layer = LAYERS[name]
                side = _has_texts(self, conn, name)
                if replace:
                    conn.execute(f"DELETE FROM {q(name)}")
                    if side:
                        conn.execute(f"DELETE FROM {q(featuretext.table(name))}")
                counts[name] = self._upsert(conn, layer, records)
                if side and records:
                    write_texts(conn, name, featuretext.texts(layer, records))
            log_changes(conn, changes.rows_for_write(version, batches, replace=replace))
            conn.execute("INSERT INTO meta (key, value) VALUES ('updated', %s) "
                         "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (now(),))
            if log is not None:
                import json

                conn.execute("INSERT INTO load_log (id, at, files, counts, messages) "
                             "SELECT coalesce(max(id), 0) + 1, %s, %s, %s, %s FROM load_log",
                             (now(), json.dumps(log.get("files", []), ensure_ascii=False), json.dumps(log.get("counts", counts)),
                              json.dumps(log.get("messages", []), ensure_ascii=False)))
        return counts

    @staticmethod
    def _upsert(conn, layer: Layer, records) -> int:
        names = layer.names
        tmp = f"_load_{layer.name}"
        conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {q(tmp)} (wkb bytea, "
                     + ", ".join(f"{q(f.name)} {PG_TYPES[f.type]}" for f in layer.fields) + ") ON COMMIT DROP")
        conn.execute(f"TRUNCATE {q(tmp)}")
        n = 0
        geoms = stored_geometries(layer, (rec["geometry"] for rec in records))
        with conn.cursor().copy(f"COPY {q(tmp)} (wkb, {', '.join(q(c) for c in names)}) FROM STDIN") as copy:
            for rec, geom in zip(records, geoms):
                copy.write_row([None if geom is None else shapely.to_wkb(geom, byte_order=1)] +
                               [encode(layer.by_name[c].type, rec.get(c)) for c in names])
                n += 1
        cols = ", ".join(q(c) for c in [GEOM_COL, *names])
        updates = ", ".join(f"{q(c)} = excluded.{q(c)}" for c in [GEOM_COL, *names] if c != "id")
        # the last record of a batch wins when an id repeats (as in the GeoPackage)
        conn.execute(f"INSERT INTO {q(layer.name)} ({cols}) SELECT ST_GeomFromWKB(wkb, {SRID}), "
                     f"{', '.join(q(c) for c in names)} FROM (SELECT DISTINCT ON (id) * FROM "
                     f"(SELECT *, row_number() OVER () AS _n FROM {q(tmp)}) s ORDER BY id, _n DESC) d "
                     f"ORDER BY id ON CONFLICT (id) DO UPDATE SET {updates}")
        return n

    @driver_errors
    def delete(self, layer: str, ids) -> int:
        name = _layer(layer).name
        ids = list(ids)
        with self.transaction() as conn:
            version = bump_data_version(conn)
            cur = conn.execute(f"DELETE FROM {q(name)} WHERE id = ANY(%s)", (ids,))
            if _has_texts(self, conn, name):
                conn.execute(f"DELETE FROM {q(featuretext.table(name))} WHERE id = ANY(%s)", (ids,))
            log_changes(conn, changes.rows_for_write(version, {name: ids}))
            return cur.rowcount

    @driver_errors
    def changes_since(self, version: int) -> dict | None:
        """What the writes after ``version`` touched: ``{layer: ids | None (all)}``; None when unknown."""
        current = self.data_version  # read before the log, in the caller's snapshot when there is one
        with self._conn() as conn:
            return read_changes(conn, version, current)

    # -- reading -------------------------------------------------------------------------------------------
    def _select(self, layer: Layer, *, bbox=None, where=None, exact=False, head=None, count=False,
                limit=None, offset=0):
        head = "SELECT count(*)" if count else (head or self._head(layer))
        clauses, params = [], []
        if bbox is not None:
            clauses.append(f"{q(GEOM_COL)} && {ENVELOPE}")
            params += list(map(float, bbox))
            if exact:
                clauses.append(f"ST_Intersects({q(GEOM_COL)}, {ENVELOPE})")
                params += list(map(float, bbox))
        c2, p2 = where_sql(_types(layer), where, layer.name)
        clauses += c2
        params += p2
        sql = f"{head} FROM {q(layer.name)}"
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        if not count:
            sql += " ORDER BY id"
            if limit is not None:
                sql += " LIMIT %s"
                params.append(int(limit))
            if offset:
                sql += " OFFSET %s"
                params.append(int(offset))
        return sql, params

    @staticmethod
    def _head(layer: Layer) -> str:
        return f"SELECT ST_AsBinary({q(GEOM_COL)}), " + ", ".join(q(n) for n in layer.names)

    @staticmethod
    def _records(layer: Layer, rows) -> list[dict]:
        geoms = shapely.from_wkb([None if r[0] is None else bytes(r[0]) for r in rows]) if rows else []
        out = []
        for geom, row in zip(geoms, rows):
            rec = {f.name: decode(f.type, v) for f, v in zip(layer.fields, row[1:])}
            rec["geometry"] = geom
            out.append(rec)
        return out

    @driver_errors
    def read(self, layer: str, *, bbox=None, where: dict | None = None, limit: int | None = None,
             offset: int = 0, exact: bool = True) -> list[dict]:
        lay = _layer(layer)
        sql, params = self._select(lay, bbox=bbox, where=where, exact=exact, limit=limit, offset=offset)
        return self._records(lay, self._query(sql, params, binary=True))

    @driver_errors
    def read_window(self, layer: str, bbox, *, where: dict | None = None, limit: int | None = None,
                    offset: int = 0, text: bool = False) -> tuple[list, int]:
        """One query: the page of exact matches plus ``count(*) OVER ()``, the total before paging. ``text``:
        each feature's kept GeoJSON text instead of its record (store/featuretext.py)."""
        lay = _layer(layer)
        if text:
            return self._window_texts(lay, bbox, where, limit, offset)
        sql, params = self._select(lay, bbox=bbox, where=where, exact=True, limit=limit, offset=offset,
                                   head=self._head(lay) + ", count(*) OVER ()")
        rows = self._query(sql, params, binary=True)
        if rows:
            return self._records(lay, [r[:-1] for r in rows]), int(rows[0][-1])
        sql, params = self._select(lay, bbox=bbox, where=where, exact=True, count=True)
        return [], int(self._query(sql, params)[0][0])

    def _window_texts(self, lay: Layer, bbox, where, limit, offset) -> tuple[list[str], int]:
        sql, params = self._select(lay, bbox=bbox, where=where, exact=True, limit=limit, offset=offset,
                                   head="SELECT id, count(*) OVER () AS n")
        with self._conn() as conn:
            side = _has_texts(self, conn, lay.name)
        if side:
            sql = (f"SELECT s.id, f.feature, s.n FROM ({sql}) s LEFT JOIN {q(featuretext.table(lay.name))} f "
                   "ON f.id = s.id ORDER BY s.id")
        else:
            sql = f"SELECT s.id, NULL, s.n FROM ({sql}) s ORDER BY s.id"
        rows = self._query(sql, params)
        if not rows:
            sql, params = self._select(lay, bbox=bbox, where=where, exact=True, count=True)
            return [], int(self._query(sql, params)[0][0])
        kept = {r[0]: r[1] for r in rows}
        return (featuretext.page([r[0] for r in rows], kept, lambda ids: self.read(lay.name, where={"id": ids})),
                int(rows[0][2]))

    @driver_errors
    def columns(self, layer: str, fields: list[str], *, geometry: bool | str = True) -> dict:
        lay = _layer(layer)
        lay.require(fields)
        types = [lay.by_name[f].type for f in fields]
        # lists travel as text and each distinct text is parsed once (jsonb → Python per row costs ~15 µs)
        cols = ([f"ST_AsBinary({q(GEOM_COL)})"] if geometry else []) + \
            [f"{q(f)}::text" if t == "list" else q(f) for f, t in zip(fields, types)]
        rows = self._query(f"SELECT {', '.join(cols) or '1'} FROM {q(lay.name)} ORDER BY id", binary=True)
        columns = list(zip(*rows)) if rows else [()] * len(cols)
        out: dict = {}
        if geometry == "centroid":  # computed here, not by ST_Centroid: the same bits as the GeoPackage's
            out["centroid"] = wkb.centroids([None if b is None else bytes(b) for b in columns.pop(0)])
        elif geometry:
            blobs = columns.pop(0)
            out["geometry"] = list(shapely.from_wkb([None if b is None else bytes(b) for b in blobs])) if blobs else []
        for f, t, col in zip(fields, types, columns):
            if t == "list":
                memo: dict = {}  # equal lists are shared objects (as the GeoPackage does): don't mutate
                out[f] = [memo[v] if v in memo else memo.setdefault(v, decode("list", v and json.loads(v)))
                          for v in col]
            elif t == "bool":
                out[f] = [decode("bool", v) for v in col]
            else:
                out[f] = list(col)
        return out

    @driver_errors
    def extent(self, layer: str) -> list[float] | None:
        row = self._one(f"SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM "
                        f"(SELECT ST_Extent({q(GEOM_COL)}) AS e FROM {q(_layer(layer).name)}) s")
        if row is None or row[0] is None:
            return None
        return outward_f32(row)

    def get(self, layer: str, id: str) -> dict | None:
        recs = self.read(layer, where={"id": id})
        return recs[0] if recs else None

    @driver_errors
    def count(self, layer: str, *, bbox=None, where: dict | None = None) -> int:
        sql, params = self._select(_layer(layer), bbox=bbox, where=where, count=True)
        return int(self._query(sql, params)[0][0])

    @driver_errors
    def ids(self, layer: str) -> set[str]:
        return {r[0] for r in self._query(f"SELECT id FROM {q(_layer(layer).name)}")}
