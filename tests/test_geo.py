"""Datums, geodesic areas and RFC 7946 output."""
import csv
import json
from pathlib import Path

import numpy as np
import pytest
import shapely
from pyproj import Transformer

from findpark.geo import datum
from findpark.geo.geojson import latlon, latlon_bounds, rfc7946_geometry
from findpark.geo.measure import M2_PER_MU, area_m2, area_mu, distance_m

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"

# (name, GCJ-02 lon/lat from the source, WGS84 lon/lat converted by the source's author)
KNOWN = [
    ("湘湖", 120.234376, 30.167577, 120.229885, 30.170029),
    ("火车东站", 120.213227, 30.291465, 120.208683, 30.293886),
    ("萧山国际机场", 120.43311, 30.235566, 120.428554, 30.23785),
    ("宁波火车站", 121.538038, 29.863192, 121.533835, 29.865738),
]


@pytest.mark.parametrize("name,glon,glat,wlon,wlat", KNOWN)
def test_gcj02_to_wgs84_known_points(name, glon, glat, wlon, wlat):
    lon, lat = datum.gcj02_to_wgs84(glon, glat)
    assert distance_m(lon, lat, wlon, wlat) < 0.5, name


def test_gcj02_offset_in_hangzhou_is_about_500m():
    glon, glat = datum.wgs84_to_gcj02(120.2, 30.25)
    assert 0.0040 < glon - 120.2 < 0.0052 and -0.0028 < glat - 30.25 < -0.0018
    assert 400 < distance_m(120.2, 30.25, glon, glat) < 600


def test_round_trips():
    lon = np.linspace(118.0, 123.0, 50)
    lat = np.linspace(27.0, 31.2, 50)
    back = datum.gcj02_to_wgs84(*datum.wgs84_to_gcj02(lon, lat))
    assert np.abs(back[0] - lon).max() < 1e-7 and np.abs(back[1] - lat).max() < 1e-7
    bd = datum.from_wgs84(lon, lat, "bd09")
    back = datum.to_wgs84(*bd, "bd09")
    assert np.abs(back[0] - lon).max() < 1e-5 and np.abs(back[1] - lat).max() < 1e-5


def test_outside_china_is_unchanged():
    assert datum.wgs84_to_gcj02(2.35, 48.85) == (2.35, 48.85)


@pytest.mark.skipif(not SHARED.exists(), reason="../shared/data not beside the repo")
def test_whole_metro_table_matches_source_conversion():
    rows = list(csv.DictReader(open(SHARED / "metro-stations-zhejiang" / "zhejiang_metro_stations.csv", encoding="utf-8")))
    g = np.array([[float(r["lng_gcj02"]), float(r["lat_gcj02"])] for r in rows])
    w = np.array([[float(r["lng_wgs84_converted"]), float(r["lat_wgs84_converted"])] for r in rows])
    lon, lat = datum.gcj02_to_wgs84(g[:, 0], g[:, 1])
    assert distance_m(lon, lat, w[:, 0], w[:, 1]).max() < 0.2  # the source rounds to 6 decimals


def test_datum_names():
    assert datum.normalise_datum("EPSG:4326") == "wgs84"
    assert datum.normalise_datum("GCJ-02") == "gcj02"
    assert datum.normalise_datum("Baidu") == "bd09"
    assert datum.normalise_datum("EPSG:3857") is None
    with pytest.raises(ValueError):
        datum.to_wgs84(1, 2, "mars")


def test_area_of_a_known_rectangle_in_mu():
    """300 m x 200 m drawn in CGCS2000 3-degree Gauss-Kruger (EPSG:4549, metres) = 60,000 m² = 90 mu."""
    x0, y0 = 480_000.0, 3_350_000.0  # near 119.8E 30.27N
    rect = shapely.segmentize(shapely.box(x0, y0, x0 + 300, y0 + 200), 10)
    tr = Transformer.from_crs("EPSG:4549", "EPSG:4326", always_xy=True)
    geo = shapely.transform(rect, lambda c: np.column_stack(tr.transform(c[:, 0], c[:, 1])))
    assert 119.7 < geo.centroid.x < 119.9 and 30.2 < geo.centroid.y < 30.3
    assert area_m2(geo) == pytest.approx(60_000, rel=2e-4)
    assert area_mu(geo) == pytest.approx(90.0, rel=2e-4)
    assert M2_PER_MU == pytest.approx(666.6667, abs=1e-4)


def test_area_is_orientation_independent():
    poly = shapely.box(120.0, 30.0, 120.01, 30.01)
    assert area_m2(poly) == pytest.approx(area_m2(shapely.Polygon(list(poly.exterior.coords)[::-1])))


def test_rfc7946_orientation_and_precision():
    cw = shapely.Polygon([(120, 30), (120, 30.1234567891), (120.1, 30.1), (120, 30)],
                         holes=[[(120.01, 30.02), (120.05, 30.05), (120.01, 30.05), (120.01, 30.02)]])
    g = rfc7946_geometry(cw)
    ring = shapely.LinearRing(g["coordinates"][0])
    hole = shapely.LinearRing(g["coordinates"][1])
    assert ring.is_ccw and not hole.is_ccw
    text = json.dumps(g)
    assert all(len(tok.split(".")[1]) <= 7 for tok in text.replace("[", " ").replace("]", " ").replace(",", " ").split() if "." in tok)
    assert "crs" not in g


def test_latlon_helper_is_the_only_swap():
    assert latlon(120.1, 30.2) == [30.2, 120.1]
    assert latlon_bounds((120, 30, 121, 31)) == [[30, 120], [31, 121]]


def test_rfc7946_geometries_in_bulk_equal_one_by_one():
    """The bulk converter (OGC items, API collections) gives what rfc7946_geometry + the API's rounding give,
    for every geometry kind it takes and the ones it hands back to the one-by-one path."""
    import json

    import shapely

    from findpark.geo.geojson import rfc7946_geometries, rfc7946_geometry
    from findpark.numbers import json_ready

    cw = shapely.Polygon([(120.1, 30.1), (120.1, 30.2), (120.2, 30.2), (120.2, 30.1)])  # clockwise shell
    holed = shapely.Polygon([(120.0, 30.0), (120.3, 30.0), (120.3, 30.3), (120.0, 30.3)],
                            [[(120.1, 30.1), (120.2, 30.1), (120.2, 30.2), (120.1, 30.2)]])  # CCW hole
    geoms = [cw, None, shapely.Point(120.123456789, 30.987654321), shapely.MultiPolygon([cw, shapely.Polygon(holed.exterior.coords, [holed.interiors[0].coords]).buffer(0)]),
             shapely.Polygon(), holed, shapely.LineString([(120, 30), (120.5, 30.5)]),
             shapely.MultiPolygon([shapely.box(120.000000049, 30.00000005, 120.1, 30.1)]), shapely.Point(-0.00000001, 0)]
    bulk = rfc7946_geometries(geoms)
    for g, got in zip(geoms, bulk):
        want = json_ready(rfc7946_geometry(g), "geometry")
        assert json.loads(json.dumps(json_ready(got))) == json.loads(json.dumps(want)), g
    assert bulk[1] is None and bulk[4] is None
    ring = bulk[0]["coordinates"][0]
    assert shapely.LinearRing(ring).is_ccw  # exterior counter-clockwise (RFC 7946)
    assert not shapely.LinearRing(bulk[5]["coordinates"][1]).is_ccw  # holes clockwise
    assert rfc7946_geometries([]) == []
