"""GeoPackage backend: the embedded default store.

A GeoPackage is plain SQLite with a standard schema, so GDAL, QGIS and ArcGIS open it directly.
Feature layers (parks, plots, amenities) are GeoPackage feature tables in EPSG:4326 with the R*Tree
spatial-index extension; attribute tables (meta, load log, industry codes, ...) are created and read
through sqlite-utils and registered as GeoPackage ``attributes``.

Concurrency: WAL, ``synchronous=NORMAL``, a busy timeout, one read connection per thread and a single
write connection behind a lock; every write is one ``BEGIN IMMEDIATE`` transaction.
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import json
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

import shapely
import sqlite_utils

from . import gpkg_binary
from .schema import LAYERS, Layer

SRS_ID = 4326
WGS84_WKT = ('GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],'
             'AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],'
             'UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],'
             'AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]')
GEOM_COL = "geom"

_CORE_DDL = [
    """CREATE TABLE IF NOT EXISTS gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY,
       organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL,
       description TEXT)""",
    """CREATE TABLE IF NOT EXISTS gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL,
       identifier TEXT UNIQUE, description TEXT DEFAULT '',
       last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
       min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
       CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))""",
    """CREATE TABLE IF NOT EXISTS gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL,
       geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
       CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
       CONSTRAINT uk_gc_table_name UNIQUE (table_name),
       CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
       CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id))""",
    """CREATE TABLE IF NOT EXISTS gpkg_extensions (table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL,
       definition TEXT NOT NULL, scope TEXT NOT NULL,
       CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))""",
]

_RTREE_TRIGGERS = {
    "insert": """AFTER INSERT ON "{t}" WHEN (new."{c}" NOT NULL AND NOT ST_IsEmpty(NEW."{c}")) BEGIN
        INSERT OR REPLACE INTO "{r}" VALUES (NEW."fid", ST_MinX(NEW."{c}"), ST_MaxX(NEW."{c}"),
        ST_MinY(NEW."{c}"), ST_MaxY(NEW."{c}")); END""",
    "update6": """AFTER UPDATE OF "{c}" ON "{t}" WHEN OLD."fid" = NEW."fid" AND (NEW."{c}" NOTNULL AND NOT
        ST_IsEmpty(NEW."{c}")) AND (OLD."{c}" NOTNULL AND NOT ST_IsEmpty(OLD."{c}")) BEGIN
        UPDATE "{r}" SET minx = ST_MinX(NEW."{c}"), maxx = ST_MaxX(NEW."{c}"), miny = ST_MinY(NEW."{c}"),
        maxy = ST_MaxY(NEW."{c}") WHERE id = NEW."fid"; END""",
    "update7": """AFTER UPDATE OF "{c}" ON "{t}" WHEN OLD."fid" = NEW."fid" AND (NEW."{c}" NOTNULL AND NOT
        ST_IsEmpty(NEW."{c}")) AND (OLD."{c}" ISNULL OR ST_IsEmpty(OLD."{c}")) BEGIN
        INSERT INTO "{r}" VALUES (NEW."fid", ST_MinX(NEW."{c}"), ST_MaxX(NEW."{c}"), ST_MinY(NEW."{c}"),
        ST_MaxY(NEW."{c}")); END""",
    "update2": """AFTER UPDATE OF "{c}" ON "{t}" WHEN OLD."fid" = NEW."fid" AND (NEW."{c}" ISNULL OR
        ST_IsEmpty(NEW."{c}")) BEGIN DELETE FROM "{r}" WHERE id = OLD."fid"; END""",
    "update5": """AFTER UPDATE ON "{t}" WHEN OLD."fid" != NEW."fid" AND (NEW."{c}" NOTNULL AND NOT
        ST_IsEmpty(NEW."{c}")) BEGIN DELETE FROM "{r}" WHERE id = OLD."fid";
        INSERT OR REPLACE INTO "{r}" VALUES (NEW."fid", ST_MinX(NEW."{c}"), ST_MaxX(NEW."{c}"),
        ST_MinY(NEW."{c}"), ST_MaxY(NEW."{c}")); END""",
    "update4": """AFTER UPDATE ON "{t}" WHEN OLD."fid" != NEW."fid" AND (NEW."{c}" ISNULL OR
        ST_IsEmpty(NEW."{c}")) BEGIN DELETE FROM "{r}" WHERE id IN (OLD."fid", NEW."fid"); END""",
    "delete": """AFTER DELETE ON "{t}" WHEN old."{c}" NOT NULL BEGIN DELETE FROM "{r}" WHERE id = OLD."fid"; END""",
}


@dataclass(frozen=True)
class Range:
    """A ``where`` value meaning min ≤ field ≤ max (either end may be None)."""
    min: float | None = None
    max: float | None = None


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


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


class GeoPackageStore:
    """The embedded store. Construct with :func:`findpark.store.open_store`."""

    backend = "gpkg"

    def __init__(self, path):
        self.path = Path(path)
        self._local = threading.local()
        self._write_lock = threading.RLock()
        self._writer = None
        self._all_conns: list[sqlite3.Connection] = []

    @property
    def url(self) -> str:
        return f"gpkg:{self.path}"

    def __repr__(self):
        return f"<GeoPackageStore {self.path}>"

    # -- connections -------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA busy_timeout = 10000")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        gpkg_binary.register_functions(conn)
        self._all_conns.append(conn)
        return conn

    def _reader(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._connect()
        return conn

    def close(self) -> None:
        for conn in self._all_conns:
            with contextlib.suppress(Exception):
                conn.close()
        self._all_conns.clear()
        self._local = threading.local()
        self._writer = None

    @contextlib.contextmanager
    def transaction(self):
        """The single write path: one writer at a time, ``BEGIN IMMEDIATE`` … ``COMMIT`` or rollback."""
        with self._write_lock:
            if self._writer is None:
                self._writer = self._connect()
            conn = self._writer
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            else:
                conn.execute("COMMIT")

    # -- schema --------------------------------------------------------------------------------
    def exists(self) -> bool:
        if not self.path.exists() or self.path.stat().st_size == 0:
            return False
        try:
            rows = self._reader().execute(
                "SELECT table_name FROM gpkg_contents WHERE data_type='features'").fetchall()
        except sqlite3.DatabaseError:
            return False
        return set(LAYERS) <= {r[0] for r in rows}

    def init(self) -> None:
        """Create the GeoPackage schema (idempotent)."""
        with self.transaction() as conn:
            for ddl in _CORE_DDL:
                conn.execute(ddl)
            conn.executemany(
                "INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES (?,?,?,?,?,?)",
                [("Undefined Cartesian SRS", -1, "NONE", -1, "undefined", "undefined Cartesian coordinate reference system"),
                 ("Undefined geographic SRS", 0, "NONE", 0, "undefined", "undefined geographic coordinate reference system"),
                 ("WGS 84 geodetic", SRS_ID, "EPSG", 4326, WGS84_WKT,
                  "longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid")])
            for layer in LAYERS.values():
                self._create_layer(conn, layer)
            db = sqlite_utils.Database(conn)
            db["meta"].create({"key": str, "value": str}, pk="key", if_not_exists=True)
            db["load_log"].create({"id": int, "at": str, "files": str, "counts": str, "messages": str},
                                  pk="id", if_not_exists=True)
            db["inquiries"].create({"id": str, "created_at": str, "park_id": str, "plot_id": str, "company": str,
                                    "contact_name": str, "contact_phone": str, "contact_email": str,
                                    "project_summary": str, "industry": str, "confidential": int,
                                    "token_sha256": str, "status": str}, pk="id", if_not_exists=True)
            from ..evaluation.schema import INDICATORS

            cols = {"park_id": str, "quarter": str, **{i.key: float for i in INDICATORS},
                    "source": str, "as_of": str, "synthetic": str}
            db["park_quarterly"].create(cols, pk=("park_id", "quarter"), if_not_exists=True)
            for name, desc in (("meta", "store metadata"), ("load_log", "what was loaded, when"),
                               ("park_quarterly", "quarterly park indicators (五力 evaluation input)"),
                               ("inquiries", "inquiries (可询) from projects to parks")):
                self._register_attributes(conn, name, desc)
            if db["meta"].count == 0:
                db["meta"].insert_all([{"key": "data_version", "value": "0"},
                                       {"key": "created", "value": _now()}])
        with self._write_lock:  # header fields; not transactional in WAL mode, so set after the schema
            self._writer.execute("PRAGMA application_id = 1196444487")  # 'GPKG'
            self._writer.execute("PRAGMA user_version = 10400")  # GeoPackage 1.4
            self._writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # header into the main file for GDAL readers

    def _register_attributes(self, conn, table: str, description: str) -> None:
        conn.execute("INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description) "
                     "VALUES (?, 'attributes', ?, ?)", (table, table, description))

    def _create_layer(self, conn, layer: Layer) -> None:
        t, c, r = layer.name, GEOM_COL, f"rtree_{layer.name}_{GEOM_COL}"
        cols = ", ".join(f'"{f.name}" {f.sql_type}' + (" NOT NULL UNIQUE" if f.name == "id" else "")
                         for f in layer.fields)
        conn.execute(f'CREATE TABLE IF NOT EXISTS "{t}" ("fid" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, '
                     f'"{c}" {layer.geometry_type}, {cols})')
        conn.execute("INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) "
                     "VALUES (?, 'features', ?, ?, ?)", (t, t, layer.description, SRS_ID))
        conn.execute("INSERT OR IGNORE INTO gpkg_geometry_columns VALUES (?, ?, ?, ?, 0, 0)",
                     (t, c, layer.geometry_type, SRS_ID))
        conn.execute("INSERT OR IGNORE INTO gpkg_extensions VALUES (?, ?, 'gpkg_rtree_index', "
                     "'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')", (t, c))
        conn.execute(f'CREATE VIRTUAL TABLE IF NOT EXISTS "{r}" USING rtree(id, minx, maxx, miny, maxy)')
        for suffix, body in _RTREE_TRIGGERS.items():
            conn.execute(f'CREATE TRIGGER IF NOT EXISTS "{r}_{suffix}" ' + body.format(t=t, c=c, r=r))

    # -- writing -------------------------------------------------------------------------------
    def write(self, batches: dict[str, list[dict]], *, replace: bool = False, log: dict | None = None) -> dict:
        """Upsert validated records (``{"geometry": shapely, field: value}``) for several layers in ONE
        transaction: all or nothing. ``replace=True`` empties each named layer first. Returns counts."""
        counts = {}
        with self.transaction() as conn:
            for name, records in batches.items():
                layer = LAYERS[name]
                if replace:
                    conn.execute(f'DELETE FROM "{name}"')
                counts[name] = self._upsert(conn, layer, records)
                self._update_extent(conn, name)
            # Plain SQL here: sqlite-utils' upsert probes support with a scratch CREATE/DROP TABLE, a schema
            # change that makes concurrent readers fail with "database schema has changed".
            conn.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'data_version'")
            conn.execute("INSERT INTO meta (key, value) VALUES ('updated', ?) "
                         "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (_now(),))
            if log is not None:
                conn.execute("INSERT INTO load_log (at, files, counts, messages) VALUES (?, ?, ?, ?)",
                             (_now(), json.dumps(log.get("files", []), ensure_ascii=False), json.dumps(counts),
                              json.dumps(log.get("messages", []), ensure_ascii=False)))
        return counts

    def _upsert(self, conn, layer: Layer, records: list[dict]) -> int:
        names = layer.names
        cols = ", ".join(f'"{n}"' for n in [GEOM_COL, *names])
        marks = ", ".join("?" * (len(names) + 1))
        updates = ", ".join(f'"{n}" = excluded."{n}"' for n in [GEOM_COL, *names] if n != "id")
        sql = f'INSERT INTO "{layer.name}" ({cols}) VALUES ({marks}) ON CONFLICT(id) DO UPDATE SET {updates}'
        multi = layer.geometry_type.startswith("MULTI")
        rows = []
        for rec in records:
            geom = rec["geometry"]
            if multi and geom is not None and geom.geom_type == "Polygon":
                geom = shapely.MultiPolygon([geom])
            rows.append([gpkg_binary.encode(geom, SRS_ID)] +
                        [encode_value(layer.by_name[n], rec.get(n)) for n in names])
        conn.executemany(sql, rows)
        return len(rows)

    def _update_extent(self, conn, table: str) -> None:
        ext = conn.execute(f'SELECT min(minx), min(miny), max(maxx), max(maxy) FROM "rtree_{table}_{GEOM_COL}"').fetchone()
        conn.execute("UPDATE gpkg_contents SET min_x=?, min_y=?, max_x=?, max_y=?, last_change=? WHERE table_name=?",
                     (*ext, _now(), table))

    def delete(self, layer: str, ids: list[str]) -> int:
        with self.transaction() as conn:
            n = conn.executemany(f'DELETE FROM "{layer}" WHERE id = ?', [(i,) for i in ids]).rowcount
            conn.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'data_version'")
        return n

    # -- reading -------------------------------------------------------------------------------
    def _select(self, layer: Layer, bbox=None, where: dict | None = None, order: str = "id",
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
            sql += f' JOIN "rtree_{t}_{GEOM_COL}" r ON t.fid = r.id'
            clauses.append("r.maxx >= ? AND r.minx <= ? AND r.maxy >= ? AND r.miny <= ?")
            params += [minx, maxx, miny, maxy]
        for key, value in (where or {}).items():
            if key not in layer.by_name:
                raise KeyError(f"{t} has no field {key!r}")
            if isinstance(value, Range):
                if value.min is not None:
                    clauses.append(f't."{key}" >= ?')
                    params.append(value.min)
                if value.max is not None:
                    clauses.append(f't."{key}" <= ?')
                    params.append(value.max)
            elif isinstance(value, (list, tuple, set)):
                value = list(value)
                clauses.append(f't."{key}" IN ({", ".join("?" * len(value))})' if value else "0")
                params += value
            else:
                clauses.append(f't."{key}" = ?')
                params.append(value)
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        if not count:
            sql += f' ORDER BY t."{order}"'
            if limit is not None or offset:
                sql += " LIMIT ? OFFSET ?"
                params += [-1 if limit is None else int(limit), int(offset)]
        return sql, params

    def query_plan(self, layer: str, bbox) -> str:
        sql, params = self._select(LAYERS[layer], bbox=bbox)
        return " | ".join(r[-1] for r in self._reader().execute("EXPLAIN QUERY PLAN " + sql, params))

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
        geoms = gpkg_binary.decode_many([r[0] for r in rows])
        out = []
        for geom, row in zip(geoms, rows):
            rec = {f.name: decode_value(f, v) for f, v in zip(lay.fields, row[1:])}
            rec["geometry"] = geom
            out.append(rec)
        return out

    def read_window(self, layer: str, bbox, *, where: dict | None = None, limit: int | None = None,
                    offset: int = 0) -> tuple[list[dict], int]:
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
            hit = shapely.intersects(gpkg_binary.decode_many([blobs[f] for f in edge]), shapely.box(*bbox))
            dropped = {f for f, h in zip(edge, hit) if not h}
            keep = [fid for fid, _ in rows if fid not in dropped]
        else:
            keep = [fid for fid, _ in rows]
        page = keep[offset:] if limit is None else keep[offset:offset + limit]
        if not page:
            return [], len(keep)
        cols = ", ".join([f't."{GEOM_COL}"'] + [f't."{n}"' for n in lay.names])
        got = conn.execute(f'SELECT {cols} FROM "{lay.name}" t WHERE t.fid IN (SELECT value FROM json_each(?)) '
                           'ORDER BY t."id"', [json.dumps(page)]).fetchall()
        return self._records(lay, got), len(keep)

    def read_frame(self, layer: str, **kw):
        """The same records as a GeoDataFrame in EPSG:4326."""
        import geopandas as gpd

        recs = self.read(layer, **kw)
        cols = LAYERS[layer].names
        if not recs:
            return gpd.GeoDataFrame({c: [] for c in cols}, geometry=[], crs="EPSG:4326")
        return gpd.GeoDataFrame(recs, geometry="geometry", crs="EPSG:4326")[[*cols, "geometry"]]

    def columns(self, layer: str, fields: list[str], *, geometry: bool = True) -> dict:
        """Whole columns as lists (and decoded shapely geometries under "geometry"), ordered by id: the bulk
        path for precomputing features over every record. Equal list values are shared objects: don't mutate."""
        lay = LAYERS[layer]
        for f in fields:
            if f not in lay.by_name:
                raise KeyError(f"{layer} has no field {f!r}")
        cols = ([f't."{GEOM_COL}"'] if geometry else []) + [f't."{f}"' for f in fields]
        rows = self._reader().execute(f'SELECT {", ".join(cols)} FROM "{layer}" t ORDER BY t."id"').fetchall()
        out: dict = {}
        if not rows:
            out = {f: [] for f in fields}
            if geometry:
                out["geometry"] = []
            return out
        columns = list(zip(*rows))
        if geometry:
            out["geometry"] = gpkg_binary.decode_many(columns.pop(0))
        for f, col in zip(fields, columns):
            fd = lay.by_name[f]
            if fd.type in ("list", "bool"):
                memo: dict = {}  # lists repeat (e.g. synthetic): decode each distinct text once; rows share them
                out[f] = [memo[v] if v in memo else memo.setdefault(v, decode_value(fd, v)) for v in col]
            else:
                out[f] = list(col)
        return out

    def extent(self, layer: str) -> list[float] | None:
        """[minlon, minlat, maxlon, maxlat] of a layer, from its R*Tree."""
        row = self._reader().execute(f'SELECT min(minx), min(miny), max(maxx), max(maxy) FROM "rtree_{LAYERS[layer].name}_{GEOM_COL}"').fetchone()
        return None if row[0] is None else [float(v) for v in row]

    def get(self, layer: str, id: str) -> dict | None:
        recs = self.read(layer, where={"id": id})
        return recs[0] if recs else None

    def count(self, layer: str, *, bbox=None, where: dict | None = None) -> int:
        sql, params = self._select(LAYERS[layer], bbox=bbox, where=where, count=True)
        return self._reader().execute(sql, params).fetchone()[0]

    def ids(self, layer: str) -> set[str]:
        return {r[0] for r in self._reader().execute(f'SELECT id FROM "{LAYERS[layer].name}"')}

    def meta(self) -> dict:
        db = sqlite_utils.Database(self._reader())
        return {r["key"]: r["value"] for r in db["meta"].rows}

    @property
    def data_version(self) -> int:
        """Goes up by one with every write; asked on every request, so one indexed lookup."""
        row = self._reader().execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()
        return int(row[0]) if row else 0

    def load_log(self) -> list[dict]:
        db = sqlite_utils.Database(self._reader())
        return list(db["load_log"].rows_where(order_by="id"))

    def attributes(self, table: str) -> sqlite_utils.db.Table:
        """A sqlite-utils Table for a plain attribute table (read side)."""
        return sqlite_utils.Database(self._reader())[table]

    # -- quarterly park indicators (attribute table) --------------------------------------------
    def write_quarterly(self, rows: list[dict], *, replace: bool = False) -> int:
        """Upsert validated indicator rows (all or nothing); ``replace`` empties the table first.
        Bumps data_version: the siting model's performance criterion reads the latest quarter."""
        from ..evaluation.schema import INDICATORS

        cols = ["park_id", "quarter", *[i.key for i in INDICATORS], "source", "as_of", "synthetic"]
        sql = (f"INSERT INTO park_quarterly ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))}) "
               f"ON CONFLICT(park_id, quarter) DO UPDATE SET " +
               ", ".join(f"{c} = excluded.{c}" for c in cols[2:]))
        with self.transaction() as conn:
            if replace:
                conn.execute("DELETE FROM park_quarterly")
            conn.executemany(sql, [[json.dumps(r.get(c) or [], ensure_ascii=False) if c == "synthetic" else r.get(c)
                                    for c in cols] for r in rows])
            conn.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'data_version'")
        return len(rows)

    def read_quarterly(self, *, quarter: str | None = None, park_id: str | None = None) -> list[dict]:
        clauses, params = [], []
        if quarter is not None:
            clauses.append("quarter = ?")
            params.append(quarter)
        if park_id is not None:
            clauses.append("park_id = ?")
            params.append(park_id)
        rows = sqlite_utils.Database(self._reader())["park_quarterly"].rows_where(
            " AND ".join(clauses) or None, params, order_by="quarter, park_id")
        return [{**r, "synthetic": json.loads(r["synthetic"] or "[]")} for r in rows]

    def quarters(self) -> list[str]:
        return [r[0] for r in self._reader().execute("SELECT DISTINCT quarter FROM park_quarterly ORDER BY quarter")]

    # -- inquiries (attribute table; not geodata, so data_version does not change) ---------------
    INQUIRY_FIELDS = ("id", "created_at", "park_id", "plot_id", "company", "contact_name", "contact_phone",
                      "contact_email", "project_summary", "industry", "confidential", "token_sha256", "status")

    def add_inquiry(self, rec: dict) -> dict:
        row = {k: rec.get(k) for k in self.INQUIRY_FIELDS}
        row["confidential"] = 1 if rec.get("confidential") else 0
        with self.transaction() as conn:
            conn.execute(f"INSERT INTO inquiries ({', '.join(self.INQUIRY_FIELDS)}) "
                         f"VALUES ({', '.join('?' * len(self.INQUIRY_FIELDS))})", [row[k] for k in self.INQUIRY_FIELDS])
        return self.get_inquiry(row["id"])

    def get_inquiry(self, id: str) -> dict | None:
        rows = list(sqlite_utils.Database(self._reader())["inquiries"].rows_where("id = ?", [id]))
        return self._inquiry(rows[0]) if rows else None

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
        where = " AND ".join(clauses) or "1"
        table = sqlite_utils.Database(self._reader())["inquiries"]
        total = self._reader().execute(f"SELECT count(*) FROM inquiries WHERE {where}", params).fetchone()[0]
        rows = table.rows_where(where, params, order_by="created_at DESC, rowid DESC", limit=limit, offset=offset)
        return [self._inquiry(r) for r in rows], total

    @staticmethod
    def _inquiry(row: dict) -> dict:
        return {**row, "confidential": bool(row["confidential"])}

    def backup(self, dest) -> None:
        """Online backup of the live database (never copy the file)."""
        target = sqlite3.connect(dest)
        with target:
            self._reader().backup(target)
        target.close()
