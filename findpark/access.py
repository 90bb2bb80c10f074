"""Transport access: the nearest amenity of each kind and the transport score built from the distances.

Both the siting model (its transport criterion, per plot and park) and the park evaluation (the 产城合力
dimension's ``transport_access``) use this module; it sits below both and imports neither.

transport    Σ_k a_k exp(-d_k / s_k) over amenity kinds present in the store, a renormalised to sum 1:
             airport a=0.3 s=40 km · rail_station 0.3, 15 km · metro_station 0.2, 3 km ·
             highway_interchange 0.2, 5 km · port 0.1, 30 km
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import shapely
from scipy.spatial import KDTree

from .geo.measure import distance_m
from .store.schema import AMENITY_KINDS

UNIVERSITY_FLAGS = ("双一流", "985", "211")
# amenity kind → (weight a, distance scale s in km)
PARALLEL_MIN = 50_000  # points from which the nearest-amenity search uses the machine's cores (at most 4)
TRANSPORT = {"airport": (0.3, 40.0), "rail_station": (0.3, 15.0), "metro_station": (0.2, 3.0),
             "highway_interchange": (0.2, 5.0), "port": (0.1, 30.0)}


def unit_vectors(lon, lat) -> np.ndarray:
    """Points on the unit sphere: chord length is monotone in great-circle distance, so a Euclidean
    KD-tree finds the same nearest neighbour as a haversine ball tree, faster."""
    lo, la = np.radians(lon), np.radians(lat)
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


@dataclass
class AmenityIndex:
    ids: list
    names: list
    lon: np.ndarray
    lat: np.ndarray
    tree: KDTree
    flags: list | None = None  # per amenity: a university's 双一流/985/211 flags (from its ``lines``)

    def nearest(self, lon: np.ndarray, lat: np.ndarray):
        """(geodesic km, index of the nearest amenity) for each point."""
        if len(lon) == 0:
            return np.zeros(0), np.zeros(0, dtype=int)
        workers = _workers(len(lon))
        _, idx = self.tree.query(unit_vectors(lon, lat), k=1, workers=workers)
        idx = np.asarray(idx, dtype=np.intp)
        lon2, lat2 = self.lon[idx], self.lat[idx]
        if workers == 1:
            return np.asarray(distance_m(lon, lat, lon2, lat2), dtype=float) / 1000.0, idx
        parts = np.array_split(np.arange(len(lon)), workers)  # pyproj releases the GIL: one slice per core
        with ThreadPoolExecutor(workers) as ex:
            km = list(ex.map(lambda p: np.asarray(distance_m(lon[p], lat[p], lon2[p], lat2[p]), dtype=float), parts))
        return np.concatenate(km) / 1000.0, idx


def _workers(n: int) -> int:
    if n < PARALLEL_MIN:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(4, cores))


def amenity_indexes(store) -> dict:
    """kind → AmenityIndex over the store's amenities."""
    am = store.columns("amenities", ["id", "kind", "name", "lines"])
    kinds = np.array(am["kind"], dtype=object)
    out = {}
    for kind in AMENITY_KINDS:
        sel = np.flatnonzero(kinds == kind)
        if len(sel) == 0:
            continue
        geoms = np.array(am["geometry"], dtype=object)[sel]
        lon, lat = shapely.get_x(geoms), shapely.get_y(geoms)
        flags = [[f for f in (am["lines"][i] or []) if f in UNIVERSITY_FLAGS] for i in sel] if kind == "university" else None
        out[kind] = AmenityIndex([am["id"][i] for i in sel], [am["name"][i] for i in sel], lon, lat,
                                 KDTree(unit_vectors(lon, lat)), flags)
    return out


def nearest_distances(indexes: dict, lon: np.ndarray, lat: np.ndarray) -> dict:
    """kind → (km, index of the nearest amenity) for each point, over the kinds of ``indexes``."""
    return {kind: index.nearest(lon, lat) for kind, index in indexes.items()}


def transport(dist: dict, idx: np.ndarray) -> np.ndarray:
    """The transport score (0-1) of the points ``idx`` from ``dist`` (kind → (km, nearest)); 0.5 when the
    store has none of the scored amenity kinds."""
    kinds = [k for k in TRANSPORT if k in dist]
    if not kinds:
        return np.full(len(idx), 0.5)
    total = sum(TRANSPORT[k][0] for k in kinds)
    out = np.zeros(len(idx))
    for k in kinds:
        a, s = TRANSPORT[k]
        out += (a / total) * np.exp(-dist[k][0][idx] / s)
    return out


def park_transport_access(store) -> dict:
    """park_id → the transport score at the park (0-1; the siting model's transport criterion), for the
    五力 evaluation."""
    pk = store.columns("parks", ["id"])
    if not pk["id"]:
        return {}
    pts = shapely.point_on_surface(np.array(pk["geometry"], dtype=object))
    lon, lat = shapely.get_x(pts), shapely.get_y(pts)
    dist = nearest_distances(amenity_indexes(store), lon, lat)
    return dict(zip(pk["id"], transport(dist, np.arange(len(lon))).tolist()))
