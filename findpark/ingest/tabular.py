"""XLSX and CSV feature tables: one row per feature, the contract's fields as columns, the geometry as WKT
(column ``wkt``, ``geometry`` or ``geom``) or as a point from ``lon``/``lat`` (also ``longitude``/``latitude``,
``lng``, ``x``/``y``, ``经度``/``纬度``). A table has no CRS of its own: the datum must be chosen (``--crs``).
CSV is read as UTF-8 (with or without BOM), else GBK. Values are text in a CSV: numbers are parsed by the
validator. XLSX: the first sheet, or the one named after a layer; formulas are read as their cached values
(never evaluated); the workbook is checked as a zip first (``uploads.check_zip``) so a bomb is refused.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import shapely

from ..store.schema import LAYERS
from .raw import RawLayer, _label

WKT_COLUMNS = ("wkt", "geometry", "geom")
LON_COLUMNS = ("lon", "longitude", "lng", "x", "经度")
LAT_COLUMNS = ("lat", "latitude", "y", "纬度")
MAX_ROWS = 1_000_000
MAX_WKT = 2_000_000  # characters of one geometry


def _rows_csv(path: Path) -> list[list]:
    data = path.read_bytes()
    for enc in ("utf-8-sig", "gbk"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValueError("neither UTF-8 nor GBK text")
    return list(csv.reader(io.StringIO(text, newline="")))


def _rows_xlsx(path: Path) -> tuple[list[list], str | None]:
    from openpyxl import load_workbook

    from .uploads import check_zip

    check_zip(path)
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        names = wb.sheetnames
        sheet = next((n for n in names if n in LAYERS), names[0] if names else None)
        if sheet is None:
            raise ValueError("the workbook has no sheet")
        rows = []
        for row in wb[sheet].iter_rows(values_only=True):
            rows.append(list(row))
            if len(rows) > MAX_ROWS + 1:
                raise ValueError(f"more than {MAX_ROWS:,} rows")
        return rows, (sheet if sheet in LAYERS else None)
    finally:
        wb.close()


def read_table(path: Path) -> RawLayer:
    hint = None
    try:
        if path.suffix.lower() == ".xlsx":
            rows, hint = _rows_xlsx(path)
        else:
            rows = _rows_csv(path)
    except Exception as exc:  # openpyxl/zipfile raise many kinds for a broken workbook  # noqa: BLE001
        return RawLayer(path, [], None, problems=[f"{path.name}: not a readable table ({str(exc)[:200]})"])
    raw = RawLayer(path, [], None, layer_hint=hint, from_text=path.suffix.lower() == ".csv")
    rows = [r for r in rows if any(v not in (None, "") for v in r)]
    if len(rows) < 2:
        raw.problem(f"{path.name}: no rows under the header")
        return raw
    header = [str(h).strip() if h is not None else "" for h in rows[0]]
    low = [h.lower() for h in header]
    wkt_i = next((low.index(c) for c in WKT_COLUMNS if c in low), None)
    lon_i = next((low.index(c) for c in LON_COLUMNS if c in low), None)
    lat_i = next((low.index(c) for c in LAT_COLUMNS if c in low), None)
    if wkt_i is None and (lon_i is None or lat_i is None):
        raw.problem(f"{path.name}: no geometry column: give WKT in a column named wkt (or geometry), or points "
                    "in lon and lat columns")
        return raw
    skip = {i for i in (wkt_i, lon_i, lat_i) if i is not None}
    for n, row in enumerate(rows[1:], start=2):
        props = {h: (v.strip() if isinstance(v, str) else v) for i, (h, v) in enumerate(zip(header, row))
                 if i not in skip and h and v not in (None, "")}
        label = _label(path, n - 2, props).replace(f"feature #{n - 2}", f"row {n}")
        try:
            if wkt_i is not None:
                text = row[wkt_i] if wkt_i < len(row) else None
                if not isinstance(text, str) or not text.strip():
                    raise ValueError("empty WKT")
                if len(text) > MAX_WKT:
                    raise ValueError(f"WKT longer than {MAX_WKT:,} characters")
                geom = shapely.from_wkt(text)
            else:
                lon, lat = (float(str(row[i]).strip()) for i in (lon_i, lat_i))
                geom = shapely.Point(lon, lat)
        except (ValueError, TypeError, IndexError, shapely.errors.GEOSException) as exc:
            raw.problem(f"{label}: no usable geometry ({str(exc)[:200]})")
            continue
        if shapely.has_z(geom):
            geom = shapely.force_2d(geom)
            raw.notes.append(f"{label}: heights (3-D coordinates) dropped")
        raw.features.append({"geometry": geom, "properties": props, "label": label})
    return raw
