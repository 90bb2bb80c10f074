"""The bundled data: every field of the contract, provenance, geometry where it should be, RFC 7946."""
import json
import re
from collections import Counter
from pathlib import Path

import pytest
import shapely
from shapely.geometry import shape

from findpark import taxonomy
from findpark.store.schema import LAYERS

DATA = Path(__file__).resolve().parent.parent / "data"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def _fc(name):
    return json.loads((DATA / f"{name}.geojson").read_text("utf-8"))


@pytest.fixture(scope="module")
def layers():
    return {name: _fc(name) for name in ("parks", "plots", "amenities", "boundaries")}


@pytest.mark.parametrize("name", ["parks", "plots", "amenities"])
def test_every_contract_field_on_every_feature(layers, name):
    fields = LAYERS[name].fields
    feats = layers[name]["features"]
    assert feats
    for f in feats:
        props = f["properties"]
        missing = [fd.name for fd in fields if fd.name not in props]
        assert not missing, (props.get("id"), missing)
        for fd in fields:
            v = props[fd.name]
            if fd.required:
                assert v not in (None, ""), (props["id"], fd.name)
            if v is None:
                continue
            if fd.enum:
                assert v in fd.enum, (props["id"], fd.name, v)
            if fd.type == "list":
                assert isinstance(v, list)
            if fd.type == "real":
                assert isinstance(v, (int, float)) and (fd.min is None or v >= fd.min), (props["id"], fd.name, v)
        assert props["source"] and props["as_of"]
        assert set(props["synthetic"]) <= set(LAYERS[name].by_name) | {"geometry"}, props["synthetic"]


def test_ids_unique(layers):
    for name in ("parks", "plots", "amenities"):
        ids = Counter(f["properties"]["id"] for f in layers[name]["features"])
        assert max(ids.values()) == 1, name


def test_parks_are_the_120_catalogue_zones(layers):
    parks = layers["parks"]["features"]
    assert len(parks) == 120
    levels = Counter(p["properties"]["level"] for p in parks)
    assert levels == {"national": 38, "provincial": 82}
    p = next(f["properties"] for f in parks if f["properties"]["id"] == "G331018")
    assert p["name"] == "杭州经济技术开发区" and p["leading_industries"] == ["装备制造", "生物医药", "信息技术"]
    assert p["core_area_ha"] == 1000.0 and p["approval_date"] == "1993-04" and p["boundary_approximate"] is True
    assert "land_price_wan_per_mu" in p["synthetic"] and "name" not in p["synthetic"]
    for f in parks:
        ratio = f["properties"]["area_mu"] / (f["properties"]["core_area_ha"] * 15)
        assert 0.97 < ratio < 1.01, f["properties"]["id"]  # the approximate boundary keeps the catalogue area


def test_every_park_inside_its_county(layers):
    counties = {f["properties"]["adcode"]: shape(f["geometry"]) for f in layers["boundaries"]["features"]
                if f["properties"]["level"] == "county"}
    for f in layers["parks"]["features"]:
        geom, adcode = shape(f["geometry"]), f["properties"]["adcode"]
        assert re.fullmatch(r"33\d{4}", adcode)
        county = counties[adcode]
        assert county.contains(geom.representative_point()), f["properties"]["id"]
        assert county.buffer(1e-6).covers(geom), f["properties"]["id"]


def test_wrong_geocodes_use_the_fallback_county(layers):
    by_id = {f["properties"]["id"]: f["properties"] for f in layers["parks"]["features"]}
    fuyang = next(p for p in by_id.values() if p["name"] == "富阳经济技术开发区")  # geocoded into 广东 in the source
    assert fuyang["adcode"] == "330111" and "fallback" in fuyang["source"]


def test_plots_inside_their_park_and_sized(layers):
    parks = {f["properties"]["id"]: shape(f["geometry"]) for f in layers["parks"]["features"]}
    per_park = Counter()
    for f in layers["plots"]["features"]:
        p = f["properties"]
        geom = shape(f["geometry"])
        assert geom.is_valid and geom.geom_type == "Polygon"
        assert parks[p["park_id"]].buffer(1e-6).covers(geom), p["id"]
        assert 5 <= p["area_mu"] <= 300
        assert p["far_min"] <= p["far_max"]
        assert 500 <= p["power_kva"] <= 20000
        per_park[p["park_id"]] += 1
    assert set(per_park) == set(parks)
    assert min(per_park.values()) >= 10 and max(per_park.values()) <= 60
    assert 1000 <= sum(per_park.values()) <= 9999


def test_every_constraint_can_bind(layers):
    """The synthetic attributes vary enough that every siting constraint rejects something somewhere."""
    plots = [f["properties"] for f in layers["plots"]["features"]]
    assert {p["status"] for p in plots} == {"available", "reserved", "leased", "sold"}
    assert {p["land_use"] for p in plots} == {"M0", "M1", "M2", "M3", "W1"}
    assert {p["max_eia"] for p in plots} == {"registration", "report_form", "report"}
    for key in ("min_investment_wan_per_mu", "min_tax_wan_per_mu", "price_wan_per_mu", "power_kva", "water_t_day"):
        values = sorted(p[key] for p in plots)
        assert values[len(values) // 10] < values[-len(values) // 10], key
    # 报告书 (report) plots only in zones with chemical industries
    parks = {f["properties"]["id"]: f["properties"] for f in layers["parks"]["features"]}
    for p in plots:
        if p["max_eia"] == "report":
            fams = {taxonomy.labels()[lab].family for lab in parks[p["park_id"]]["leading_industries"]}
            assert "化工" in fams, p["id"]
    # Hangzhou core districts ask more than the mountain counties
    def mean(xs):
        return sum(xs) / len(xs)
    hz = [p["price_wan_per_mu"] for p in plots if parks[p["park_id"]]["adcode"] in ("330114", "330109", "330108")]
    lishui = [p["price_wan_per_mu"] for p in plots if parks[p["park_id"]]["adcode"].startswith("3311")]
    assert mean(hz) > 2 * mean(lishui)


def test_amenities(layers):
    kinds = Counter(f["properties"]["kind"] for f in layers["amenities"]["features"])
    assert kinds["airport"] == 4 and kinds["metro_station"] == 506 and kinds["rail_station"] >= 10
    zhejiang = shapely.union_all([shape(f["geometry"]) for f in layers["boundaries"]["features"]
                                  if f["properties"]["level"] == "city"]).buffer(0.01)
    for f in layers["amenities"]["features"]:
        assert zhejiang.contains(shape(f["geometry"])), f["properties"]["id"]
    hgh = next(f for f in layers["amenities"]["features"] if f["properties"]["id"] == "airport-ZSHC")
    assert hgh["geometry"]["coordinates"] == pytest.approx([120.429216, 30.237337])


@pytest.mark.parametrize("name", ["parks", "plots", "amenities", "boundaries"])
def test_rfc7946(layers, name):
    fc = layers[name]
    assert "crs" not in fc and fc["datum"] == "wgs84"
    text = (DATA / f"{name}.geojson").read_text("utf-8")
    assert not re.search(r"\d\.\d{8,}", text)  # ≤ 7 decimals
    for f in fc["features"]:
        g = f["geometry"]
        polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"] if g["type"] == "MultiPolygon" else []
        for rings in polys:
            assert shapely.LinearRing(rings[0]).is_ccw
            for hole in rings[1:]:
                assert not shapely.LinearRing(hole).is_ccw


def test_every_catalogue_label_maps_to_valid_codes(layers):
    codes = taxonomy.codes()
    for f in layers["parks"]["features"]:
        p = f["properties"]
        for lab in p["leading_industries"]:
            assert lab in taxonomy.labels(), lab
            entry = taxonomy.labels()[lab]
            if lab != "在建":  # "under construction" is not an industry
                assert entry.codes and entry.family, lab
            assert all(c in codes for c in entry.codes), lab
        assert all(c in codes for c in p["industry_codes"])


def test_taxonomy_lookups():
    assert "C27" in taxonomy.resolve("生物医药")
    assert taxonomy.resolve("c2710") == ("C2710",)
    assert taxonomy.ancestors("C2710") == ["C2710", "C271", "C27", "C"]
    assert taxonomy.family("C36") == "汽车"
    assert len(taxonomy.codes()) == 1971
    with pytest.raises(KeyError):
        taxonomy.resolve("宇宙飞船")


@pytest.mark.skipif(not SHARED.exists(), reason="../shared/data not beside the repo")
@pytest.mark.slow  # rebuilds all the bundled data from the raw sources
def test_build_data_reproduces_the_committed_files(tmp_path):
    from findpark.databuild import build_all

    build_all(SHARED, tmp_path)
    for name in ("parks.geojson", "plots.geojson", "amenities.geojson", "boundaries.geojson", "LICENSES.md",
                 "park_quarterly.csv"):
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), name
