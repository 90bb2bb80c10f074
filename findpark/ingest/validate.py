"""Validate features against the data contract (findpark.store.schema). Pure functions, no I/O.

Each function returns (record | None, problems, notes). A problem rejects the whole load; a note
(repair made, field ignored) is reported but does not.
"""
from __future__ import annotations

import datetime as _dt
import functools
import json
import math
import re

import shapely

from ..geo.measure import area_m2, area_mu
from ..store.schema import EIA_ZH, LAYERS, Layer

CHINA_LON = (73.0, 135.5)
CHINA_LAT = (3.0, 54.0)
MAX_REPAIR_AREA_CHANGE = 0.01  # make_valid may change the area by less than 1%

GEOM_TYPES = {"POLYGON": ("Polygon",), "MULTIPOLYGON": ("Polygon", "MultiPolygon"), "POINT": ("Point",)}


def check_position(geom) -> str | None:
    """Coordinates must be lon/lat inside China; say so when they look like (lat, lon)."""
    xy = shapely.get_coordinates(geom)
    if len(xy) == 0:
        return "empty geometry"
    lo, hi = xy.min(axis=0), xy.max(axis=0)  # NaN anywhere makes its column's min and max NaN
    if not (lo.min() > -1e300 and hi.max() < 1e300):
        return "non-finite coordinates"
    (x0, y0), (x1, y1) = lo.tolist(), hi.tolist()
    if _inside_china(x0, y0, x1, y1):
        return None
    x, y = xy[:, 0], xy[:, 1]
    if _inside_china(y0, x0, y1, x1):  # swapped
        return (f"coordinates look swapped (lat, lon): first point is ({x[0]:.6f}, {y[0]:.6f}); "
                "GeoJSON order is (lon, lat)")
    return (f"coordinates fall outside China (lon {x.min():.4f}..{x.max():.4f}, lat {y.min():.4f}..{y.max():.4f}); "
            "expected lon 73-135.5, lat 3-54 in WGS84 degrees")


def _inside_china(x0: float, y0: float, x1: float, y1: float) -> bool:
    return x0 >= CHINA_LON[0] and x1 <= CHINA_LON[1] and y0 >= CHINA_LAT[0] and y1 <= CHINA_LAT[1]


def _in_china(geom) -> bool:
    """The bounding box inside China (a quick yes for valid geometries: GEOS's bounds skip NaN coordinates)."""
    return _inside_china(*shapely.bounds(geom).tolist())


def check_geometry(geom, layer: Layer):
    """Return (geometry, problem, note). Repairs invalid polygons only when the area changes < 1%."""
    if geom is None:
        return None, "no geometry", None
    allowed = GEOM_TYPES[layer.geometry_type]
    if geom.geom_type == "MultiPolygon" and layer.geometry_type == "POLYGON" and len(geom.geoms) == 1:
        geom = geom.geoms[0]
    if geom.geom_type not in allowed:
        return None, f"geometry is {geom.geom_type}; {layer.name} need {' or '.join(allowed)}", None
    if geom.is_empty:
        return None, "empty geometry", None
    valid = geom.is_valid  # GEOS finds non-finite coordinates invalid, so a valid geometry's bounds tell it all
    pos = None if valid and _in_china(geom) else check_position(geom)
    if pos:
        return None, pos, None
    if valid or geom.geom_type == "Point":
        return geom, None, None
    reason = shapely.is_valid_reason(geom)
    fixed = shapely.make_valid(geom)  # never buffer(0): it silently drops lobes of a bow-tie
    if fixed.geom_type == "GeometryCollection":
        polys = [g for g in fixed.geoms if g.geom_type in ("Polygon", "MultiPolygon")]
        fixed = shapely.union_all(polys) if polys else shapely.Polygon()
    before, after = area_m2(geom), area_m2(fixed)
    change = abs(after - before) / before if before > 0 else math.inf
    if fixed.is_empty or change >= MAX_REPAIR_AREA_CHANGE:
        pct = "∞" if math.isinf(change) else f"{change:.1%}"
        return None, f"invalid polygon ({reason}); make_valid would change its area by {pct}, so it is not repaired", None
    if fixed.geom_type not in allowed:
        return None, f"invalid polygon ({reason}); repair gives a {fixed.geom_type}, not {' or '.join(allowed)}", None
    return fixed, None, f"repaired invalid polygon ({reason}) with make_valid; area changed by {change:.3%}"


_DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


MAX_TEXT = {"source": 2000}  # characters; every other text field at most 300
_NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


@functools.lru_cache(maxsize=64)
def _compiled(pattern: str) -> re.Pattern:
    return re.compile(pattern)


def coerce(f, value, from_text: bool = False):
    """Coerce one property value to the field's type; raise ValueError with a reason. ``from_text``: the value
    came from a text table (CSV), so numbers and lists arrive as text."""
    if from_text and isinstance(value, str):
        if f.type in ("real", "integer") and _NUMBER_RE.match(value.strip()):
            value = float(value) if f.type == "real" else (int(float(value)) if float(value).is_integer() else value)
        elif f.type == "list" and not value.startswith("["):
            value = [v.strip() for v in re.split(r"[、,;|]", value) if v.strip()]
    if f.type == "text":
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise ValueError(f"expected text, got {type(value).__name__}")
        value = str(value).strip()
        limit = MAX_TEXT.get(f.name, 300)
        if len(value) > limit:
            raise ValueError(f"is {len(value):,} characters long; at most {limit}")
        if f.name == "max_eia" and value in EIA_ZH:
            value = EIA_ZH[value]
        if value == "" and f.required:
            raise ValueError("is empty")
    elif f.type in ("real", "integer"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"expected a number, got {value!r}")
        try:
            finite = math.isfinite(value)
        except OverflowError:  # an integer beyond any float
            raise ValueError(f"expected a number of at most 1.8e308, got one of {len(str(value))} digits") from None
        if not finite:
            raise ValueError(f"expected a finite number, got {value!r}")
        value = float(value) if f.type == "real" else int(value)
    elif f.type == "bool":
        if isinstance(value, str) and value.lower() in ("true", "false"):
            value = value.lower() == "true"
        elif value in (0, 1):
            value = bool(value)
        if not isinstance(value, bool):
            raise ValueError(f"expected true or false, got {value!r}")
    elif f.type == "list":
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except json.JSONDecodeError:
                raise ValueError("expected a list (JSON array)") from None
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise ValueError("expected a list of strings")
        value = list(value)
    elif f.type == "date":
        if isinstance(value, (_dt.date, _dt.datetime)):
            value = value.date().isoformat() if isinstance(value, _dt.datetime) else value.isoformat()
        if not isinstance(value, str) or not _DATE_RE.match(value):
            raise ValueError(f"expected an ISO date (YYYY, YYYY-MM or YYYY-MM-DD), got {value!r}")
        if not _real_date(value):
            raise ValueError(f"not a real date: {value!r}")
    if f.enum is not None and value not in f.enum:
        raise ValueError(f"{value!r} is not one of {', '.join(f.enum)}")
    if f.min is not None and value < f.min:
        raise ValueError(f"must be ≥ {f.min}, got {value}")
    if f.max is not None and value > f.max:
        raise ValueError(f"must be ≤ {f.max}, got {value}")
    if f.pattern is not None and not _compiled(f.pattern).match(value):
        raise ValueError(f"{value!r} does not match {f.pattern}")
    return value


_SLOW = object()  # a fast coercer's "not sure: ask coerce"
_BIG = 1 << 62


def _fast(f):
    """``coerce(f, value)`` for the usual values (the right type, in range), without the checks that cannot
    fail for them; returns ``_SLOW`` for anything else, so ``coerce`` decides and words the reason."""
    enum, lo, hi = f.enum, f.min, f.max
    pat = _compiled(f.pattern).match if f.pattern else None
    ranged = lo is not None or hi is not None

    def in_range(x) -> bool:
        return (lo is None or x >= lo) and (hi is None or x <= hi)

    if f.type == "text" and not ranged:
        limit = MAX_TEXT.get(f.name, 300)

        def fast(v):
            if type(v) is str:
                s = v.strip()
                if 0 < len(s) <= limit and (enum is None or s in enum) and (pat is None or pat(s)):
                    return s
            return _SLOW
    elif f.type == "real" and enum is None and pat is None:
        def fast(v):
            t = type(v)
            if t is float or (t is int and -_BIG < v < _BIG):
                x = float(v)
                if x - x == 0 and in_range(x):  # finite (inf - inf and nan - nan are nan)
                    return x
            return _SLOW
    elif f.type == "integer" and enum is None and pat is None:
        def fast(v):
            return v if type(v) is int and in_range(v) else _SLOW
    elif f.type == "date" and enum is None and pat is None and not ranged:
        def fast(v):
            return v if type(v) is str and _real_date(v) else _SLOW
    elif f.type == "list" and enum is None and pat is None and not ranged:
        def fast(v):
            return list(v) if type(v) is list and set(map(type, v)) <= {str} else _SLOW
    else:
        def fast(v):
            return _SLOW
    return fast


@functools.lru_cache(maxsize=4096)
def _real_date(value: str) -> bool:
    """An ISO date (YYYY, YYYY-MM or YYYY-MM-DD) of the calendar; dates repeat, so each is checked once."""
    if not _DATE_RE.match(value):
        return False
    parts = [int(p) for p in value.split("-")] + [1, 1]
    try:
        _dt.date(parts[0], parts[1], parts[2])
    except ValueError:
        return False
    return True


@functools.lru_cache(maxsize=None)
def _contract(layer_name: str):
    """A layer's input fields, each with its fast coercer, and the names it knows."""
    layer = LAYERS[layer_name]
    fields = [(f, f.name, f.type == "list", _fast(f)) for f in layer.fields if not f.computed]
    return layer, fields, frozenset(layer.by_name)


def validate_feature(layer_name: str, geom, props: dict, from_text: bool = False):
    """One feature (geometry already in WGS84) → (record | None, problems, notes)."""
    layer, fields, known = _contract(layer_name)
    problems, notes = [], []
    geom, gproblem, gnote = check_geometry(geom, layer)
    if gproblem:
        problems.append(gproblem)
    if gnote:
        notes.append(gnote)
    rec = {"geometry": geom}
    get = props.get
    for f, name, is_list, fast in fields:
        value = get(name)
        if value is None:
            if f.required:
                problems.append(f"missing required field '{name}'")
            rec[name] = [] if is_list else None
            continue
        if not from_text:
            value = fast(value)
            if value is not _SLOW:
                rec[name] = value
                continue
            value = props[name]
        try:
            rec[name] = coerce(f, value, from_text)
        except ValueError as exc:
            problems.append(f"field '{name}' {exc}")
    ignored = props.keys() - known
    if ignored:
        ignored = sorted(str(k)[:40] for k in ignored)
        shown = ", ".join(ignored[:20]) + (f" … ({len(ignored)} in all)" if len(ignored) > 20 else "")
        notes.append(f"ignored fields not in the {layer_name} contract: {shown}")
    if layer_name == "plots" and rec.get("far_min") is not None and rec.get("far_max") is not None \
            and rec["far_min"] > rec["far_max"]:
        problems.append(f"far_min {rec['far_min']} is above far_max {rec['far_max']}")
    if not problems and "area_mu" in known and geom is not None:
        rec["area_mu"] = round(area_mu(geom), 3)
    return (None if problems else rec), problems, notes
