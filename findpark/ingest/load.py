"""``findpark load``: files → datum-tagged, validated records → one store transaction (all or nothing)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from ..geo.datum import geometry_to_wgs84, normalise_datum
from ..store.errors import LoadError
from ..store.schema import LAYERS
from .readers import read_all
from .validate import validate_feature

LAYER_ORDER = ("parks", "plots", "amenities")


@dataclass
class LoadReport:
    counts: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)


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


MAX_PLOT_PARK_KM = 5.0  # a plot farther than this from its park's boundary is refused


def _park_geometries(store, batch_parks: list[dict], replacing: bool) -> dict:
    geoms = {} if replacing else {r["id"]: r["geometry"] for r in store.read("parks")}
    geoms.update({r["id"]: r["geometry"] for r in batch_parks})
    return geoms


def _km_from(geom, park) -> float | None:
    """Roughly how far (km) ``geom`` lies outside ``park`` (0 when it touches it); None without a boundary."""
    if geom is None or park is None or park.is_empty:
        return None
    d = geom.distance(park)
    if d == 0:
        return 0.0
    lat = park.centroid.y
    return d * 111.32 * max(np.cos(np.radians(lat)), 0.5)


def prepare(store, paths, *, crs: str | None = None, layer: str | None = None, replace: bool = False):
    """Read and validate everything; return (batches, notes) or raise LoadError listing every problem."""
    problems: list[str] = []
    notes: list[str] = []
    batches: dict[str, list[dict]] = {}
    seen: dict[tuple, str] = {}
    raws = [raw for p in paths for raw in read_all(p)]
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
        for feat in raw.features:
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
            key = (name, rec["id"])
            if key in seen:
                problems.append(f"{feat['label']}: duplicate id {rec['id']!r} (also {seen[key]})")
                continue
            seen[key] = feat["label"]
            batches.setdefault(name, []).append(rec)

    # Referential integrity: every plot's park must exist after the load.
    batch_parks = {r["id"] for r in batches.get("parks", [])}
    replacing_parks = replace and "parks" in batches
    known_parks = batch_parks | (set() if replacing_parks else store.ids("parks"))
    park_geoms = None
    for rec in batches.get("plots", []):
        if rec["park_id"] not in known_parks:
            problems.append(f"plot {rec['id']}: park_id {rec['park_id']!r} does not exist in the store or this load")
            continue
        if park_geoms is None:
            park_geoms = _park_geometries(store, batches.get("parks", []), replacing_parks)
        km = _km_from(rec["geometry"], park_geoms.get(rec["park_id"]))
        if km is not None and km > MAX_PLOT_PARK_KM:
            problems.append(f"plot {rec['id']}: lies {km:.1f} km from the boundary of its park {rec['park_id']} "
                            f"(at most {MAX_PLOT_PARK_KM:g} km): a wrong park_id, or coordinates in another datum")
    if replacing_parks and not (replace and "plots" in batches):
        orphans = sorted(p for p in store.ids("plots") if p)  # plots kept must still have their park
        kept = store.read("plots", where={"id": orphans}) if orphans else []
        lost = [r["id"] for r in kept if r["park_id"] not in known_parks]
        if lost:
            problems.append(f"replacing parks would orphan {len(lost)} stored plots (e.g. {lost[0]}); "
                            "load their plots too")
    if problems:
        raise LoadError(problems)
    ordered = {k: batches[k] for k in LAYER_ORDER if k in batches}
    return ordered, notes


def load_files(store, paths, *, crs: str | None = None, layer: str | None = None,
               replace: bool = False) -> LoadReport:
    """Load feature files into the store in one transaction. Raises LoadError and writes nothing on bad input."""
    if not store.exists():
        store.init()
    batches, notes = prepare(store, paths, crs=crs, layer=layer, replace=replace)
    counts = store.write(batches, replace=replace,
                         log={"files": [str(Path(p)) for p in paths], "messages": notes})
    return LoadReport(counts=counts, notes=notes)
