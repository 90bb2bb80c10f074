"""``findpark load``: bad input exits non-zero, names the feature and the problem, and changes nothing."""
import json

import pytest
import shapely
from pyproj import Transformer

from findpark.cli import main
from findpark.geo import datum
from findpark.geo.measure import area_mu
from findpark.store import open_store
from tests.conftest import plot_feature, snapshot, square, write_fc

BOWTIE = {"type": "Polygon", "coordinates": [[[120.36, 30.30], [120.362, 30.302], [120.362, 30.30],
                                               [120.36, 30.302], [120.36, 30.30]]]}
# A square with a zero-area spike: invalid, and make_valid removes the spike without changing the area.
SPIKE = {"type": "Polygon", "coordinates": [[[120.36, 30.30], [120.362, 30.30], [120.362, 30.301],
                                              [120.364, 30.301], [120.362, 30.301],
                                              [120.362, 30.302], [120.36, 30.302], [120.36, 30.30]]]}


def _load(runner, db, *args):
    return runner.invoke(main, ["load", "--db", str(db), *map(str, args)])


BAD_CASES = {
    "self_intersecting": ([plot_feature("BAD-1", geometry=BOWTIE)], {"datum": "wgs84"},
                          ["BAD-1", "invalid polygon", "Self-intersection", "not repaired"]),
    "missing_crs": ([plot_feature("BAD-2")], {}, ["plots.geojson", "no CRS declared"]),
    "unknown_crs": ([plot_feature("BAD-3")], {"crs": {"type": "name", "properties": {"name": "EPSG:999999"}}},
                    ["plots.geojson", "unknown CRS"]),
    "swapped": ([plot_feature("BAD-4", geometry=square(30.30, 120.36))], {"datum": "wgs84"},
                ["BAD-4", "swapped (lat, lon)"]),
    "outside_china": ([plot_feature("BAD-5", geometry=square(2.35, 48.85))], {"datum": "wgs84"},
                      ["BAD-5", "outside China"]),
    "unknown_park": ([plot_feature("BAD-6", park_id="G999999")], {"datum": "wgs84"},
                     ["BAD-6", "park_id 'G999999' does not exist"]),
    "duplicate_id": ([plot_feature("DUP-1"), plot_feature("DUP-1", geometry=square(120.37, 30.31))],
                     {"datum": "wgs84"}, ["feature #1 (id=DUP-1)", "duplicate id 'DUP-1'"]),
    "missing_field": ([{**plot_feature("BAD-7"), "properties": {k: v for k, v in plot_feature("BAD-7")["properties"].items()
                                                                   if k != "status"}}],
                      {"datum": "wgs84"}, ["BAD-7", "missing required field 'status'"]),
    "bad_enum": ([plot_feature("BAD-8", max_eia="big")], {"datum": "wgs84"}, ["BAD-8", "max_eia", "not one of"]),
    "bad_number": ([plot_feature("BAD-9", power_kva="lots")], {"datum": "wgs84"}, ["BAD-9", "power_kva", "number"]),
    "far_order": ([plot_feature("BAD-10", far_min=3.0, far_max=2.0)], {"datum": "wgs84"}, ["BAD-10", "far_min"]),
    "no_geometry": ([{**plot_feature("BAD-11"), "geometry": None}], {"datum": "wgs84"}, ["BAD-11", "no geometry"]),
    "wrong_geometry_type": ([plot_feature("BAD-12", geometry={"type": "Point", "coordinates": [120.36, 30.3]})],
                            {"datum": "wgs84"}, ["BAD-12", "Point"]),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_input_is_rejected_and_store_unchanged(case, runner, small_db, tmp_path):
    features, members, expected = BAD_CASES[case]
    good = plot_feature("GOOD-1", geometry=square(120.38, 30.32))  # a valid feature in the same file
    path = write_fc(tmp_path / "plots.geojson", [good, *features], **members)
    before = snapshot(small_db)
    result = _load(runner, small_db, path)
    assert result.exit_code != 0, result.output
    for text in expected:
        assert text in result.stderr, (text, result.stderr)
    assert "nothing was loaded" in result.stderr or "no CRS" in result.stderr or "unknown CRS" in result.stderr
    assert snapshot(small_db) == before
    assert open_store(small_db).get("plots", "GOOD-1") is None


def test_all_or_nothing_across_files(runner, small_db, tmp_path):
    parks = json.loads((tmp_path / "parks.geojson").read_text("utf-8"))
    parks["features"][0]["properties"]["name"] = "改名测试"
    (tmp_path / "more").mkdir()
    good = write_fc(tmp_path / "more" / "parks.geojson", parks["features"], datum="wgs84")
    bad = write_fc(tmp_path / "more" / "plots.geojson", [plot_feature("BAD", geometry=BOWTIE)], datum="wgs84")
    before = snapshot(small_db)
    result = _load(runner, small_db, good, bad)
    assert result.exit_code == 1
    assert snapshot(small_db) == before
    assert open_store(small_db).get("parks", parks["features"][0]["properties"]["id"])["name"] != "改名测试"


def test_repairable_polygon_is_repaired_and_reported(runner, small_db, tmp_path):
    path = write_fc(tmp_path / "plots.geojson", [plot_feature("SPIKE-1", geometry=SPIKE)], datum="wgs84")
    assert not shapely.geometry.shape(SPIKE).is_valid
    result = _load(runner, small_db, path)
    assert result.exit_code == 0, result.stderr
    assert "SPIKE-1" in result.stderr and "repaired invalid polygon" in result.stderr
    plot = open_store(small_db).get("plots", "SPIKE-1")
    assert plot["geometry"].is_valid
    unspiked = shapely.box(120.36, 30.30, 120.362, 30.302)
    assert plot["area_mu"] == pytest.approx(area_mu(unspiked), rel=1e-4)  # the spike had no area
    log = open_store(small_db).load_log()[-1]
    assert "repaired" in log["messages"]


def test_gcj02_input_is_converted(runner, small_db, tmp_path):
    glon, glat = 120.3650, 30.3050
    gcj = {"type": "Polygon", "coordinates": [[[glon, glat], [glon + 0.002, glat], [glon + 0.002, glat + 0.002],
                                               [glon, glat + 0.002], [glon, glat]]]}
    path = write_fc(tmp_path / "plots.geojson", [plot_feature("GCJ-1", geometry=gcj)], datum="gcj02")
    result = _load(runner, small_db, path)
    assert result.exit_code == 0, result.stderr
    assert "converted from GCJ02" in result.stderr
    x, y = open_store(small_db).get("plots", "GCJ-1")["geometry"].exterior.coords[0]
    wlon, wlat = datum.gcj02_to_wgs84(glon, glat)
    assert (x, y) == pytest.approx((float(wlon), float(wlat)), abs=1e-7)
    assert abs(x - glon) > 0.004  # really shifted (~500 m)


def test_crs_option_and_projected_input(runner, small_db, tmp_path):
    tr = Transformer.from_crs("EPSG:4326", "EPSG:4549", always_xy=True)
    x, y = tr.transform(120.365, 30.305)
    ring = [[x, y], [x + 150, y], [x + 150, y + 100], [x, y + 100], [x, y]]
    path = write_fc(tmp_path / "plots.geojson", [plot_feature("GK-1", geometry={"type": "Polygon", "coordinates": [ring]})])
    result = _load(runner, small_db, "--crs", "EPSG:4549", path)
    assert result.exit_code == 0, result.stderr
    plot = open_store(small_db).get("plots", "GK-1")
    assert plot["area_mu"] == pytest.approx(15000 / (10000 / 15), rel=1e-3)  # 150 m x 100 m = 22.5 mu


def test_gdal_formats_load_with_their_crs(runner, small_db, tmp_path):
    import geopandas as gpd

    gdf = gpd.GeoDataFrame([{**plot_feature("GPKG-1")["properties"], "synthetic": "[]"}],
                           geometry=[shapely.box(120.38, 30.33, 120.381, 30.331)], crs="EPSG:4326")
    path = tmp_path / "plots.gpkg"
    gdf.to_file(path, layer="plots")
    result = _load(runner, small_db, path)
    assert result.exit_code == 0, result.stderr
    assert open_store(small_db).get("plots", "GPKG-1")["status"] == "available"


def test_load_upserts_and_bundled_load(runner, tmp_path):
    db = tmp_path / "b.gpkg"
    result = runner.invoke(main, ["load", "--db", str(db)])
    assert result.exit_code == 0, result.output
    store = open_store(db)
    n = store.count("plots")
    assert n > 1000 and store.count("parks") == 120
    result = runner.invoke(main, ["load", "--db", str(db)])  # idempotent
    assert result.exit_code == 0 and open_store(db).count("plots") == n


def test_missing_file_is_a_clear_error(runner, small_db, tmp_path):
    result = _load(runner, small_db, tmp_path / "nope" / "plots.geojson")
    assert result.exit_code == 1 and "no such file" in result.stderr


def test_unknown_layer(runner, small_db, tmp_path):
    path = write_fc(tmp_path / "stuff.geojson", [plot_feature("X")], datum="wgs84")
    before = snapshot(small_db)
    result = _load(runner, small_db, path)
    assert result.exit_code == 1 and "cannot tell which layer" in result.stderr
    assert snapshot(small_db) == before
    result = _load(runner, small_db, "--layer", "plots", path)
    assert result.exit_code == 0, result.stderr


def test_replacing_parks_cannot_orphan_plots(runner, small_db, tmp_path):
    path = write_fc(tmp_path / "parks.geojson", [{"type": "Feature", "geometry": square(121.0, 29.0, 0.01),
                                                  "properties": {"id": "NEW1", "name": "新园", "level": "county",
                                                                 "kind": "工业园区", "adcode": "330206",
                                                                 "source": "t", "as_of": "2026"}}], datum="wgs84")
    before = snapshot(small_db)
    result = _load(runner, small_db, "--replace", path)
    assert result.exit_code == 1 and "orphan" in result.stderr
    assert snapshot(small_db) == before
