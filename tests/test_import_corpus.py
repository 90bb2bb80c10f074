"""A corpus of bad files (issue 13): each is refused with a clear reason naming the problem, by `findpark load`
(the whole store byte-identical afterwards) and by staging (no layer, no version, data_version unchanged).
Plus the loader's holes: Shapefile's cut column names, a GBK .dbf without .cpg, 3-D coordinates, XLSX/CSV."""
from __future__ import annotations

import io
import json
import zipfile

import geopandas as gpd
import pyogrio
import pytest
import shapely
from click.testing import CliRunner
from openpyxl import Workbook

from findpark.cli import main
from findpark.services import imports
from findpark.store import open_store
from tests.conftest import copy_store, plot_feature, square


def file_digest(path) -> str:
    """The bytes of the store and its WAL: a refused load writes neither."""
    import hashlib
    from pathlib import Path

    h = hashlib.sha256()
    for p in (Path(path), Path(f"{path}-wal")):
        if p.exists():
            h.update(p.read_bytes())
    return h.hexdigest()

GOOD = plot_feature("C-1")


def fc(features, **m) -> bytes:
    return json.dumps({"type": "FeatureCollection", "datum": "wgs84", "layer": "plots", **m, "features": features},
                      ensure_ascii=False).encode()


def feat(**props):
    f = json.loads(json.dumps(GOOD))
    f["properties"].update(props)
    return f


def geom(g):
    f = json.loads(json.dumps(GOOD))
    f["geometry"] = g
    return f


def zipped(members: dict, **kw) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", **kw) as z:
        for name, data in members.items():
            if isinstance(name, zipfile.ZipInfo):
                z.writestr(name, data)
            else:
                z.writestr(name, data)
    return buf.getvalue()


def _symlink_zip() -> bytes:
    info = zipfile.ZipInfo("plots.geojson")
    info.external_attr = (0o120777 << 16)
    return zipped({info: "/etc/passwd"})


def _bomb() -> bytes:
    return zipped({"plots.geojson": b"{" + b" " * (60 * 1024 * 1024) + b"}"}, compression=zipfile.ZIP_DEFLATED)


def _bad_xlsx_rows() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "plots"
    ws.append(["id", "park_id", "land_use", "status", "source", "as_of", "wkt"])
    ws.append(["X-1", "G331018", "M1", "available", "t", "2026-01-01", "POLYGON((not wkt"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# (file name, content, a phrase the reason must contain)
CORPUS = [
    ("plots.geojson", b"", "empty"),
    ("plots.geojson", b"{not json", "not readable GeoJSON"),
    ("plots.geojson", b"[" * 100000 + b"]" * 100000, "nested deeper than"),
    ("plots.geojson", b'{"type": "FeatureCollection", "datum": "wgs84", "features": ' + b"[" * 50000 + b"]" * 50000 + b"}",
     "nested deeper than"),
    ("plots.geojson", fc([]), "no features"),
    ("plots.geojson", json.dumps({"type": "Feature"}).encode(), "not a GeoJSON FeatureCollection"),
    ("plots.geojson", fc([GOOD], datum=None), "no CRS declared"),
    ("plots.txt.json", json.dumps({"type": "FeatureCollection", "layer": "plots", "features": [GOOD]}).encode(),
     "no CRS declared"),
    ("plots.geojson", fc([GOOD], datum="no-such-datum"), "unknown CRS"),
    ("plots.geojson", fc([geom({"type": "Polygon", "coordinates": [[["120.36", "30.3"], [120.362, 30.3], [120.362, 30.302], [120.36, 30.3]]]})]), "is not a number"),
    ("plots.geojson", fc([geom({"type": "Polygon", "coordinates": [[[120.36, 30.3, 1, 2], [120.362, 30.3], [120.362, 30.302], [120.36, 30.3]]]})]), "position has 4 values"),
    ("plots.geojson", fc([geom({"type": "Point", "coordinates": [[120.36, 30.3]]})]), "position has 1 values"),
    ("plots.geojson", fc([geom({"type": "GeometryCollection", "geometries": []})]), "not a Point"),
    ("plots.geojson", fc([geom({"type": "Point", "coordinates": [120.36, 30.3]})]), "geometry is Point"),
    ("plots.geojson", fc([geom(square(30.30, 120.36))]), "look swapped"),
    ("plots.geojson", fc([geom(square(2.35, 48.85))]), "outside China"),
    ("plots.geojson", fc([geom({"type": "Polygon", "coordinates": [[[120.36, 30.3], [120.362, 30.302], [120.362, 30.3], [120.36, 30.302], [120.36, 30.3]]]})]), "invalid polygon"),
    ("plots.geojson", fc([geom(square(121.9, 29.9))]), "km from the boundary of its park"),
    ("plots.geojson", fc([feat(park_id="NOPE")]), "does not exist"),
    ("plots.geojson", fc([GOOD, GOOD]), "duplicate id"),
    ("plots.geojson", fc([feat(status=None)]), "missing required field 'status'"),
    ("plots.geojson", fc([feat(status="gone")]), "is not one of"),
    ("plots.geojson", fc([feat(far_min=3.0, far_max=1.0)]), "far_min 3.0 is above far_max"),
    ("plots.geojson", fc([feat(price_wan_per_mu="lots")]), "expected a number"),
    ("plots.geojson", fc([feat(price_wan_per_mu=-5)]), "must be ≥ 0"),
    ("plots.geojson", fc([feat(as_of="2026-13-45")]), "as_of"),
    ("plots.geojson", fc([feat(id="bad id with spaces")]), "does not match"),
    ("plots.geojson", fc([feat(source="x" * 100_000)]), "characters long"),
    ("parks.geojson", fc([{**GOOD, "properties": {"id": "P1", "name": "园" * 5000}}], layer="parks"), "characters long"),
    ("evil.sh", b"#!/bin/sh\necho pwned\n", "not a file type"),
    ("plots.zip", b"PK\x03\x04 definitely not a zip", "not a readable zip"),
    ("plots.zip", zipped({"../../etc/plots.geojson": fc([GOOD])}), "outside the archive"),
    ("plots.zip", zipped({"/abs/plots.geojson": fc([GOOD])}), "outside the archive"),
    ("plots.zip", _symlink_zip(), "symbolic link"),
    ("plots.zip", zipped({"inner.zip": b"PK"}), "nested archive"),
    ("plots.zip", zipped({"readme.txt": b"hello"}), "no data file"),
    ("plots.zip", zipped({"plots.shp": b"\x00" * 100}), "has no .dbf"),
    ("plots.gpkg", b"SQLite format 3\x00" + b"\x00" * 2000, "GDAL cannot read it"),
    ("plots.xlsx", b"PK\x03\x04 broken workbook", "not a readable table"),
    ("plots.xlsx", _bad_xlsx_rows(), "no usable geometry"),
    ("plots.csv", "id,park_id,land_use,status,source,as_of\nX,G331018,M1,available,t,2026\n".encode(), "no geometry column"),
    ("plots.csv", "id,park_id,land_use,status,source,as_of,lon,lat\nX,G331018,M1,available,t,2026,120.3,30.3\n".encode(),
     "no CRS declared"),
]


def test_corpus_has_thirty_distinct_bad_files():
    assert len(CORPUS) >= 30 and len({c for _, c, _ in CORPUS}) == len(CORPUS)


@pytest.fixture(scope="module")
def corpus_db(bundled_db, tmp_path_factory):
    return copy_store(bundled_db, tmp_path_factory.mktemp("corpus") / "c.gpkg")


@pytest.mark.slow  # ~25 s for the 42 files (staging and `findpark load` each)
@pytest.mark.parametrize("name,content,reason", CORPUS, ids=[f"{i:02d}-{r[:24]}" for i, (_, _, r) in enumerate(CORPUS)])
def test_bad_file_is_refused_and_nothing_changes(corpus_db, tmp_path, name, content, reason):
    store = open_store(corpus_db)
    dv, counts, nversions = store.data_version, {n: store.count(n) for n in ("parks", "plots")}, store.count_rows("versions") if store.exists() else 0
    try:
        imp = imports.stage(store, None, [(name, io.BytesIO(content))])
        text = json.dumps(imp["report"]["problems"], ensure_ascii=False)
        assert not imp["ok"] and reason in text, text[:600]
    except imports.ImportError_ as exc:
        assert reason in str(exc), str(exc)
    assert store.data_version == dv and {n: store.count(n) for n in ("parks", "plots")} == counts
    assert store.count_rows("versions") == nversions
    store.close()
    if name.endswith((".geojson", ".json", ".csv", ".xlsx", ".gpkg")) and content:  # the plain loader as well
        path = tmp_path / name
        path.write_bytes(content)
        before = file_digest(corpus_db)
        r = CliRunner().invoke(main, ["load", str(path), "--db", str(corpus_db)])
        assert r.exit_code == 1 and file_digest(corpus_db) == before, r.output


def test_zip_bomb_is_refused(corpus_db):
    store = open_store(corpus_db)
    with pytest.raises(imports.ImportError_, match="zip bomb"):
        imports.stage(store, None, [("plots.zip", io.BytesIO(_bomb()))])
    store.close()


def _shp_zip(tmp_path, encoding: str, cpg: bool) -> bytes:
    d = json.load(open("findpark/data/plots.geojson", encoding="utf-8"))
    feats = [f for f in d["features"] if f["properties"]["park_id"] == "G331018"][:3]
    gdf = gpd.GeoDataFrame([{**f["properties"], "synthetic": json.dumps(f["properties"]["synthetic"]),
                             "source": "测试来源"} for f in feats],
                           geometry=[shapely.geometry.shape(f["geometry"]) for f in feats], crs="EPSG:4326")
    folder = tmp_path / f"shp-{encoding}"
    folder.mkdir()
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pyogrio.write_dataframe(gdf, folder / "plots.shp", encoding=encoding)
    if not cpg:
        (folder / "plots.cpg").unlink()
    return zipped({p.name: p.read_bytes() for p in folder.iterdir()})


@pytest.mark.parametrize("encoding,cpg", [("UTF-8", True), ("GBK", False)])
def test_zipped_shapefile_maps_cut_names_and_reads_gbk(corpus_db, tmp_path, encoding, cpg):
    store = open_store(corpus_db)
    imp = imports.stage(store, None, [("plots.zip", io.BytesIO(_shp_zip(tmp_path, encoding, cpg)))])
    assert imp["ok"], imp["report"]["problems"][:3]
    changed = {f for ch in imp["diff"]["plots"]["changed"] for f in ch["fields"]}
    assert changed == {"source"}, imp["diff"]["plots"]["changed"][:1]  # min_investment_wan_per_mu etc. mapped back
    assert imp["diff"]["plots"]["changed"][0]["fields"]["source"][1] == "测试来源"
    if not cpg:
        assert any("read as GBK" in n for n in imp["report"]["notes"])
    store.close()


def test_three_d_coordinates_are_flattened_with_a_note(corpus_db):
    store = open_store(corpus_db)
    g = square(120.36, 30.30)
    g["coordinates"] = [[[x, y, 12.5] for x, y in g["coordinates"][0]]]
    imp = imports.stage(store, None, [("plots.geojson", io.BytesIO(fc([geom(g)])))])
    assert imp["ok"] and any("heights" in n for n in imp["report"]["notes"])
    store.close()


def test_csv_and_xlsx_with_lon_lat_or_wkt(corpus_db, tmp_path):
    store = open_store(corpus_db)
    csv = ("id,kind,name,source,as_of,经度,纬度\nA-1,airport,测试机场,test,2026,120.43,30.23\n").encode("gbk")
    imp = imports.stage(store, None, [("amenities.csv", io.BytesIO(csv))], crs="wgs84")
    assert imp["ok"] and imp["counts"]["amenities"]["added"] == 1, imp["report"]
    wb = Workbook()
    ws = wb.active
    ws.title = "plots"
    ws.append(["id", "park_id", "land_use", "status", "price_wan_per_mu", "source", "as_of", "wkt"])
    ws.append(["W-1", "G331018", "M1", "available", 55.5, "test", "2026-01-01",
               shapely.geometry.shape(square(120.36, 30.30)).wkt])
    buf = io.BytesIO()
    wb.save(buf)
    imp = imports.stage(store, None, [("anything.xlsx", io.BytesIO(buf.getvalue()))], crs="EPSG:4326")
    assert imp["ok"] and imp["counts"]["plots"]["added"] == 1, imp["report"]
    store.close()
