"""The GeoPackage store: round trip, R*Tree window queries, GDAL interop, WAL concurrency, atomic writes."""
import sqlite3
import threading
import time

import pyogrio
import pytest
import shapely

from findpark.store import StoreError, open_store


def _park(pid, lon=120.30, lat=30.30, d=0.02):
    return {"geometry": shapely.box(lon, lat, lon + d, lat + d), "id": pid, "name": f"园区{pid}", "level": "provincial",
            "kind": "经济开发区", "adcode": "330114", "leading_industries": ["生物医药", "新材料"],
            "industry_codes": ["C27"], "boundary_approximate": True, "core_area_ha": 12.5,
            "source": "test", "as_of": "2026", "synthetic": ["core_area_ha"]}


def _plot(pid, park_id, lon, lat, d=0.001):
    return {"geometry": shapely.box(lon, lat, lon + d, lat + d), "id": pid, "park_id": park_id, "land_use": "M1",
            "status": "available", "area_mu": 12.0, "max_eia": "report_form", "available_from": "2027-01-01",
            "source": "test", "as_of": "2026", "synthetic": []}


def test_round_trip(empty_store):
    park = _park("P1")
    empty_store.write({"parks": [park], "plots": [_plot("P1-1", "P1", 120.301, 30.301)]})
    back = empty_store.get("parks", "P1")
    assert back["leading_industries"] == ["生物医药", "新材料"]
    assert back["boundary_approximate"] is True
    assert back["synthetic"] == ["core_area_ha"]
    assert back["geometry"].geom_type == "MultiPolygon"
    assert back["geometry"].equals(shapely.MultiPolygon([park["geometry"]]))
    plot = empty_store.get("plots", "P1-1")
    assert plot["max_eia"] == "report_form" and plot["geometry"].geom_type == "Polygon"
    assert empty_store.get("plots", "nope") is None
    # upsert by id replaces, keeps one row and updates the spatial index
    moved = _plot("P1-1", "P1", 120.35, 30.35)
    empty_store.write({"plots": [moved]})
    assert empty_store.count("plots") == 1
    assert empty_store.count("plots", bbox=(120.34, 30.34, 120.36, 30.36)) == 1
    assert empty_store.count("plots", bbox=(120.300, 30.300, 120.302, 30.302)) == 0
    assert empty_store.data_version == 2


def test_bbox_uses_rtree_and_matches_brute_force(bundled_store):
    bbox = (120.2, 30.1, 120.6, 30.5)
    plan = bundled_store.query_plan("plots", bbox)
    assert "VIRTUAL TABLE INDEX" in plan, plan  # answered by rtree_plots_geom, not a scan of plots
    got = {r["id"] for r in bundled_store.read("plots", bbox=bbox)}
    box = shapely.box(*bbox)
    expected = {r["id"] for r in bundled_store.read("plots") if r["geometry"].intersects(box)}
    assert got == expected and len(got) > 50
    assert bundled_store.count("plots", bbox=(100, 20, 101, 21)) == 0


def test_where_limit_offset(bundled_store):
    avail = bundled_store.read("plots", where={"status": "available"})
    assert avail and all(r["status"] == "available" for r in avail)
    page = bundled_store.read("plots", where={"status": "available"}, limit=5, offset=5)
    assert [r["id"] for r in page] == [r["id"] for r in avail[5:10]]
    two = bundled_store.read("parks", where={"id": ["G331018", "G331019"]})
    assert [p["id"] for p in two] == ["G331018", "G331019"]


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


def test_write_is_all_or_nothing(empty_store):
    from tests.conftest import snapshot

    empty_store.write({"parks": [_park("P1")]})
    before = snapshot(empty_store.path)
    bad_plots = [_plot("X-1", "P1", 120.301, 30.301), {**_plot("X-2", "P1", 120.31, 30.31), "id": None}]
    with pytest.raises(sqlite3.IntegrityError):
        empty_store.write({"parks": [_park("P2", lon=120.5)], "plots": bad_plots})
    assert snapshot(empty_store.path) == before
    assert empty_store.ids("parks") == {"P1"}


def test_wal_reader_and_writer_at_once(empty_store):
    empty_store.write({"parks": [_park("P1")]})
    conn = sqlite3.connect(empty_store.path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    errors, reads, writes = [], [0], [0]
    stop = time.monotonic() + 1.5

    def writer():
        i = 0
        try:
            while time.monotonic() < stop:
                empty_store.write({"plots": [_plot(f"W-{i}", "P1", 120.30 + (i % 100) * 1e-4, 30.30)]})
                i += 1
                writes[0] += 1
        except Exception as exc:  # noqa: BLE001 - any error fails the test below
            errors.append(exc)

    def reader():
        other = open_store(empty_store.path)  # a separate store object: its own connections
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


def test_open_store_urls(tmp_path):
    assert open_store(f"gpkg:{tmp_path}/a.gpkg").path == tmp_path / "a.gpkg"
    assert open_store(tmp_path / "b.gpkg").path == tmp_path / "b.gpkg"
    with pytest.raises(StoreError, match="PostGIS"):
        open_store("postgresql://localhost/findpark")
    with pytest.raises(StoreError, match="unsupported"):
        open_store("mysql://x/y")
    assert not open_store(tmp_path / "missing.gpkg").exists()


def test_online_backup(bundled_store, tmp_path):
    dest = tmp_path / "copy.gpkg"
    bundled_store.backup(dest)
    assert open_store(dest).count("plots") == bundled_store.count("plots")
