"""The parts that make ``findpark load`` faster, each checked equal to what it replaced:

- ``readers._build`` (GeoJSON → shapely from coordinate arrays) gives ``shape()``'s geometry, byte for byte,
  and ``shape()``'s error where the input is wrong;
- ``measure.area_m2`` (ring by ring) gives pyproj's ``geometry_area_perimeter`` to the last bit, holes and
  multipolygons included;
- ``binary.encode_many`` gives ``[binary.encode(g) for g in geoms]`` byte for byte;
- ``validate.check_position`` still names non-finite, swapped and out-of-China coordinates, and
  ``check_geometry``'s quick bounding-box test (valid geometries only) gives the same answers;
- ``readers._plain`` (coordinates checked in C) never passes what ``check_coordinates``' walk refuses;
- ``validate._fast`` (the usual values of each field) gives ``coerce``'s value, or leaves it to ``coerce``.
"""
from __future__ import annotations

import math
import random

import numpy as np
import pytest
import shapely
from shapely.geometry import mapping, shape

from findpark.geo.measure import GEOD, area_m2
from findpark.ingest import readers, validate
from findpark.ingest.readers import _build
from findpark.ingest.validate import check_position
from findpark.store.schema import LAYERS
from findpark.store.gpkg import binary


def _polygons(n: int, seed: int = 5) -> list:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        cx, cy = rng.uniform(118, 122), rng.uniform(28, 31)
        k = rng.randint(3, 25)
        angles = sorted(rng.uniform(0, 2 * math.pi) for _ in range(k))
        ring = [(cx + rng.uniform(0.004, 0.02) * math.cos(a), cy + rng.uniform(0.004, 0.02) * math.sin(a)) for a in angles]
        ring = ring if i % 2 else ring[::-1]
        hole = [(cx + 0.001 * math.cos(a), cy + 0.001 * math.sin(a)) for a in (0, 2, 4)]
        poly = shapely.Polygon(ring, [hole[:: 1 if i % 4 else -1]] if i % 3 == 0 else None)
        if i % 5 == 0:
            poly = shapely.MultiPolygon([poly, shapely.box(cx + 0.05, cy, cx + 0.06, cy + 0.01)])
        out.append(poly)
    return out


def test_build_equals_shape_byte_for_byte():
    geoms = _polygons(500) + [shapely.Point(120.1, 30.2), shapely.Point(120.1, 30.2, 7.0),
                              shapely.LineString([(0, 0), (1, 1)]), shapely.Polygon(), shapely.MultiPolygon()]
    for g in geoms:
        gj = mapping(g)
        assert _build(gj).wkb == shape(gj).wkb


@pytest.mark.parametrize("gj", [
    {"type": "Polygon", "coordinates": [[[120, 30], [120.01, 30], [120.01, 30.01]]]},  # unclosed: closed
    {"type": "Polygon", "coordinates": [[[120, 30, 1], [120.01, 30, 1], [120.01, 30.01, 1], [120, 30, 1]]]},
    {"type": "Polygon", "coordinates": [[[120, 30], [120.01, 30, 5], [120.01, 30.01], [120, 30]]]},  # mixed
])
def test_build_follows_shape_on_odd_input(gj):
    def outcome(fn):
        try:
            return fn(gj).wkb
        except ValueError as exc:
            return f"ValueError: {exc}"

    assert outcome(_build) == outcome(shape)


def test_build_fails_where_shape_fails_and_says_the_same():
    gj = {"type": "Polygon", "coordinates": [[[120, 30], [120.01, 30]]]}
    with pytest.raises(ValueError) as ours:
        _build(gj)
    with pytest.raises(ValueError) as theirs:
        shape(gj)
    assert str(ours.value) == str(theirs.value)


def test_area_is_pyprojs_to_the_last_bit():
    for g in _polygons(800) + [shapely.Polygon(), shapely.MultiPolygon()]:
        assert area_m2(g) == abs(GEOD.geometry_area_perimeter(g)[0])


def test_encode_many_is_encode_byte_for_byte():
    geoms = _polygons(300) + [None, shapely.Polygon(), shapely.Point(120, 30), shapely.Point(120, 30, 4.0)]
    random.Random(1).shuffle(geoms)
    assert binary.encode_many(geoms, 4326) == [binary.encode(g, 4326) for g in geoms]
    assert binary.encode_many([], 4326) == []


def test_check_position_reasons():
    assert check_position(shapely.box(120, 30, 120.01, 30.01)) is None
    assert check_position(shapely.box(30, 120, 30.01, 120.01)).startswith("coordinates look swapped")
    assert check_position(shapely.box(10, 10, 11, 11)).startswith("coordinates fall outside China")
    assert check_position(shapely.Point(np.nan, 30)) == "non-finite coordinates"
    assert check_position(shapely.LineString([(120, 30), (np.inf, 30)])) == "non-finite coordinates"
    assert check_position(shapely.Polygon()) == "empty geometry"


def _walk(gj):
    """``check_coordinates`` without its quick path."""
    saved = readers._FLAT
    readers._FLAT = {}
    try:
        return readers.check_coordinates(gj)
    finally:
        readers._FLAT = saved


RING = [[120.0, 30.0], [120.01, 30], [120.01, 30.01], [120, 30.0]]


@pytest.mark.parametrize("gj", [
    {"type": "Polygon", "coordinates": [RING]},
    {"type": "Polygon", "coordinates": [RING, RING]},
    {"type": "MultiPolygon", "coordinates": [[RING], [RING, RING]]},
    {"type": "LineString", "coordinates": RING},
    {"type": "MultiLineString", "coordinates": [RING, RING]},
    {"type": "Polygon", "coordinates": []},
    {"type": "Polygon", "coordinates": [[]]},
    {"type": "Polygon", "coordinates": [[[120, True], [120.01, 30], [120.01, 30.01], [120, 30]]]},
    {"type": "Polygon", "coordinates": [[[120, "30"], [120.01, 30], [120.01, 30.01], [120, 30]]]},
    {"type": "Polygon", "coordinates": [[[120, None], [120.01, 30], [120.01, 30.01], [120, 30]]]},
    {"type": "Polygon", "coordinates": [[[120, 30, 5], [120.01, 30, 5], [120.01, 30.01, 5], [120, 30, 5]]]},
    {"type": "Polygon", "coordinates": [[[120], [120.01, 30], [120.01, 30.01], [120, 30]]]},
    {"type": "Polygon", "coordinates": [[[120, 30, 1, 2]]]},
    {"type": "Polygon", "coordinates": [[120, 30]]},
    {"type": "Polygon", "coordinates": [RING[0]]},
    {"type": "Polygon", "coordinates": [[[120, math.inf], [120.01, 30], [120.01, 30.01], [120, 30]]]},
    {"type": "Polygon", "coordinates": [[[120, math.nan], [120.01, 30], [120.01, 30.01], [120, 30]]]},
    {"type": "Polygon", "coordinates": [[[1e308, 1e308], [1e308, 30], [120.01, 30.01], [120, 30]]]},
    {"type": "Polygon", "coordinates": [[[10 ** 400, 30], [120.01, 30], [120.01, 30.01], [120, 30]]]},
    {"type": "Polygon", "coordinates": [[{"lon": 120}, [120.01, 30]]]},
    {"type": "Polygon", "coordinates": {"ring": RING}},
    {"type": "MultiPolygon", "coordinates": [RING]},
])
def test_plain_coordinates_agree_with_the_walk(gj):
    assert readers.check_coordinates(gj) == _walk(gj)


@pytest.mark.filterwarnings("ignore:invalid value encountered")
def test_the_quick_position_test_agrees_with_check_position():
    layer = LAYERS["parks"]  # polygons and multipolygons
    cases = _polygons(200) + [shapely.box(30, 120, 30.01, 120.01), shapely.box(10, 10, 11, 11),
                              shapely.box(135, 30, 136, 31), shapely.box(120, 53.9, 120.1, 54.1),
                              shapely.Polygon([(120, 30), (121, np.inf), (121, 31), (120, 31), (120, 30)]),
                              shapely.Polygon([(120, 30), (121, 30), (121, 31), (120, np.nan), (120, 30)]),
                              shapely.Polygon([(120, 30), (121, 31), (121, 30), (120, 31), (120, 30)])]
    for g in cases:
        _, problem, _ = validate.check_geometry(g, layer)
        pos = check_position(g)
        assert problem == pos or (pos is None and problem.startswith("invalid polygon")), (g.wkt, problem, pos)


_VALUES = [None, 0, 1, -1, 7, 2.5, -0.5, 1e300, 10 ** 30, 10 ** 400, math.inf, -math.inf, math.nan, True, False,
           "", " ", "abc", " abc ", "x" * 301, "x" * 2001, "2026-01-01", "2026-02-30", "2026-13", "2026",
           "26-01-01", "M1", "available", "reserved", "报告表", "report_form", "G331018-001", "bad id!", [],
           ["a", "b"], ["a", 1], ("a",), {"a": 1}, 3 + 0j]


@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_fast_coercion_is_coerce_or_leaves_it_to_coerce(layer):
    for f in LAYERS[layer].fields:
        fast = validate._fast(f)
        for v in _VALUES + list(f.enum or ()):
            got = fast(v)
            if got is validate._SLOW:
                continue
            want = validate.coerce(f, v)  # the fast path took it: coerce must take it too, to the same value
            assert got == want and type(got) is type(want), (layer, f.name, v, got, want)


def test_a_huge_integer_is_a_clear_problem_not_a_crash():
    f = LAYERS["plots"].by_name["power_kva"]
    with pytest.raises(ValueError, match="at most 1.8e308"):
        validate.coerce(f, 10 ** 400)
