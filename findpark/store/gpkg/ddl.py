"""GeoPackage schema: the core tables, feature layers with their R*Tree index, attribute tables.

Feature layers (``schema.LAYERS``) are GeoPackage feature tables in EPSG:4326 with the R*Tree spatial-index
extension; attribute tables (``schema.TABLES``: meta, load log, quarterly indicators, inquiries) are plain
tables registered as GeoPackage ``attributes``, so GDAL, QGIS and ArcGIS list them too.
"""
from __future__ import annotations

import datetime as _dt
import secrets

import sqlite_utils

from .. import changes
from .. import featuretext
from ..schema import LAYERS, TABLES, Layer, Table

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


def now() -> str:
    return _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def rtree(table: str) -> str:
    return f"rtree_{table}_{GEOM_COL}"


def bump_data_version(conn) -> int:
    """Move data_version on by one; the new version."""
    row = conn.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'data_version' "
                       "RETURNING value").fetchone()
    return int(row[0]) if row else 0


def log_changes(conn, rows: list[tuple]) -> None:
    """Append one version's change-log rows (store/changes.py), dropping rows of versions at or past it (a stale
    history) and those ``KEEP`` versions behind. A store from before the log has no table: nothing is logged."""
    if not rows or not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'changes'").fetchone():
        return
    version = rows[0][0]
    conn.execute("DELETE FROM changes WHERE version >= ?", (version,))  # two range deletes: each uses the key
    conn.execute("DELETE FROM changes WHERE version <= ?", (version - changes.KEEP,))
    conn.executemany("INSERT INTO changes (version, layer, id) VALUES (?, ?, ?)", rows)


def read_changes(conn, since: int, current: int) -> dict | None:
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'changes'").fetchone():
        return None
    rows = conn.execute("SELECT version, layer, id FROM changes WHERE version > ?", (since,)).fetchall()
    return changes.interpret(rows, since, current)


def create_schema(conn) -> None:
    """Every table, inside the caller's write transaction (idempotent)."""
    for ddl in _CORE_DDL:
        conn.execute(ddl)
    conn.executemany(
        "INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES (?,?,?,?,?,?)",
        [("Undefined Cartesian SRS", -1, "NONE", -1, "undefined", "undefined Cartesian coordinate reference system"),
         ("Undefined geographic SRS", 0, "NONE", 0, "undefined", "undefined geographic coordinate reference system"),
         ("WGS 84 geodetic", SRS_ID, "EPSG", 4326, WGS84_WKT,
          "longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid")])
    for layer in LAYERS.values():
        create_layer(conn, layer)
    for table in TABLES.values():
        create_table(conn, table)
    # a store created before uid existed gets one now; data_version and created stay as they are
    conn.executemany("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)",
                     [("data_version", "0"), ("created", now()), ("uid", secrets.token_hex(16))])


PY_TYPES = {"TEXT": str, "REAL": float, "INTEGER": int}


def create_table(conn, table: Table) -> None:
    """An attribute table, created with sqlite-utils (its ``create_table`` runs plain DDL on our connection,
    inside the caller's transaction) and registered in gpkg_contents."""
    db = sqlite_utils.Database(conn)
    db.create_table(table.name, {c.name: PY_TYPES[c.sql_type] for c in table.columns},
                    pk=table.pk[0] if len(table.pk) == 1 else tuple(table.pk), if_not_exists=True)
    have = {c.name for c in db[table.name].columns}
    for c in table.columns:  # a store made by an older findpark: add the columns declared since
        if c.name not in have:
            conn.execute(f'ALTER TABLE "{table.name}" ADD COLUMN "{c.name}" {c.sql_type}')
    for cols in table.indexes:
        name = f"idx_{table.name}_{'_'.join(cols)}"
        conn.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table.name}" ({", ".join(cols)})')
    conn.execute("INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description) "
                 "VALUES (?, 'attributes', ?, ?)", (table.name, table.name, table.description))


def create_layer(conn, layer: Layer) -> None:
    t, c, r = layer.name, GEOM_COL, rtree(layer.name)
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
    # each feature's GeoJSON text (store/featuretext.py): not a GeoPackage content, so not in gpkg_contents
    # keyed by the row's fid (a rowid table: rows of ~1 kB are what WITHOUT ROWID tables do badly)
    conn.execute(f'CREATE TABLE IF NOT EXISTS "{featuretext.table(t)}" (fid INTEGER PRIMARY KEY, '
                 'feature TEXT NOT NULL)')


def write_header(conn) -> None:
    """GeoPackage header fields; not transactional in WAL mode, so set after the schema commits."""
    conn.execute("PRAGMA application_id = 1196444487")  # 'GPKG'
    conn.execute("PRAGMA user_version = 10400")  # GeoPackage 1.4
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # header into the main file for GDAL readers
