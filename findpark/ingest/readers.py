"""Read feature files into (features, declared CRS).

Every input must say which datum it is in, because Chinese sources are often GCJ-02 with no tag:
- GeoJSON (recognised by its content, whatever the file is called): a legacy ``crs`` member (``EPSG:4326``,
  ``OGC:CRS84``, ``EPSG:4490``, a projected EPSG code) or the foreign member ``"datum": "wgs84" | "gcj02" |
  "bd09"``; otherwise pass ``crs=`` / ``--crs``. GDAL's GeoJSON driver always claims WGS84, so its claim is
  never taken.
- GeoPackage, Shapefile: the file's own CRS (``--crs`` when it has none). Shapefile column names are cut to 10
  characters; ``SHAPEFILE_FIELDS`` maps each cut name back (documented in the README). A ``.dbf`` without a
  ``.cpg`` is read as UTF-8, and as GBK when it is not UTF-8 (the usual Chinese GIS export).
- XLSX/CSV (``tabular.py``): no CRS of their own, so ``--crs`` is always needed.

GeoJSON is streamed feature by feature (ijson), so a large file is never held as one text.
"""
from __future__ import annotations

import math
from itertools import chain
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import shape

from ..store.schema import LAYERS
from . import jsonscan
from .raw import MAX_PROBLEMS, RawLayer, _label  # noqa: F401  (RawLayer is part of this module's interface)

MAX_NESTING = 32  # JSON levels: a MultiPolygon feature needs 8
MAX_DEPTH = {"Point": 1, "MultiPoint": 2, "LineString": 2, "MultiLineString": 3, "Polygon": 3, "MultiPolygon": 4}


# Shapefile (dBase) column names hold at most 10 characters: the contract's longer names arrive cut. Each cut
# name is unique within its layer, so the map is explicit and total (tests/test_imports.py checks it).
SHAPEFILE_FIELDS: dict[str, dict[str, str]] = {
    name: {f.name[:10]: f.name for f in layer.fields if len(f.name) > 10} for name, layer in LAYERS.items()}


def _crs_name(crs) -> str | None:
    if crs is None:
        return None
    if isinstance(crs, dict):
        props = crs.get("properties") or {}
        return props.get("name") or props.get("href")
    return str(crs)


def check_coordinates(geom: dict) -> tuple[str | None, bool]:
    """A GeoJSON geometry's coordinates: (problem or None, has_z). Numbers only (no strings, booleans, NaN),
    nested exactly as deep as its type says; checked without recursion."""
    kind = geom.get("type")
    if kind not in MAX_DEPTH:
        return f"geometry type {kind!r} is not a Point, LineString or Polygon (or Multi…)", False
    if kind in _FLAT and _plain(geom.get("coordinates"), _FLAT[kind]):
        return None, False
    want = MAX_DEPTH[kind]
    stack = [(geom.get("coordinates"), 1)]
    has_z = False
    while stack:
        node, depth = stack.pop()
        if not isinstance(node, list):
            return f"coordinates of a {kind} must be nested lists", False
        if depth == want:
            if len(node) not in (2, 3):
                return f"a position has {len(node)} values; expected lon, lat (and an optional height)", False
            for v in node:
                if isinstance(v, bool) or not isinstance(v, (int, float)):
                    return f"coordinate {v!r} is not a number", False
                try:
                    finite = math.isfinite(v)
                except OverflowError:  # an integer beyond any float
                    finite = False
                if not finite:
                    return f"coordinate {str(v)[:40]} is not finite", False
            has_z = has_z or len(node) == 3
        else:
            stack.extend((child, depth + 1) for child in node)
    return None, has_z


# the levels of lists above a list of positions
_FLAT = {"Polygon": 1, "MultiPolygon": 2, "LineString": 0, "MultiLineString": 1}
_LIST, _NUMBERS = {list}, {float, int}


def _plain(coords, levels: int) -> bool:
    """True when ``coords`` is ``levels`` levels of lists over lists of 2-D positions of finite numbers (ints and
    floats, no booleans: ``type`` tells them apart), checked in C (``set``/``map`` over each level). False only
    means "not sure": ``check_coordinates`` then walks it and says what is wrong."""
    if type(coords) is not list:
        return False
    nodes = coords
    for _ in range(levels):
        if not set(map(type, nodes)) <= _LIST:
            return False
        nodes = list(chain.from_iterable(nodes))
    if not set(map(type, nodes)) <= _LIST:
        return False
    try:
        if not set(map(len, nodes)) <= {2}:
            return False
    except TypeError:
        return False
    values = list(chain.from_iterable(nodes))
    if not set(map(type, values)) <= _NUMBERS:
        return False
    try:
        return math.isfinite(sum(values))  # any inf or nan makes the sum one (a huge overflow only costs a walk)
    except OverflowError:
        return False


def _polygon(rings: list):
    if len(rings) == 1:
        return shapely.polygons(np.asarray(rings[0], dtype=float))
    shell, *holes = [shapely.linearrings(np.asarray(r, dtype=float)) for r in rings]
    return shapely.polygons(shell, holes or None)


def _build(gj: dict):
    """A checked GeoJSON geometry → shapely: points and (multi)polygons straight from coordinate arrays
    (``shape()`` goes through shapely's Python constructors, ~4x slower); anything else, and empty ones,
    through ``shape()``. Rings are closed as ``shape()`` closes them."""
    kind, coords = gj["type"], gj["coordinates"]
    try:
        if kind == "Polygon" and coords and all(coords):
            return _polygon(coords)
        if kind == "MultiPolygon" and coords and all(p and all(p) for p in coords):
            return shapely.multipolygons([_polygon(p) for p in coords])
        if kind == "Point" and coords:
            return shapely.points(np.asarray(coords, dtype=float))
    except (ValueError, shapely.errors.GEOSException):
        pass  # mixed 2-D/3-D positions, short rings …: shape() says what is wrong, in its words
    return shape(gj)


def to_shape(gj, label: str, raw: RawLayer):
    """A GeoJSON geometry dict → shapely (2-D), or None after recording a problem."""
    if not isinstance(gj, dict):
        raw.problem(f"{label}: geometry is not an object")
        return None
    problem, has_z = check_coordinates(gj)
    if problem:
        raw.problem(f"{label}: malformed geometry ({problem})")
        return None
    try:
        geom = _build(gj)
    except (ValueError, TypeError, AttributeError, IndexError, RecursionError,
            shapely.errors.GEOSException) as exc:
        raw.problem(f"{label}: malformed geometry ({exc})")
        return None
    if has_z:
        geom = shapely.force_2d(geom)
        raw.notes.append(f"{label}: heights (3-D coordinates) dropped")
    return geom


def _top_level(path: Path) -> dict:
    """The FeatureCollection's own members (type, crs, datum, layer, name), and whether it has a features
    array. The nesting depth is checked first, on the bytes (``jsonscan``), before ijson builds any feature
    (a C stack overflow otherwise); the features array is left out of what is parsed here."""
    members = jsonscan.outline(path, MAX_NESTING)
    top: dict = {}
    for key in ("type", "datum", "layer", "name"):
        value = members.get(key)
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            top[key] = value
    crs = members.get("crs")
    if isinstance(crs, dict) and isinstance(crs.get("properties"), dict):
        props = crs["properties"]
        named = [props[k] for k in ("name", "href") if isinstance(props.get(k), str)]
        if named:
            top["crs"] = named[0]
    elif isinstance(crs, str):
        top["crs"] = crs
    if isinstance(members.get("features"), list):
        top["has_features"] = True
    return top


def read_geojson(path: Path, lazy: bool = False) -> RawLayer:
    """A GeoJSON FeatureCollection. ``lazy``: ``features`` is a generator, read as it is consumed (one pass,
    never the whole file in memory); the problems met while reading join ``problems`` as it goes."""
    import ijson

    try:
        top = _top_level(path)
    except (OSError, ijson.JSONError, ValueError, RecursionError, UnicodeDecodeError) as exc:
        return RawLayer(path, [], None, problems=[f"{path.name}: not readable GeoJSON ({str(exc)[:200]})"])
    if top.get("type") != "FeatureCollection" or not top.get("has_features"):
        return RawLayer(path, [], None, problems=[f"{path.name}: not a GeoJSON FeatureCollection"])
    raw = RawLayer(path, [], top.get("crs") or top.get("datum"), layer_hint=top.get("layer") or top.get("name"))

    def features():
        n = 0
        try:
            with open(path, "rb") as fh:
                # use_float: integers come as int, other numbers as float (never Decimal), as the contract wants
                for i, f in enumerate(ijson.items(fh, "features.item", use_float=True, buf_size=65536)):
                    n += 1
                    feat = _geojson_feature(raw, i, f)
                    if feat is not None:
                        yield feat
        except (ijson.JSONError, ValueError, RecursionError) as exc:
            raw.problem(f"{path.name}: not readable GeoJSON ({str(exc)[:200]})")
        if not n and not raw.problems:
            raw.problem(f"{path.name}: the FeatureCollection has no features")

    raw.features = features() if lazy else list(features())
    return raw


def _geojson_feature(raw: RawLayer, i: int, f) -> dict | None:
    if not isinstance(f, dict) or f.get("type") != "Feature":
        raw.problem(f"{raw.path.name} feature #{i}: not a GeoJSON Feature")
        return None
    props = f.get("properties") or {}
    if not isinstance(props, dict):
        raw.problem(f"{raw.path.name} feature #{i}: properties is not an object")
        return None
    if "id" in f and "id" not in props:
        props = {**props, "id": f["id"]}
    label = _label(raw.path, i, props)
    geom = None
    if f.get("geometry") is not None:
        geom = to_shape(f["geometry"], label, raw)
        if geom is None:
            return None
    return {"geometry": geom, "properties": props, "label": label}


def _read_frame(path: Path, layer: str | None, encoding: str | None):
    import pyogrio

    return pyogrio.read_dataframe(path, layer=layer, encoding=encoding)


def read_gdal(path: Path, layer: str | None = None) -> RawLayer:
    import pyogrio

    notes = []
    try:
        info = pyogrio.read_info(path, layer=layer)
        driver = info.get("driver")
        is_shp = driver == "ESRI Shapefile"
        no_cpg = is_shp and not any(path.with_suffix(s).exists() for s in (".cpg", ".CPG"))
        try:
            df = _read_frame(path, layer, "utf-8" if no_cpg else None)
        except UnicodeDecodeError:
            df = _read_frame(path, layer, "gbk")
            notes.append(f"{path.name}: no .cpg beside the .dbf and not UTF-8: read as GBK")
    except Exception as exc:  # pyogrio/GDAL errors come in many classes  # noqa: BLE001
        return RawLayer(path, [], None, problems=[f"{path.name}: GDAL cannot read it ({str(exc)[:200]})"])
    # GDAL's JSON drivers claim WGS84 for every file: an untagged GeoJSON must not pass the datum rule that way
    declared = None if driver in ("GeoJSON", "GeoJSONSeq", "ESRIJSON", "TopoJSON", "CSV") else (
        df.crs.to_string() if df.crs is not None else None)
    geoms = list(df.geometry) if "geometry" in df else [None] * len(df)
    props_df = df.drop(columns="geometry", errors="ignore")
    rename = {}
    if is_shp:
        for table in SHAPEFILE_FIELDS.values():
            rename.update({k: v for k, v in table.items() if k in props_df.columns})
    raw = RawLayer(path, [], declared, layer_hint=layer, notes=notes)
    for i, (geom, props) in enumerate(zip(geoms, props_df.to_dict("records"))):
        props = {rename.get(k, k): (None if _isnull(v) else v) for k, v in props.items()}
        if geom is not None and shapely.has_z(geom):
            geom = shapely.force_2d(geom)
            raw.notes.append(f"{_label(path, i, props)}: heights (3-D coordinates) dropped")
        raw.features.append({"geometry": geom, "properties": props, "label": _label(path, i, props)})
    if not raw.features:
        raw.problem(f"{path.name}{f' layer {layer}' if layer else ''}: no features")
    return raw


def _isnull(v) -> bool:
    try:
        return v is None or (isinstance(v, float) and v != v)
    except Exception:  # noqa: BLE001
        return False


def _looks_like_json(path: Path) -> bool:
    with open(path, "rb") as fh:
        head = fh.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    return head[:1] in (b"{", b"[")


def read_all(path, layer: str | None = None, lazy: bool = False) -> list[RawLayer]:
    """Every layer a file holds: a GeoPackage gives each of its layers named parks/plots/amenities (or its only
    layer); other files one. ``lazy``: a GeoJSON file's features are streamed as they are consumed."""
    path = Path(path)
    if not path.is_file():
        return [RawLayer(path, [], None, problems=[f"{path.name}: no such file"])]
    suffix = path.suffix.lower()
    if _looks_like_json(path):  # by content, whatever the name says (the datum rule holds for any name)
        return [read_geojson(path, lazy)]
    if suffix in (".xlsx", ".csv"):
        from .tabular import read_table

        return [read_table(path)]
    if suffix == ".gpkg" and layer is None:
        import pyogrio

        try:
            names = [str(n) for n, _ in pyogrio.list_layers(path)]
        except Exception as exc:  # noqa: BLE001
            return [RawLayer(path, [], None, problems=[f"{path.name}: GDAL cannot read it ({str(ex)[:200]})"
                                                       for ex in (exc,)])]
        ours = [n for n in names if n in LAYERS]
        if ours:
            return [read_gdal(path, n) for n in ours]
    return [read_gdal(path, layer)]


def read_any(path, layer: str | None = None) -> RawLayer:
    return read_all(path, layer)[0]


def coordinates(geom):
    return shapely.get_coordinates(geom)
