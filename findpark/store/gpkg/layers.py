"""Feature layers of the GeoPackage store: upsert, delete, and reads answered from the R*Tree."""
from __future__ import annotations

import json

import shapely

from ...geo import wkb
from ..base import FrameMixin
from ..schema import LAYERS, Layer, stored_geometries
from . import binary
from .connection import driver_errors
from .. import changes, featuretext
from .ddl import GEOM_COL, SRS_ID, bump_data_version, log_changes, now, read_changes, rtree
from .rows import where_sql


def encode_value(f, value):
    if value is None:
        return None
    if f.type == "list":
        return json.dumps(list(value), ensure_ascii=False)
    if f.type == "bool":
        return 1 if value else 0
    return value


def decode_value(f, value):
    if value is None:
        return [] if f.type == "list" else None
    if f.type == "list":
        return json.loads(value)
    if f.type == "bool":
        return bool(value)
    return value


def _has_texts(conn, layer: str) -> bool:
    """Whether the store has the layer's text table (one made before it existed gets it from ``init``)."""
    row = conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (featuretext.table(layer),)).fetchone()
    return row is not None


def write_texts(conn, layer: str, pairs: list) -> None:
    """``(id, text)`` pairs into the layer's text table, keyed by the rows' fids (upserts keep a row's fid)."""
    fids = dict(conn.execute(f'SELECT id, fid FROM "{layer}" WHERE id IN (SELECT value FROM json_each(?))',
                             [json.dumps([i for i, _ in pairs])]).fetchall())
    conn.executemany(f'INSERT OR REPLACE INTO "{featuretext.table(layer)}" (fid, feature) VALUES (?, ?)',
                     [(fids[i], text) for i, text in pairs])


class Layers(FrameMixin):
    """Feature-layer methods (mixed into :class:`GeoPackageStore`; needs ``transaction`` and ``_reader``)."""

    # -- writing -------------------------------------------------------------------------------------------
    @driver_errors
    def write(self, batches: dict[str, list[dict]], *, replace: bool = False, log: dict | None = None) -> dict:
        """Upsert validated records (``{"geometry": shapely, field: value}``) for several layers in ONE
        transaction: all or nothing. ``replace=True`` empties each named layer first. Returns counts."""
        counts = {}
        with self.transaction() as conn:
            for name, records in batches.items():
                layer = LAYERS[name]
                side = _has_texts(conn, name)
                if replace:
                    conn.execute(f'DELETE FROM "{name}"')
                    if side:
                        conn.execute(f'DELETE FROM "{featuretext.table(name)}"')
                counts[name] = self._upsert(conn, layer, records)
                if side and records:
                    write_texts(conn, name, featuretext.texts(layer, records))
                self._update_extent(conn, name)
            # Plain SQL here: a scratch CREATE/DROP TABLE (as sqlite-utils' upsert probe does) is a schema
            # change that makes concurrent readers fail with "database schema has changed".
            log_changes(conn, changes.rows_for_write(bump_data_version(conn), batches, replace=replace))
            conn.execute("INSERT INTO meta (key, value) VALUES ('updated', ?) "
                         "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (now(),))
            if log is not None:
                conn.execute("INSERT INTO load_log (at, files, counts, messages) VALUES (?, ?, ?, ?)",
                             (now(), json.dumps(log.get("files", []), ensure_ascii=False), json.dumps(log.get("counts", counts)),
                              json.dumps(log.get("messages", []), ensure_ascii=False)))
        return counts

    @staticmethod
    def _upsert(conn, layer: Layer, records: list[dict]) -> int:
        names = layer.names
        cols = ", ".join(f'"{n}"' for n in [GEOM_COL, *names])
        marks = ", ".join("?" * (len(names) + 1))
        updates = ", ".join(f'"{n}" = excluded."{n}"' for n in [GEOM_COL, *names] if n != "id")
        sql = f'INSERT INTO "{layer.name}" ({cols}) VALUES ({marks}) ON CONFLICT(id) DO UPDATE SET {updates}'
        geoms = stored_geometries(layer, (rec["geometry"] for rec in records))
        fields = [layer.by_name[n] for n in names]
        rows = [[blob] + [encode_value(f, rec.get(f.name)) for f in fields]
                for blob, rec in zip(binary.encode_many(geoms, SRS_ID), records)]
        conn.executemany(sql, rows)
        return len(rows)

    @staticmethod
    def _update_extent(conn, table: str) -> None:
        ext = conn.execute(f'SELECT min(minx), min(miny), max(maxx), max(maxy) FROM "{rtree(table)}"').fetchone()
        conn.execute("UPDATE gpkg_contents SET min_x=?, min_y=?, max_x=?, max_y=?, last_change=? WHERE table_name=?",
                     (*ext, now(), table))

    @driver_errors
    def delete(self, layer: str, ids) -> int:
        """Delete records by id in one transaction; bumps data_version. Returns how many went."""
        name = LAYERS[layer].name
        ids = list(ids)
        with self.transaction() as conn:
            if _has_texts(conn, name):
                conn.execute(f'DELETE FROM "{featuretext.table(name)}" WHERE fid IN (SELECT fid FROM "{name}" '
                             "WHERE id IN (SELECT value FROM json_each(?)))", [json.dumps(ids)])
            n = conn.executemany(f'DELETE FROM "{name}" WHERE id = ?', [(i,) for i in ids]).rowcount
            self._update_extent(conn, name)
            log_changes(conn, changes.rows_for_write(bump_data_version(conn), {name: ids}))
        return n

    @driver_errors
    def changes_since(self, version: int) -> dict | None:
        """What the writes after ``version`` touched: ``{layer: ids | None (all)}``; None when unknown."""
        return read_changes(self._reader(), version, self.data_version)

    # -- reading -------------------------------------------------------------------------------------------
    @staticmethod
    def _select(layer: Layer, bbox=None, where: dict | None = None, order: str = "id",
                limit: int | None = None, offset: int = 0, count: bool = False, head: str | None = None):
        t = layer.name
        if count:
            head = "SELECT count(*)"
        elif head is None:
            head = "SELECT " + ", ".join([f't."{GEOM_COL}"'] + [f't."{n}"' for n in layer.names])
        sql = f'{head} FROM "{t}" t'
        params: list = []
        clauses = []
        if bbox is not None:
            minx, miny, maxx, maxy = bbox
            sql += f' JOIN "{rtree(t)}" r ON t.fid = r.id'
            clauses.append("r.maxx >= ? AND r.minx <= ? AND r.maxy >= ? AND r.miny <= ?")
            params += [minx, maxx, miny, maxy]
        more, more_params = where_sql(layer.by_name, where, t, prefix="t.")
        clauses += more
        params += more_params
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        if not count:
            sql += f' ORDER BY t."{order}"'
            if limit is not None or offset:
                sql += " LIMIT ? OFFSET ?"
                params += [-1 if limit is None else int(limit), int(offset)]
        return sql, params

    @driver_errors
    def query_plan(self, layer: str, bbox) -> str:
        """SQLite's EXPLAIN QUERY PLAN of a bbox read (GeoPackage-only: shows the R*Tree is used)."""
        sql, params = self._select(LAYERS[layer], bbox=bbox)
        return " | ".join(r[-1] for r in self._reader().execute("EXPLAIN QUERY PLAN " + sql, params))

    @driver_errors
    def read(self, layer: str, *, bbox=None, where: dict | None = None, limit: int | None = None,
             offset: int = 0, exact: bool = True) -> list[dict]:
        """Records of a layer as dicts with a shapely ``geometry``. ``bbox`` = (minlon, minlat, maxlon, maxlat)
        is answered from the R*Tree; ``exact`` then keeps only geometries that really intersect it."""
        lay = LAYERS[layer]
        sql, params = self._select(lay, bbox=bbox, where=where, limit=limit, offset=offset)
        out = self._records(lay, self._reader().execute(sql, params).fetchall())
        if bbox is not None and exact and out:
            box = shapely.box(*bbox)
            keep = shapely.intersects([r["geometry"] for r in out], box)
            out = [r for r, k in zip(out, keep) if k]
        return out

    @staticmethod
    def _records(lay: Layer, rows) -> list[dict]:
        """Rows (geometry blob, then the layer's fields in order) → records: ``decode_value`` of each field,
        applied only to the fields it changes (lists and booleans); the rest are taken as stored."""
        geoms = binary.decode_many([r[0] for r in rows])
        names = lay.names
        odd = [(f.name, f) for f in lay.fields if f.type in ("list", "bool")]
        out = []
        for geom, row in zip(geoms, rows):
            rec = dict(zip(names, row[1:]))
            for name, f in odd:
                rec[name] = decode_value(f, rec[name])
            rec["geometry"] = geom
            out.append(rec)
        return out

    @driver_errors
    def read_window(self, layer: str, bbox, *, where: dict | None = None, limit: int | None = None,
                    offset: int = 0, text: bool = False) -> tuple[list, int]:
        """``(page, total)``: the same as ``recs = read(layer, bbox=bbox, where=where)`` then
        ``(recs[offset:offset + limit], len(recs))``, without decoding every match. The R*Tree gives the
        candidates' boxes; a candidate whose box lies inside the window intersects it, so only the geometries
        of boxes straddling the window's edge are decoded and tested, and only the page's rows are read in
        full. A window over thousands of plots costs about one page, not all of them."""
        lay = LAYERS[layer]
        minx, miny, maxx, maxy = bbox
        sql, params = self._select(lay, bbox=bbox, where=where,
                                   head='SELECT t.fid, r.minx >= ? AND r.maxx <= ? AND r.miny >= ? AND r.maxy <= ?')
        conn = self._reader()
        rows = conn.execute(sql, [minx, maxx, miny, maxy, *params]).fetchall()
        edge = [fid for fid, inside in rows if not inside]
        if edge:  # exact test (as read(exact=True)) for the straddling candidates only
            blobs = dict(conn.execute(f'SELECT fid, "{GEOM_COL}" FROM "{lay.name}" WHERE fid IN '
                                      "(SELECT value FROM json_each(?))", [json.dumps(edge)]).fetchall())
            hit = shapely.intersects(binary.decode_many([blobs[f] for f in edge]), shapely.box(*bbox))
            dropped = {f for f, h in zip(edge, hit) if not h}
            keep = [fid for fid, _ in rows if fid not in dropped]
        else:
            keep = [fid for fid, _ in rows]
        page = keep[offset:] if limit is None else keep[offset:offset + limit]
        if not page:
            return [], len(keep)
        if text:  # each feature's kept GeoJSON text (store/featuretext.py), in the page's order
            return self._texts(conn, lay, page), len(keep)
        cols = ", ".join([f't."{GEOM_COL}"'] + [f't."{n}"' for n in lay.names])
        got = conn.execute(f'SELECT {cols} FROM "{lay.name}" t WHERE t.fid IN (SELECT value FROM json_each(?)) '
                           'ORDER BY t."id"', [json.dumps(page)]).fetchall()
        return self._records(lay, got), len(keep)

    def _texts(self, conn, lay: Layer, fids: list[int]) -> list[str]:
        side = f'LEFT JOIN "{featuretext.table(lay.name)}" f ON f.fid = t.fid' if _has_texts(conn, lay.name) else ""
        got = conn.execute(f'SELECT t.id, {"f.feature" if side else "NULL"} FROM "{lay.name}" t {side} '
                           'WHERE t.fid IN (SELECT value FROM json_each(?)) ORDER BY t."id"',
                           [json.dumps(fids)]).fetchall()
        return featuretext.page([i for i, _ in got], dict(got), lambda ids: self.read(lay.name, where={"id": ids}))

    @driver_errors
    def columns(self, layer: str, fields: list[str], *, geometry: bool | str = True) -> dict:
        """Whole columns as lists (and decoded shapely geometries under "geometry"), ordered by id: the bulk
        path for precomputing features over every record. Equal list values are shared objects: don't mutate."""
        lay = LAYERS[layer]
        lay.require(fields)
        cols = ([f't."{GEOM_COL}"'] if geometry else []) + [f't."{f}"' for f in fields]
        rows = self._reader().execute(f'SELECT {", ".join(cols)} FROM "{lay.name}" t ORDER BY t."id"').fetchall()
        out: dict = {}
        columns = list(zip(*rows)) if rows else [()] * len(cols)
        if geometry == "centroid":
            out["centroid"] = wkb.centroids(columns.pop(0), header=binary.header_sizes)
        elif geometry:
            out["geometry"] = binary.decode_many(columns.pop(0))
        for f, col in zip(fields, columns):
            fd = lay.by_name[f]
            if fd.type in ("list", "bool"):
                memo: dict = {}  # lists repeat (e.g. synthetic): decode each distinct text once; rows share them
                out[f] = [memo[v] if v in memo else memo.setdefault(v, decode_value(fd, v)) for v in col]
            else:
                out[f] = list(col)
        return out

    @driver_errors
    def extent(self, layer: str) -> list[float] | None:
        """[minlon, minlat, maxlon, maxlat] of a layer, from its R*Tree."""
        row = self._reader().execute(
            f'SELECT min(minx), min(miny), max(maxx), max(maxy) FROM "{rtree(LAYERS[layer].name)}"').fetchone()
        return None if row[0] is None else [float(v) for v in row]

    def get(self, layer: str, id: str) -> dict | None:
        recs = self.read(layer, where={"id": id})
        return recs[0] if recs else None

    @driver_errors
    def count(self, layer: str, *, bbox=None, where: dict | None = None) -> int:
        sql, params = self._select(LAYERS[layer], bbox=bbox, where=where, count=True)
        return self._reader().execute(sql, params).fetchone()[0]

    def tile(self, layer: str, z: int, x: int, y: int, fields: list[str], *, extent: int = 4096,
             buffer: int = 64) -> bytes:
        """The features of ``layer`` in XYZ tile z/x/y as a Mapbox Vector Tile (R*Tree window + encoder)."""
        from ..tiles import encode_tile, tile_bounds_lonlat

        LAYERS[layer].require(fields)
        recs = self.read(layer, bbox=tile_bounds_lonlat(z, x, y, buffer / extent), exact=False)
        return encode_tile(layer, recs, z, x, y, fields, extent=extent, buffer=buffer)

    @driver_errors
    def ids(self, layer: str) -> set[str]:
        return {r[0] for r in self._reader().execute(f'SELECT id FROM "{LAYERS[layer].name}"')}
