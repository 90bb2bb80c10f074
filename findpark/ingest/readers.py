"""Read feature files into (features, declared CRS).

Every input must say which datum it is in, because Chinese sources are often GCJ-02 with no tag:
- GeoJSON: a legacy ``crs`` member (``EPSG:4326``, ``OGC:CRS84``, ``EPSG:4490``, a projected EPSG code)
  or the foreign member ``"datum": "wgs84" | "gcj02" | "bd09"``; otherwise pass ``crs=`` / ``--crs``.
- GeoPackage, Shapefile and anything else GDAL reads: the file's own CRS (``--crs`` when it has none).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import shapely
from shapely.geometry import shape


@dataclass
class RawLayer:
    path: Path
    features: list[dict]  # {"geometry": shapely|None, "properties": dict, "label": str}
    declared_crs: str | None
    layer_hint: str | None = None
    problems: list[str] = field(default_factory=list)


def _crs_name(crs) -> str | None:
    if crs is None:
        return None
    if isinstance(crs, dict):
        props = crs.get("properties") or {}
        return props.get("name") or props.get("href")
    return str(crs)


def _label(path: Path, i: int, props: dict) -> str:
    fid = props.get("id") if isinstance(props, dict) else None
    return f"{path.name} feature #{i}" + (f" (id={fid})" if fid is not None else "")


def read_geojson(path: Path) -> RawLayer:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return RawLayer(path, [], None, problems=[f"{path.name}: not readable GeoJSON ({exc})"])
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        return RawLayer(path, [], None, problems=[f"{path.name}: not a GeoJSON FeatureCollection"])
    declared = _crs_name(doc.get("crs")) or doc.get("datum")
    raw = RawLayer(path, [], declared, layer_hint=doc.get("layer") or doc.get("name"))
    for i, f in enumerate(doc["features"]):
        props = (f.get("properties") if isinstance(f, dict) else None) or {}
        if isinstance(f, dict) and "id" in f and "id" not in props:
            props = {**props, "id": f["id"]}
        label = _label(path, i, props)
        geom = None
        if not isinstance(f, dict) or f.get("type") != "Feature":
            raw.problems.append(f"{label}: not a GeoJSON Feature")
            continue
        if f.get("geometry") is not None:
            try:
                geom = shape(f["geometry"])
            except Exception as exc:  # shapely raises several types for malformed geometry
                raw.problems.append(f"{label}: malformed geometry ({exc})")
                continue
        raw.features.append({"geometry": geom, "properties": props, "label": label})
    return raw


def read_gdal(path: Path, layer: str | None = None) -> RawLayer:
    import pyogrio

    try:
        df = pyogrio.read_dataframe(path, layer=layer)
    except Exception as exc:  # pyogrio/GDAL errors come in many classes
        return RawLayer(path, [], None, problems=[f"{path.name}: GDAL cannot read it ({exc})"])
    declared = df.crs.to_string() if df.crs is not None else None
    geoms = list(df.geometry) if "geometry" in df else [None] * len(df)
    props_df = df.drop(columns="geometry", errors="ignore")
    feats = []
    for i, (geom, props) in enumerate(zip(geoms, props_df.to_dict("records"))):
        props = {k: (None if _isnull(v) else v) for k, v in props.items()}
        feats.append({"geometry": geom, "properties": props, "label": _label(path, i, props)})
    return RawLayer(path, feats, declared, layer_hint=layer)


def _isnull(v) -> bool:
    try:
        return v is None or (isinstance(v, float) and v != v)
    except Exception:
        return False


def read_any(path, layer: str | None = None) -> RawLayer:
    path = Path(path)
    if not path.exists():
        return RawLayer(path, [], None, problems=[f"{path}: no such file"])
    if path.suffix.lower() in (".geojson", ".json"):
        return read_geojson(path)
    return read_gdal(path, layer)


def coordinates(geom):
    return shapely.get_coordinates(geom)
