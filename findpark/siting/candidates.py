"""Candidates as columns: every plot and park of a store version with its geometry features precomputed.

Geometry is the expensive part (NOTES.md), so it is done in bulk once per ``(store, data_version)``:
centroids, and for every amenity kind the geodesic distance to the nearest amenity (a KD-tree on unit
vectors to find it, then the WGS84 ellipsoid distance to it). Requests then work on numpy arrays only.
"""
from __future__ import annotations

import dataclasses
import datetime as _dt
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import shapely

from ..access import AmenityIndex, amenity_indexes  # noqa: F401  (AmenityIndex: the type of data.amenities)
from ..evaluation import latest_standing
from ..store.cache import cached
from ..store.schema import EIA_CATEGORIES, LAND_USES

EPOCH = _dt.date(1970, 1, 1)
PATCH_MIN = 1000  # patch up to max(PATCH_MIN, n/50) changed plots; more: rebuild
PLOT_FIELDS = ["id", "park_id", "area_mu", "land_use", "status", "min_investment_wan_per_mu", "min_tax_wan_per_mu",
               "price_wan_per_mu", "power_kva", "water_t_day", "max_eia", "available_from"]
PARK_FIELDS = ["id", "name", "adcode", "city", "district", "leading_industries", "industry_codes", "tax_per_mu_wan",
               "vacant_factory_m2", "factory_rent_yuan_m2_day", "power_spare_kva", "water_spare_t_day",
               "land_price_wan_per_mu", "synthetic"]


def _floats(values) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def _days(values) -> np.ndarray:
    """ISO dates (YYYY, YYYY-MM, YYYY-MM-DD or None) → days since 1970-01-01 as float, NaN when unknown."""
    d = np.array([v if v else "NaT" for v in values], dtype="datetime64[D]")
    out = d.astype("int64").astype(float)
    out[np.isnat(d)] = np.nan
    return out


class SyntheticLists:
    """Per plot, the names of its generated fields (``synthetic``), read only for the plots an answer shows.

    Scoring never needs them and reading them for every plot is the dearest column of a full build (PostGIS
    turns each jsonb into text: ~2 s at 10^6 plots), so the build keeps the plot ids and ``need(store, rows)``
    reads the missing ones (one query) before reasons are written; they stay known for the version and a
    patch carries the unchanged plots' forward."""

    def __init__(self, ids: np.ndarray, known: dict | None = None):
        self.ids = ids
        self.known = known if known is not None else {}  # plot id -> frozenset

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, i) -> frozenset:
        try:
            return self.known[self.ids[i]]
        except KeyError:
            raise LookupError(f"synthetic fields of plot {self.ids[i]!r} not read: call need(store, rows) first")

    def need(self, store, rows) -> None:
        """Read the ``synthetic`` lists of plot rows ``rows`` not known yet (in the caller's snapshot)."""
        missing = sorted({str(self.ids[i]) for i in rows} - self.known.keys())
        if not missing:
            return
        if store is None:
            raise LookupError(f"synthetic fields of {len(missing)} plots not read and no store to read them from")
        got = {r["id"]: frozenset(r["synthetic"] or ()) for r in store.read("plots", where={"id": missing})}
        self.known.update({pid: got.get(pid, frozenset()) for pid in missing})

    def __eq__(self, other) -> bool:  # the same plots, and no plot known differently
        if not isinstance(other, SyntheticLists) or not np.array_equal(self.ids, other.ids):
            return False
        return all(other.known[k] == v for k, v in self.known.items() if k in other.known)

    __hash__ = None


@dataclass
class SitingData:
    version: int
    # parks
    park_ids: np.ndarray
    park_names: list
    park_adcode: np.ndarray
    park_place: list
    park_labels: list
    park_codes: list
    park_codeset: np.ndarray  # index into codesets: parks sharing industries share one match computation
    codesets: list
    park_tax: np.ndarray
    park_vacant: np.ndarray
    park_rent: np.ndarray
    park_power: np.ndarray
    park_water: np.ndarray
    park_price: np.ndarray
    park_lon: np.ndarray
    park_lat: np.ndarray
    park_synthetic: list
    # plots
    plot_ids: np.ndarray
    plot_park: np.ndarray
    area: np.ndarray
    land_use: np.ndarray  # index into LAND_USES, -1 unknown
    available: np.ndarray  # bool
    min_invest: np.ndarray
    min_tax: np.ndarray
    price: np.ndarray
    power: np.ndarray
    water: np.ndarray
    eia: np.ndarray  # index into EIA_CATEGORIES, -1 unknown
    available_day: np.ndarray  # days since 1970-01-01, NaN unknown
    lon: np.ndarray
    lat: np.ndarray
    plot_synthetic: SyntheticLists
    # amenities
    amenities: dict = field(default_factory=dict)  # kind -> AmenityIndex
    plot_dist: dict = field(default_factory=dict)  # kind -> (km, nearest idx)
    park_dist: dict = field(default_factory=dict)
    park_index: np.ndarray = field(default_factory=lambda: np.zeros(0))  # latest 五力 index / park, NaN if none
    park_standing: list = field(default_factory=list)  # latest {"grade", "rank", "of", "quarter"} / park, or None
    cache: dict = field(default_factory=dict)  # per-version memo: industry levels, static criteria columns

    @property
    def n_plots(self) -> int:
        return len(self.plot_ids)

    @property
    def n_parks(self) -> int:
        return len(self.park_ids)


def build(store) -> SitingData:
    """Read every park, plot and amenity once (in one snapshot) and precompute what requests need.

    The plots' centroids are read first and their nearest amenities are searched in a second thread while the
    plots' attributes are read (the search runs in numpy, scipy and pyproj, which release the GIL, and the
    read mostly waits on the database)."""
    with store.snapshot(), ThreadPoolExecutor(1) as pool:
        version = store.data_version
        amenities = amenity_indexes(store)
        centroids = store.columns("plots", [], geometry="centroid")["centroid"]
        plot_dist = pool.submit(lambda: {kind: index.nearest(*centroids) for kind, index in amenities.items()})
        pk = store.columns("parks", PARK_FIELDS)
        pl = store.columns("plots", PLOT_FIELDS, geometry=False)
        standing = latest_standing(store)
        pl["centroid"] = centroids  # the same rows in the same order: one snapshot, both ordered by id
        data = _assemble(version, pk, pl, standing)
        data.amenities.update(amenities)
        for kind, index in amenities.items():
            data.park_dist[kind] = index.nearest(data.park_lon, data.park_lat)
        data.plot_dist.update(plot_dist.result())
    return data


def _assemble(version: int, pk: dict, pl: dict, standing: dict) -> SitingData:
    park_index = {pid: i for i, pid in enumerate(pk["id"])}
    codesets, codeset_idx, park_codeset = [], {}, []
    for labels, codes in zip(pk["leading_industries"], pk["industry_codes"]):
        key = (tuple(labels), tuple(codes))
        if key not in codeset_idx:
            codeset_idx[key] = len(codesets)
            codesets.append(key)
        park_codeset.append(codeset_idx[key])
    park_pts = shapely.point_on_surface(np.array(pk["geometry"], dtype=object)) if pk["id"] else np.array([])
    data = SitingData(
        version=version,
        park_ids=np.array(pk["id"], dtype=object),
        park_names=list(pk["name"]),
        park_adcode=np.array(pk["adcode"], dtype=object),
        park_place=[f"{c or ''}{d or ''}" for c, d in zip(pk["city"], pk["district"])],
        park_labels=list(pk["leading_industries"]),
        park_codes=list(pk["industry_codes"]),
        park_codeset=np.array(park_codeset, dtype=int),
        codesets=codesets,
        park_tax=_floats(pk["tax_per_mu_wan"]),
        park_vacant=_floats(pk["vacant_factory_m2"]),
        park_rent=_floats(pk["factory_rent_yuan_m2_day"]),
        park_power=_floats(pk["power_spare_kva"]),
        park_water=_floats(pk["water_spare_t_day"]),
        park_price=_floats(pk["land_price_wan_per_mu"]),
        park_lon=shapely.get_x(park_pts) if len(park_pts) else np.zeros(0),
        park_lat=shapely.get_y(park_pts) if len(park_pts) else np.zeros(0),
        park_synthetic=[frozenset(s) for s in pk["synthetic"]],
        **_plot_columns(pl, park_index),
    )
    data.park_index = np.array([standing[p]["index"] if p in standing else np.nan for p in data.park_ids], dtype=float)
    data.park_standing = [standing.get(p) for p in data.park_ids]
    return data


def _plot_columns(pl: dict, park_index: dict) -> dict:
    """The plot arrays of SitingData from columns (``store.columns`` with centroids, or records turned into
    columns with their geometries)."""
    if "centroid" in pl:
        lon, lat = pl["centroid"]
    else:
        pts = shapely.centroid(np.array(pl["geometry"], dtype=object)) if pl["id"] else np.array([])
        lon, lat = (shapely.get_x(pts), shapely.get_y(pts)) if len(pts) else (np.zeros(0), np.zeros(0))
    lu_index = {v: i for i, v in enumerate(LAND_USES)}
    eia_index = {v: i for i, v in enumerate(EIA_CATEGORIES)}
    return dict(
        plot_ids=np.array(pl["id"], dtype=object),
        plot_park=np.array([park_index[p] for p in pl["park_id"]], dtype=int),
        area=_floats(pl["area_mu"]),
        land_use=np.array([lu_index.get(v, -1) for v in pl["land_use"]], dtype=int),
        available=np.array([s == "available" for s in pl["status"]], dtype=bool),
        min_invest=_floats(pl["min_investment_wan_per_mu"]),
        min_tax=_floats(pl["min_tax_wan_per_mu"]),
        price=_floats(pl["price_wan_per_mu"]),
        power=_floats(pl["power_kva"]),
        water=_floats(pl["water_t_day"]),
        eia=np.array([eia_index.get(v, -1) for v in pl["max_eia"]], dtype=int),
        available_day=_days(pl["available_from"]),
        lon=np.asarray(lon, dtype=float),
        lat=np.asarray(lat, dtype=float),
        plot_synthetic=SyntheticLists(np.array(pl["id"], dtype=object)),
    )


def patch(store, old: SitingData) -> SitingData | None:
    """``old`` moved to the store's current version by re-reading only the plots the change log names
    (upserted ones replace or join their rows at their place in id order, deleted ones leave); None when a
    full build is needed: parks, amenities or indicators changed, a layer was replaced, the log has a gap,
    or more than ``max(PATCH_MIN, n/50)`` plots changed. The result equals ``build(store)``."""
    with store.snapshot():
        version = store.data_version
        changed = store.changes_since(old.version)
        if changed is None or set(changed) - {"plots"} or changed.get("plots", set()) is None:
            return None
        ids = sorted(changed.get("plots", ()))
        if len(ids) > max(PATCH_MIN, old.n_plots // 50):
            return None
        recs = store.read("plots", where={"id": ids}) if ids else []
    park_index = {pid: i for i, pid in enumerate(old.park_ids)}
    if any(r["park_id"] not in park_index for r in recs):
        return None
    new = _plot_columns({f: [r[f] for r in recs] for f in [*PLOT_FIELDS, "geometry"]}, park_index)
    n = old.n_plots
    wanted = np.array(ids, dtype=object)
    pos = np.searchsorted(old.plot_ids, wanted) if ids else np.zeros(0, dtype=int)
    hit = pos < n
    hit[hit] = old.plot_ids[pos[hit]] == wanted[hit]
    keep = np.ones(n, dtype=bool)
    keep[pos[hit]] = False
    at = np.searchsorted(old.plot_ids[keep], new["plot_ids"]) if len(recs) else np.zeros(0, dtype=int)

    def merge(old_col, new_col):
        if isinstance(old_col, list):
            out = np.empty(n, dtype=object)
            out[:] = old_col
            return np.insert(out[keep], at, np.array(new_col + [None], dtype=object)[:-1]).tolist()
        return np.insert(old_col[keep], at, new_col)

    new.pop("plot_synthetic")
    cols = {name: merge(getattr(old, name), value) for name, value in new.items()}
    touched = set(ids)
    known = {k: v for k, v in old.plot_synthetic.known.items() if k not in touched}
    known.update({r["id"]: frozenset(r["synthetic"] or ()) for r in recs})
    cols["plot_synthetic"] = SyntheticLists(cols["plot_ids"], known)
    data = dataclasses.replace(old, version=version, **cols, plot_dist={}, cache={})
    for kind, index in old.amenities.items():
        km, near = index.nearest(new["lon"], new["lat"])
        old_km, old_near = old.plot_dist[kind]
        data.plot_dist[kind] = (merge(old_km, km), merge(old_near, near))
    if "industry" in old.cache:  # per park: the parks did not change
        data.cache["industry"] = dict(old.cache["industry"])
    return data


def for_store(store) -> SitingData:
    """SitingData for the store's current data_version, built once (findpark.store.cache)."""
    return cached(store, "siting.candidates", lambda: build(store),  # keyed by url, not by the store object
                  update=lambda _version, old: patch(store, old))
