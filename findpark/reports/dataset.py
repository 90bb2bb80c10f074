"""Export the current data: GeoJSON (one layer, full precision, tagged ``"datum": "wgs84"`` and ``"layer"`` so it
loads back unchanged), GeoPackage (every layer; the personal tables emptied: ``store.snapshot_to``) and XLSX
(a sheet per layer, the geometry as WKT, cells made inert: ``reports/xlsx.py``). Read inside one snapshot."""
from __future__ import annotations

import json

import shapely

from ..store.schema import LAYERS
from .xlsx import new_workbook, sheet, workbook_bytes

FORMATS = ("geojson", "gpkg", "xlsx")


def _props(layer, rec) -> dict:
    return {f.name: rec.get(f.name) for f in layer.fields}


def geojson_bytes(store, layer: str) -> bytes:
    lay = LAYERS[layer]
    with store.snapshot():
        recs = store.read(layer)
        version = store.data_version
    feats = [{"type": "Feature", "id": r["id"], "properties": _props(lay, r),
              "geometry": shapely.geometry.mapping(r["geometry"]) if r.get("geometry") is not None else None}
             for r in recs]
    doc = {"type": "FeatureCollection", "layer": layer, "datum": "wgs84", "data_version": version, "features": feats}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def write_gpkg(store, dest) -> None:
    store.snapshot_to(dest)


def xlsx_bytes(store) -> bytes:
    wb = new_workbook("findpark data")
    with store.snapshot():
        for name, lay in LAYERS.items():
            header = [*lay.names, "wkt"]
            rows = []
            for r in store.read(name):
                row = []
                for f in lay.fields:
                    v = r.get(f.name)
                    row.append(json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v)
                row.append(r["geometry"].wkt if r.get("geometry") is not None else None)
                rows.append(row)
            sheet(wb, name, header, rows)
    return workbook_bytes(wb)
