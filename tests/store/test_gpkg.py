"""GeoPackage-only checks: R*Tree query plan, GDAL/pyogrio reading the file, WAL concurrency, the ST_* trigger
functions, the file left untouched by a failed write, URL parsing, driver errors translated. The protocol itself is
tested for every backend in test_conformance.py."""
import sqlite3
import threading
import time

import pyogrio
import pytest
import shapely

from findpark.store import IntegrityError, StoreError, open_store
from findpark.store.gpkg import binary
from findpark.store.schema import TABLES
from tests.conftest import snapshot
from tests.store.records import park, plot


def _file(store):
    return store.url[len("gpkg:"):]


def test_bbox_uses_rtree_and_matches_brute_force(bundled_store):
    bbox = (120.2, 30.1, 120.6, 30.5)
    plan = bundled_store.query_plan("plots", bbox)
    assert "VIRTUAL TABLE INDEX" in plan, plan  # answered by rtree_plots_geom, not a scan of plots
    got = {r["id"] for r in bundled_store.read("plots", bbox=bbox)}
    box = shapely.box(*bbox)
    expected = {r["id"] for r in bundled_store.read("plots") if r["geometry"].intersects(box)}
    assert got == expected and len(got) > 50
    assert bundled_store.count("plots", bbox=(100, 20, 101, 21)) == 0


def test_gdal_reads_the_store(bundled_db, bundled_store):
    layers = dict(pyogrio.list_layers(bundled_db))
    assert layers["parks"] == "MultiPolygon" and layers["plots"] == "Polygon" and layers["amenities"] == "Point"
    for name in ("parks", "plots", "amenities"):
        df = pyogrio.read_dataframe(bundled_db, layer=name)
        assert df.crs.to_epsg() == 4326
        assert len(df) == bundled_store.count(name)
    plots = pyogrio.read_dataframe(bundled_db, layer="plots", bbox=(120.2, 30.1, 120.6, 30.5))
    assert len(plots) == len(bundled_store.read("plots", bbox=(120.2, 30.1, 120.6, 30.5)))
    info = pyogrio.read_info(bundled_db, layer="plots")
    assert info["features"] == bundled_store.count("plots")
    conn = sqlite3.connect(bundled_db)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47
    assert conn.execute("SELECT count(*) FROM gpkg_extensions WHERE extension_name='gpkg_rtree_index'").fetchone()[0] == 3
    attrs = {r[0] for r in conn.execute("SELECT table_name FROM gpkg_contents WHERE data_type = 'attributes'")}
    assert attrs == set(TABLES)  # every declared attribute table, registered for GDAL, QGIS, ArcGIS
    conn.close()


def test_write_is_all_or_nothing_in_the_file(empty_store):
    empty_store.write({"parks": [park("P1")]})
    before = snapshot(_file(empty_store))
    bad_plots = [plot("X-1", "P1", 120.301, 30.301), {**plot("X-2", "P1", 120.31, 30.31), "id": None}]
    with pytest.raises(IntegrityError):
        empty_store.write({"parks": [park("P2", lon=120.5)], "plots": bad_plots})
    assert snapshot(_file(empty_store)) == before
    assert empty_store.ids("parks") == {"P1"}


def test_wal_reader_and_writer_at_once(empty_store):
    empty_store.write({"parks": [park("P1")]})
    conn = sqlite3.connect(_file(empty_store))
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    errors, reads, writes = [], [0], [0]
    stop = time.monotonic() + 1.5

    def writer():
        i = 0
        try:
            while time.monotonic() < stop:
                empty_store.write({"plots": [plot(f"W-{i}", "P1", 120.30 + (i % 100) * 1e-4, 30.30)]})
                i += 1
                writes[0] += 1
        except Exception as exc:  # noqa: BLE001 - any error fails the test below
            errors.append(exc)

    def reader():
        other = open_store(empty_store.url)  # a separate store object: its own connections
        try:
            while time.monotonic() < stop:
                other.count("plots", bbox=(120, 30, 121, 31))
                other.read("parks")
                reads[0] += 1
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            other.close()

    threads = [threading.Thread(target=writer)] + [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert reads[0] > 10 and writes[0] > 10
    assert empty_store.count("plots") == writes[0]


def test_snapshot_is_a_read_transaction(empty_store):
    conn = empty_store._reader()
    with empty_store.snapshot():
        assert conn.in_transaction
        with empty_store.snapshot():
            pass
        assert conn.in_transaction  # an inner exit does not end it
    assert not conn.in_transaction


def test_init_inside_a_snapshot_does_not_wait_for_itself(empty_store):
    t = time.monotonic()
    with empty_store.snapshot():  # init's header checkpoint would wait out the busy timeout for our own reader
        empty_store.init()
        assert empty_store._reader().in_transaction
    assert time.monotonic() - t < 5


def test_st_functions_for_the_rtree_triggers():
    conn = sqlite3.connect(":memory:")
    binary.register_functions(conn)
    blob = binary.encode(shapely.box(120.1, 30.2, 120.3, 30.4))
    row = conn.execute("SELECT ST_IsEmpty(?), ST_MinX(?), ST_MaxX(?), ST_MinY(?), ST_MaxY(?)", [blob] * 5).fetchone()
    assert row[0] == 0 and row[1:] == pytest.approx((120.1, 120.3, 30.2, 30.4))
    assert conn.execute("SELECT ST_IsEmpty(?)", [binary.encode(shapely.Polygon())]).fetchone()[0] == 1
    assert binary.decode(blob).equals(shapely.box(120.1, 30.2, 120.3, 30.4))
    conn.close()


def test_rtree_follows_the_rows(empty_store):
    empty_store.write({"parks": [park("P1")], "plots": [plot("P1-1", "P1", 120.301, 30.301)]})
    empty_store.write({"plots": [plot("P1-1", "P1", 120.35, 30.35)]})
    conn = sqlite3.connect(_file(empty_store))
    (minx, maxx, miny, maxy), = conn.execute("SELECT minx, maxx, miny, maxy FROM rtree_plots_geom").fetchall()
    assert (minx, maxx, miny, maxy) == pytest.approx((120.35, 120.351, 30.35, 30.351), abs=1e-4)  # float32 boxes
    empty_store.delete("plots", ["P1-1"])
    assert conn.execute("SELECT count(*) FROM rtree_plots_geom").fetchone()[0] == 0
    conn.close()


def test_open_store_urls(tmp_path):
    assert open_store(f"gpkg:{tmp_path}/a.gpkg").url == f"gpkg:{tmp_path / 'a.gpkg'}"
    assert open_store(f"gpkg://{tmp_path}/a.gpkg").url == f"gpkg:{tmp_path / 'a.gpkg'}"
    assert open_store(tmp_path / "b.gpkg").url == f"gpkg:{tmp_path / 'b.gpkg'}"
    assert open_store(tmp_path / "b.gpkg").backend == "gpkg"
    assert not open_store(tmp_path / "missing.gpkg").exists()
    assert not hasattr(open_store(tmp_path / "b.gpkg"), "path")  # callers use url, never a path


def test_recreated_store_gets_a_new_uid(tmp_path):
    path = tmp_path / "r.gpkg"
    first = open_store(path)
    first.init()
    uid = first.uid
    first.close()
    for p in tmp_path.glob("r.gpkg*"):
        p.unlink()
    second = open_store(path)
    second.init()
    assert second.uid != uid and second.url == first.url
    second.close()


def test_driver_errors_are_store_errors(tmp_path):
    junk = tmp_path / "junk.gpkg"
    junk.write_bytes(b"this is not a database" * 100)
    s = open_store(junk)
    assert not s.exists()
    with pytest.raises(StoreError) as exc:
        s.count("plots")
    assert not isinstance(exc.value, sqlite3.Error)
    s.close()


def test_big_writes_keep_their_pages_and_leave_no_big_wal(empty_store, monkeypatch):
    """The write connection's page cache is large (a big write's dirty pages are not spilled to the WAL and
    rewritten), readers map the file, and a commit that leaves a big WAL folds it into the file and empties it."""
    from findpark.store.gpkg import connection

    monkeypatch.setattr(connection, "WAL_TRUNCATE_BYTES", 1)  # any WAL counts as big here
    empty_store.write({"parks": [park("G1")], "plots": [plot("G1-001", "G1", 120.1, 30.2)]})
    with empty_store.transaction() as conn:
        assert conn.execute("PRAGMA cache_size").fetchone()[0] == -connection.WRITER_CACHE_KIB
    assert empty_store._reader().execute("PRAGMA mmap_size").fetchone()[0] > 0
    wal = empty_store._path.with_name(empty_store._path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    assert empty_store.count("plots") == 1
