"""The OGC items page's faster encoder (``api.serialize.features_json``: numpy positions, flat rounding,
orjson) writes the same features as the general path (``json.dumps(json_ready(record_features(…)))``)."""
from __future__ import annotations

import json
import math
import random

import numpy as np
import shapely

from findpark.api.serialize import features_json, record_features
from findpark.geo.geojson import rfc7946_geometries
from findpark.numbers import json_ready, json_ready_flat


def _geoms(n: int, seed: int = 3) -> list:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        cx, cy = rng.uniform(118, 122), rng.uniform(28, 31)
        ring = [(cx + rng.uniform(0.001, 0.01) * math.cos(a), cy + rng.uniform(0.001, 0.01) * math.sin(a))
                for a in sorted(rng.uniform(0, 2 * math.pi) for _ in range(rng.randint(3, 12)))]
        poly = shapely.Polygon(ring[:: 1 if i % 2 else -1],
                               [[(cx + 1e-4 * math.cos(a), cy + 1e-4 * math.sin(a)) for a in (0, 2, 4)]] if i % 3 == 0 else None)
        out.append(shapely.MultiPolygon([poly, shapely.box(cx + 0.1, cy, cx + 0.11, cy + 0.01)]) if i % 5 == 0 else poly)
    return out + [shapely.Point(120.123456789, 30.0), shapely.Point(0.0, -0.0), None, shapely.Polygon()]


def _recs() -> list[dict]:
    rng = random.Random(9)
    recs = []
    for i, g in enumerate(_geoms(120)):
        recs.append({"id": f"P-{i}", "park_id": "G1", "area_mu": rng.uniform(1, 200), "far_min": 0.1 + 0.2,
                     "power_kva": float(rng.randint(0, 9000)), "floors": i, "flag": bool(i % 2), "note": None,
                     "neg": -0.0, "big": 1e20 / 3, "synthetic": ["geometry", "status"][: i % 3], "geometry": g})
    return recs


def test_features_json_equals_the_general_path():
    recs = _recs()
    want = json.loads(json.dumps(json_ready(record_features(recs)), ensure_ascii=False))
    assert json.loads(features_json(recs)) == want


def test_positions_as_arrays_are_the_rounded_lists():
    geoms = _geoms(60)
    lists = rfc7946_geometries(geoms)
    arrays = rfc7946_geometries(geoms, arrays=True)

    def plain(x):
        if isinstance(x, np.ndarray):
            return x.tolist()
        if isinstance(x, dict):
            return {k: plain(v) for k, v in x.items()}
        if isinstance(x, list):
            return [plain(v) for v in x]
        return x

    assert plain(arrays) == plain(lists)
    text = features_json([{"id": "a", "geometry": g} for g in geoms])
    assert "-0.0" not in text and all(len(n.split(".")[1]) <= 7 for n in _numbers(text) if "." in n and "e" not in n)


def _numbers(text: str) -> list[str]:
    import re

    return re.findall(r"-?\d+\.\d+(?:e-?\d+)?", text)


def test_flat_rounding_is_json_ready():
    cases = [{"a": 0.1 + 0.2, "score": 0.123456789, "centroid": 1.0, "n": 3, "t": "x", "b": True, "z": None},
             {"l": ["a", "b"], "mixed": [1.23456789, "a"], "d": {"score": 0.5555555}, "neg": -0.0, "tiny": 4e-7},
             {"nan": math.nan, "inf": math.inf, "big": 1234567.123456789}]
    for d in cases:
        for parent in (None, "properties", "criteria", "bbox"):
            got, want = json_ready_flat(d, parent), json_ready(d, parent)
            assert json.dumps(got) == json.dumps(want), (d, parent)
        assert json_ready_flat({**d, "geometry": None}, "properties", skip="geometry") == json_ready(d, "properties") or \
            any(isinstance(v, float) and math.isnan(v) for v in d.values())
