"""The parts that make a full rebuild of the siting arrays fast, each checked against what it replaces:

- ``geo.wkb.centroids``: centroids read from WKB with numpy equal GEOS's (shapely's) to the last bit, for the
  fast path (one-ring little-endian polygons, short and long rings) and for everything handed to shapely
  (holes, multipolygons, big-endian, 3D, degenerate, empty, missing), from plain WKB and GeoPackage blobs;
- ``store.columns(..., geometry="centroid")`` on both backends equals shapely's centroid of the geometries;
- the nearest-amenity search split over threads gives what one thread gives;
- ``cache.gc_paused`` turns the collector off and back on, nested and across threads.
"""
from __future__ import annotations

import gc
import threading

import numpy as np
import pytest
import shapely

from findpark import access
from findpark.geo import wkb
from findpark.store import open_store
from findpark.store.gpkg import binary
from tests import pgcluster


@pytest.fixture(params=["gpkg", "postgis"])
def any_store(request, bundled_db, tmp_path):
    """The bundled data on each backend (PostGIS: a copy in a fresh schema)."""
    if request.param == "gpkg":
        store = open_store(bundled_db)
    else:
        from findpark.store.copy import copy_store

        src = open_store(bundled_db)
        store = open_store(pgcluster.url())
        copy_store(src, store)
        src.close()
    yield store
    store.close()


def _random_polygons(n: int, seed: int = 1) -> list:
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        k = int(rng.integers(3, 40))
        ang = np.sort(rng.uniform(0, 2 * np.pi, k))
        r = rng.uniform(0.0005, 0.01, k)
        cx, cy = rng.uniform(118, 123), rng.uniform(27, 31)
        pts = list(zip(cx + r * np.cos(ang), cy + r * np.sin(ang)))
        out.append(shapely.Polygon(pts if rng.random() < 0.5 else pts[::-1]))
    return out


def _odd() -> list:
    box = shapely.box(120.0, 30.0, 120.01, 30.02)
    return [
        shapely.Polygon(box.exterior.coords, [[(120.002, 30.002), (120.004, 30.002), (120.004, 30.005)]]),  # hole
        shapely.MultiPolygon([shapely.box(0, 0, 1, 1), shapely.box(3, 3, 4, 5)]),
        None,
        shapely.Polygon(),
        shapely.Polygon([(0, 0), (1, 1), (2, 2), (0, 0)]),  # no area: a line centroid
        shapely.Polygon([(120, 30, 5), (120.01, 30, 5), (120.01, 30.01, 5)]),  # 3D
        shapely.Point(120.1, 30.2),
        box,
        shapely.Polygon(shapely.Point(121, 29).buffer(0.01, quad_segs=100).exterior.coords),  # a ring > 256 points
    ]


def _expected(geoms) -> tuple[np.ndarray, np.ndarray]:
    lon, lat = np.full(len(geoms), np.nan), np.full(len(geoms), np.nan)
    for i, g in enumerate(geoms):
        if g is not None and not g.is_empty:
            c = g.centroid
            lon[i], lat[i] = c.x, c.y
    return lon, lat


def _same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return np.array_equal(a, b, equal_nan=True)


@pytest.mark.parametrize("big_endian", [False, True])
def test_centroids_from_plain_wkb_are_geos_bit_for_bit(big_endian):
    geoms = _random_polygons(3000) + _odd()
    blobs = [None if g is None else shapely.to_wkb(g, byte_order=0 if big_endian else 1) for g in geoms]
    lon, lat = wkb.centroids(blobs)
    want_lon, want_lat = _expected(geoms)
    assert _same_bits(lon, want_lon) and _same_bits(lat, want_lat)
    assert np.isnan(lon[3000 + 2]) and np.isnan(lon[3000 + 3])  # missing, empty


def test_centroids_from_geopackage_blobs_across_chunks(monkeypatch):
    monkeypatch.setattr(wkb, "CHUNK", 500)  # several passes, one of them partial
    geoms = _random_polygons(1700, seed=7) + _odd()
    blobs = [binary.encode(g) if g is not None else None for g in geoms]
    lon, lat = wkb.centroids(blobs, header=binary.header_sizes)
    want_lon, want_lat = _expected(geoms)
    assert _same_bits(lon, want_lon) and _same_bits(lat, want_lat)


def test_centroids_of_nothing():
    lon, lat = wkb.centroids([])
    assert lon.shape == (0,) and lat.shape == (0,)
    lon, lat = wkb.centroids([None, None], header=binary.header_sizes)
    assert np.isnan(lon).all() and np.isnan(lat).all()


def test_a_broken_blob_is_a_clear_error():
    with pytest.raises(ValueError, match="GeoPackage"):
        wkb.centroids([b"XX" + bytes(40)], header=binary.header_sizes)


def test_store_columns_give_the_centroids_of_the_geometries(any_store):
    plots = any_store.columns("plots", ["id"], geometry=True)
    cen = any_store.columns("plots", ["id"], geometry="centroid")
    assert cen["id"] == plots["id"] and "geometry" not in cen
    pts = shapely.centroid(np.array(plots["geometry"], dtype=object))
    assert _same_bits(cen["centroid"][0], shapely.get_x(pts))
    assert _same_bits(cen["centroid"][1], shapely.get_y(pts))


def test_nearest_split_over_threads_equals_one_thread(monkeypatch):
    rng = np.random.default_rng(3)
    am_lon, am_lat = rng.uniform(119, 122, 300), rng.uniform(28, 31, 300)
    index = access.AmenityIndex(list(range(300)), [str(i) for i in range(300)], am_lon, am_lat,
                                access.KDTree(access.unit_vectors(am_lon, am_lat)))
    lon, lat = rng.uniform(118, 123, 20_000), rng.uniform(27, 32, 20_000)
    one_km, one_idx = index.nearest(lon, lat)  # under PARALLEL_MIN: one thread
    monkeypatch.setattr(access, "PARALLEL_MIN", 1)
    monkeypatch.setattr(access.os, "sched_getaffinity", lambda _pid: {0, 1, 2}, raising=False)
    assert access._workers(len(lon)) == 3
    km, idx = index.nearest(lon, lat)
    assert np.array_equal(idx, one_idx) and np.array_equal(km, one_km)
    # and the brute-force answer
    d = np.linalg.norm(access.unit_vectors(lon, lat)[:, None, :] - access.unit_vectors(am_lon, am_lat)[None], axis=2)
    assert np.array_equal(idx, d.argmin(axis=1))


def test_gc_paused_nests_and_restores():
    from findpark.store.cache import gc_paused

    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
        seen = []
        t = threading.Thread(target=lambda: seen.append(_inner(gc_paused)))
        t.start()
        t.join()
        assert seen == [False] and not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()  # it was off before: left off
    finally:
        gc.enable()


def _inner(gc_paused) -> bool:
    with gc_paused():
        return gc.isenabled()
