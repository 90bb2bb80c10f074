"""The reading half of a load: files → (layer, validated WGS84 record), in file order, with every problem and
note met on the way. No store: ``load.py`` writes what this yields, in this process or, for a big load, while
``pipe.py`` runs this in a second one."""
from __future__ import annotations

import numpy as np
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from ..geo.datum import geometry_to_wgs84, normalise_datum
from ..store.schema import LAYERS
from .readers import read_all
from .validate import validate_feature

LAYER_ORDER = ("parks", "plots", "amenities")


def resolve_crs(name: str | None):
    """CRS/datum name → ('datum', 'wgs84'|'gcj02'|'bd09') or ('proj', Transformer to WGS84). Raises ValueError."""
    if name is None or str(name).strip() == "":
        raise ValueError("no CRS declared. RFC 7946 files carry none and Chinese sources are often GCJ-02, so "
                         "findpark does not guess: add \"datum\": \"wgs84\"|\"gcj02\"|\"bd09\" to the "
                         "FeatureCollection or pass --crs (e.g. --crs EPSG:4326, --crs gcj02)")
    datum = normalise_datum(name)
    if datum:
        return "datum", datum
    try:
        crs = CRS.from_user_input(name)
    except CRSError:
        raise ValueError(f"unknown CRS {name!r}: use EPSG:4326, EPSG:4490, a projected EPSG code, "
                         "gcj02 or bd09") from None
    if crs.is_geographic and crs.to_epsg() in (4326, 4490):
        return "datum", "wgs84"
    if crs.is_geographic and crs.ellipsoid and crs.ellipsoid.name in ("WGS 84", "GRS 1980", "CGCS2000"):
        return "datum", "wgs84"
    if crs.is_projected:
        return "proj", Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    raise ValueError(f"unsupported CRS {name!r} ({crs.name})")


def _to_wgs84(geom, how):
    if geom is None:
        return None
    kind, arg = how
    if kind == "datum":
        return geometry_to_wgs84(geom, arg)
    return shapely.transform(geom, lambda c: np.column_stack(arg.transform(c[:, 0], c[:, 1])))


def _layer_for(raw, forced: str | None) -> str | None:
    for candidate in (forced, raw.layer_hint, raw.path.stem.split(".")[0].lower()):
        if candidate in LAYERS:
            return candidate
    return None


def _plan(raws, crs: str | None, layer: str | None, problems: list, notes: list) -> list[tuple]:
    """(layer, how to reach WGS84, raw) per readable input, parks first, then plots, then amenities."""
    plan = []
    for raw in raws:
        problems += raw.problems
        notes += raw.notes
        name = _layer_for(raw, layer)
        if name is None:
            problems.append(f"{raw.path.name}: cannot tell which layer it holds; name the file parks/plots/"
                            "amenities.geojson, add \"layer\" to the FeatureCollection or pass --layer")
            continue
        try:
            how = resolve_crs(crs or raw.declared_crs)
        except ValueError as exc:
            problems.append(f"{raw.path.name}: {exc}")
            continue
        if how == ("datum", "gcj02") or how == ("datum", "bd09"):
            notes.append(f"{raw.path.name}: converted from {how[1].upper()} to WGS84")
        plan.append((name, how, raw))
    return sorted(plan, key=lambda item: LAYER_ORDER.index(item[0]))


def read_records(plan, problems: list, notes: list):
    """(layer, validated record) for every feature of the plan, converted to WGS84, ids unique per layer; the
    problems and notes met are appended as it goes (a lazy reader's too)."""
    seen: dict[str, dict[str, str]] = {}  # layer → id → label: strings only, which the cyclic GC never walks
    for name, how, raw in plan:
        ids = seen.setdefault(name, {})
        streamed = not isinstance(raw.features, list)  # its problems and notes grow as it is read
        met = [len(raw.problems), len(raw.notes)]
        for feat in raw.features:
            if streamed and (len(raw.problems) > met[0] or len(raw.notes) > met[1]):
                _pass_on(raw, met, problems, notes)
            try:
                geom = _to_wgs84(feat["geometry"], how)
            except Exception as exc:  # pyproj/shapely failures on garbage coordinates
                problems.append(f"{feat['label']}: cannot convert coordinates ({exc})")
                continue
            rec, fprobs, fnotes = validate_feature(name, geom, feat["properties"], raw.from_text)
            problems += [f"{feat['label']}: {m}" for m in fprobs]
            notes += [f"{feat['label']}: {m}" for m in fnotes]
            if rec is None:
                continue
            label = ids.get(rec["id"])
            if label is not None:
                problems.append(f"{feat['label']}: duplicate id {rec['id']!r} (also {label})")
                continue
            ids[rec["id"]] = feat["label"]
            yield name, rec
        if streamed:
            _pass_on(raw, met, problems, notes)


def _pass_on(raw, met: list, problems: list, notes: list) -> None:
    """What a streamed reader met since ``met`` (its problems and notes then), in the order met."""
    problems += raw.problems[met[0]:]
    notes += raw.notes[met[1]:]
    met[:] = [len(raw.problems), len(raw.notes)]


def plan_files(paths, crs: str | None, layer: str | None, problems: list, notes: list) -> list[tuple]:
    """``_plan`` of the files' layers, each read lazily (a GeoJSON file's features stream as they are used)."""
    return _plan([raw for p in paths for raw in read_all(p, lazy=True)], crs, layer, problems, notes)
