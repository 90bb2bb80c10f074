"""Each feature's GeoJSON text, kept beside its layer so an OGC API items page is its rows' texts joined.

A table per feature layer (``feature_text_<layer>``: the row's fid (GeoPackage) or id (PostGIS) → the compact
JSON of the record's RFC 7946 Feature, exactly what ``geo.geojson.feature_texts`` makes of the record as a read
gives it back) is written with every upsert and emptied with the layer, in the same transaction, on every
backend. A page of 100 plots then reads
100 short rows instead of decoding 100 geometries and records and encoding ~95 kB: the first ask of a window
costs about its window query. A row without its text (a store written before the table existed, until
``findpark db init`` fills them) is encoded from the record as it is read, so the answer is the same.
"""
from __future__ import annotations

import functools
from itertools import chain

import numpy as np

from ..geo.geojson import feature_texts
from ..numbers import decimals, json_ready_flat, rounded
from .schema import LAYERS, Layer, stored_geometries

FILL_CHUNK = 5_000  # records per read when ``init`` fills the texts of older rows


def table(layer: str) -> str:
    return f"feature_text_{layer}"


def _value(f, v):
    """A field's value as the store gives it back (lists and booleans decoded, REAL as float, TEXT as text)."""
    if v is None:
        return [] if f.type == "list" else None
    if f.type == "list":
        return list(v)
    if f.type == "bool":
        return bool(v)
    if f.type == "real" and isinstance(v, (int, float)):
        return float(v)
    if f.type == "integer" and isinstance(v, float) and v.is_integer():
        return int(v)
    if f.type in ("text", "date") and not isinstance(v, str):
        return str(v)
    return v


def as_read(layer: Layer, rec: dict) -> dict:
    """``rec`` as ``read`` returns it after it is written: every field in the layer's order, then the geometry
    (a Polygon made a MultiPolygon in a MULTIPOLYGON layer, as the writers store it)."""
    out = {f.name: _value(f, rec.get(f.name)) for f in layer.fields}
    out["geometry"] = stored_geometries(layer, [rec.get("geometry")])[0]
    return out


KEY = "\x00feature_text"  # a record may carry its text, made where it was read (``ingest/pipe.py``)


def texts(layer: Layer, records: list[dict]) -> list[tuple[str, str]]:
    """``(id, text)`` for each record to be written; the last one wins when an id repeats (as in the writers).
    A record carrying its text under ``KEY`` (``attach``) is not encoded again."""
    last = {rec["id"]: rec for rec in records}
    todo = [r for r in last.values() if KEY not in r]
    made = dict(zip((r["id"] for r in todo), _texts_of(layer, todo)))
    return [(i, r[KEY] if KEY in r else made[i]) for i, r in last.items()]


def attach(layer: Layer, records: list[dict]) -> None:
    """Give each record its text under ``KEY`` (the writers take it as it is: a big load encodes them in its
    reading process, beside the writing one)."""
    for rec, text in zip(records, _texts_of(layer, records)):
        rec[KEY] = text


def _texts_of(layer: Layer, records: list[dict]) -> list[str]:
    """``feature_texts([as_read(layer, r) for r in records])``, made column by column: a column of the types a
    validated record has is made ready in bulk (floats rounded with numpy where that changes nothing, see
    ``_ready_reals``), any other column value by value as ``as_read`` and ``json_ready_flat`` make it."""
    names, cols = [], []
    for name, kind, nd, f in _plan(layer):
        col = [r.get(name) for r in records]
        kinds = set(map(type, col)) - {type(None)}
        if kind in ("text", "date") and kinds <= _TEXT:
            pass
        elif kind == "real" and kinds <= {float}:
            col = _ready_reals(col, nd)
        elif kind == "list" and kinds <= {list} and set(map(type, chain.from_iterable(v for v in col if v))) <= _TEXT:
            col = [[] if v is None else list(v) for v in col]
        elif (kind == "bool" and kinds <= {bool}) or (kind == "integer" and kinds <= {int}):
            pass
        else:
            col = [json_ready_flat({name: _value(f, v)}, "properties")[name] for v in col]
        names.append(name)
        cols.append(col)
    props = [dict(zip(names, row)) for row in zip(*cols)] if cols else [{} for _ in records]
    geoms = stored_geometries(layer, (r.get("geometry") for r in records))
    return feature_texts([{"geometry": g, "id": r["id"]} for g, r in zip(geoms, records)], props=props)


def _ready_reals(col: list, nd: int) -> list:
    """Floats (and None) rounded as ``json_ready`` rounds them. Where numpy's ``round(a, nd)`` leaves a value as
    it is, the value already has at most ``nd`` places, so Python's ``round`` leaves it too; only the others
    are rounded one by one. ``+ 0.0`` turns -0.0 into 0.0, as ``_round`` does."""
    arr = np.array([np.nan if v is None else v for v in col], dtype=float)
    same = np.round(arr, nd) == arr  # NaN (and None) never equal: rounded below, None kept
    out = (arr + 0.0).tolist()
    for i in np.flatnonzero(~same).tolist():
        out[i] = None if col[i] is None else rounded(col[i], nd)
    return out


_TEXT = {str}


@functools.lru_cache(maxsize=None)
def _plan(layer: Layer) -> list[tuple]:
    return [(f.name, f.type, decimals(f.name, "properties"), f) for f in layer.fields]


def page(ids: list[str], kept: dict, missing) -> list[str]:
    """The page's texts in ``ids`` order: kept ones as they are, the rest from ``missing(ids)`` → records."""
    lost = [i for i in ids if kept.get(i) is None]
    if lost:
        recs = missing(lost)
        kept = {**kept, **dict(zip((r["id"] for r in recs), feature_texts(recs)))}
    return [kept[i] for i in ids]


def fill(store, conn, write, key: str = "id") -> int:
    """The migration step (``init``): the text of every row that has none, read back from the store in chunks
    and written with ``write(conn, layer, pairs)`` in the caller's transaction; ``key``: the column the text
    table shares with its layer. Returns how many."""
    n = 0
    for name, layer in LAYERS.items():
        side = table(name)
        ids = [r[0] for r in conn.execute(f'SELECT t.id FROM "{name}" t LEFT JOIN "{side}" f ON f."{key}" = t."{key}" '
                                          f'WHERE f."{key}" IS NULL ORDER BY t.id').fetchall()]
        for i in range(0, len(ids), FILL_CHUNK):
            recs = store.read(name, where={"id": ids[i:i + FILL_CHUNK]})
            write(conn, name, texts(layer, recs))
            n += len(recs)
    return n
