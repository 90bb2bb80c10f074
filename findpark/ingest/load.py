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


def _records(plan, problems: list, notes: list):
    """(layer, validated record) for every feature of the plan, converted to WGS84, ids unique per layer; the
    problems and notes met are appended as it goes (a lazy reader's too)."""
    seen: dict[tuple, str] = {}
    for name, how, raw in plan:
        before = len(raw.problems)
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
            yield name, rec
        if not isinstance(raw.features, list):  # streamed: what the reader met while reading
            problems += raw.problems[before:]


class _ParkCheck:
    """Referential integrity of plots: the park must exist after the load, and the plot must lie near it."""

    def __init__(self, store, replacing_parks: bool):
        self.store, self.replacing = store, replacing_parks
        self.stored = set() if replacing_parks else store.ids("parks")
        self.batch: dict = {}  # park id → geometry, of this load
        self.geoms = None

    def problem(self, rec) -> str | None:
        if rec["park_id"] not in self.batch and rec["park_id"] not in self.stored:
            return f"plot {rec['id']}: park_id {rec['park_id']!r} does not exist in the store or this load"
        if self.geoms is None:
            self.geoms = {} if self.replacing else {r["id"]: r["geometry"] for r in self.store.read("parks")}
            self.geoms.update(self.batch)
        km = _km_from(rec["geometry"], self.geoms.get(rec["park_id"]))
        if km is not None and km > MAX_PLOT_PARK_KM:
            return (f"plot {rec['id']}: lies {km:.1f} km from the boundary of its park {rec['park_id']} "
                    f"(at most {MAX_PLOT_PARK_KM:g} km): a wrong park_id, or coordinates in another datum")
        return None

    def orphans(self, plots_loaded: bool) -> str | None:
        """Replacing parks without their plots: the plots kept must still have a park of this load."""
        if not self.replacing or plots_loaded:
            return None
        ids = sorted(p for p in self.store.ids("plots") if p)
        kept = self.store.read("plots", where={"id": ids}) if ids else []
        lost = [r["id"] for r in kept if r["park_id"] not in self.batch]
        if lost:
            return f"replacing parks would orphan {len(lost)} stored plots (e.g. {lost[0]}); load their plots too"
        return None


def prepare(store, paths, *, crs: str | None = None, layer: str | None = None, replace: bool = False):
    """Read and validate everything; return (batches, notes) or raise LoadError listing every problem."""
    problems: list[str] = []
    notes: list[str] = []
    plan = _plan([raw for p in paths for raw in read_all(p)], crs, layer, problems, notes)
    layers = {name for name, _, _ in plan}
    batches: dict[str, list[dict]] = {}
    for name, rec in _records(plan, problems, notes):
        batches.setdefault(name, []).append(rec)
    check = _ParkCheck(store, replace and "parks" in layers)
    check.batch = {r["id"]: r["geometry"] for r in batches.get("parks", [])}
    found = [check.problem(rec) for rec in batches.get("plots", [])] + [check.orphans("plots" in layers)]
    problems += [bad for bad in found if bad]
    if problems:
        raise LoadError(problems)
    ordered = {k: batches[k] for k in LAYER_ORDER if k in batches}
    return ordered, notes


CHUNK = 20_000  # records per write of a streamed load


def load_files(store, paths, *, crs: str | None = None, layer: str | None = None,
               replace: bool = False) -> LoadReport:
    """Load feature files into the store, all or nothing: every feature validated as ``prepare`` does, but
    streamed (GeoJSON is read as it is validated) and written in chunks of ``CHUNK`` inside one ``atomic()``,
    so memory is bounded by a chunk, not by the files. The first problem stops the writing (the rest is still
    validated, to report every problem) and LoadError rolls everything back. A load of fewer than ``CHUNK``
    records is one write (one data_version)."""
    if not store.exists():
        store.init()
    problems: list[str] = []
    notes: list[str] = []
    plan = _plan([raw for p in paths for raw in read_all(p, lazy=True)], crs, layer, problems, notes)
    layers = {name for name, _, _ in plan}
    counts: dict[str, int] = {}
    pending: dict[str, list[dict]] = {}
    started: set[str] = set()
    files = [str(Path(p)) for p in paths]

    def flush(final: bool) -> None:
        again = {k: v for k, v in pending.items() if k in started}
        first = {k: v for k, v in pending.items() if k not in started}
        calls = [(b, r) for b, r in ((again, False), (first, replace)) if b] or ([({}, False)] if final else [])
        for i, (batch, rep) in enumerate(calls):
            log = None
            if final and i == len(calls) - 1:
                total = dict(counts)
                for k, v in batch.items():
                    total[k] = total.get(k, 0) + len(v)
                log = {"files": files, "messages": notes, "counts": {k: total[k] for k in LAYER_ORDER if k in total}}
            for k, n in store.write(batch, replace=rep, log=log).items():
                counts[k] = counts.get(k, 0) + n
        started.update(pending)
        pending.clear()

    with store.atomic():
        check = _ParkCheck(store, replace and "parks" in layers)
        size = 0
        for name, rec in _records(plan, problems, notes):
            if name == "parks":
                check.batch[rec["id"]] = rec["geometry"]
            elif name == "plots":
                bad = check.problem(rec)
                if bad:
                    problems.append(bad)
                    continue
            if problems:
                continue  # nothing more is written; the rest is only validated
            pending.setdefault(name, []).append(rec)
            size += 1
            if size >= CHUNK:
                flush(final=False)
                size = 0
        bad = check.orphans("plots" in layers)
        if bad:
            problems.append(bad)
        if problems:
            raise LoadError(problems)
        flush(final=True)
    return LoadReport(counts={k: counts[k] for k in LAYER_ORDER if k in counts}, notes=notes)
