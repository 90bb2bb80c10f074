"""``findpark load``: files → datum-tagged, validated records → one store transaction (all or nothing)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..store.errors import LoadError
from . import pipe
from .readers import read_all
from .records import LAYER_ORDER, _plan, read_records, resolve_crs  # noqa: F401  (resolve_crs: services)


@dataclass
class LoadReport:
    counts: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)


MAX_PLOT_PARK_KM = 5.0  # a plot farther than this from its park's boundary is refused


def _km_from(geom, park, km_per_degree) -> float | None:
    """Roughly how far (km) ``geom`` lies outside ``park`` (0 when it touches it); None without a boundary.
    ``km_per_degree()``: the park's scale (``_km_per_degree``), asked only when ``geom`` lies outside it."""
    if geom is None or park is None or park.is_empty:
        return None
    d = geom.distance(park)
    if d == 0:
        return 0.0
    return d * km_per_degree()


def _km_per_degree(park) -> float:
    return 111.32 * max(np.cos(np.radians(park.centroid.y)), 0.5)


class _ParkCheck:
    """Referential integrity of plots: the park must exist after the load, and the plot must lie near it."""

    def __init__(self, store, replacing_parks: bool):
        self.store, self.replacing = store, replacing_parks
        self.stored = set() if replacing_parks else store.ids("parks")
        self.batch: dict = {}  # park id → geometry, of this load
        self.geoms = None
        self.scale: dict = {}  # park id → km per degree near it

    def problem(self, rec) -> str | None:
        if rec["park_id"] not in self.batch and rec["park_id"] not in self.stored:
            return f"plot {rec['id']}: park_id {rec['park_id']!r} does not exist in the store or this load"
        if self.geoms is None:
            self.geoms = {} if self.replacing else {r["id"]: r["geometry"] for r in self.store.read("parks")}
            self.geoms.update(self.batch)
        park = self.geoms.get(rec["park_id"])
        km = _km_from(rec["geometry"], park, lambda: self._scale(rec["park_id"], park))
        if km is not None and km > MAX_PLOT_PARK_KM:
            return (f"plot {rec['id']}: lies {km:.1f} km from the boundary of its park {rec['park_id']} "
                    f"(at most {MAX_PLOT_PARK_KM:g} km): a wrong park_id, or coordinates in another datum")
        return None

    def _scale(self, park_id: str, park) -> float:
        """The park's km per degree, worked out once per park (the same for every plot of it)."""
        scale = self.scale.get(park_id)
        if scale is None:
            scale = self.scale[park_id] = _km_per_degree(park)
        return scale

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
    for name, rec in read_records(plan, problems, notes):
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
    source = pipe.source(paths, crs, layer, problems, notes)
    try:
        return _write(store, source, paths, replace, problems, notes)
    finally:
        source.close()


def _write(store, source, paths, replace: bool, problems: list, notes: list) -> LoadReport:
    layers = source.layers
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
        for name, rec in source.records():
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
