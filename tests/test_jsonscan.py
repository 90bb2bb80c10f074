"""``ingest.jsonscan``: nesting depth and top-level members read from the bytes, checked against ``json`` on
documents whose strings hold brackets, quotes, escaped quotes and runs of backslashes, with blocks so small that
every kind of boundary falls between two of them."""
from __future__ import annotations

import json
import random

import pytest

from findpark.ingest import jsonscan


def _depth(v) -> int:
    if isinstance(v, list):
        return 1 + max((_depth(x) for x in v), default=0)
    if isinstance(v, dict):
        return 1 + max((_depth(x) for x in v.values()), default=0)
    return 0


NASTY = ['[', ']', '{', '}', '"', '\\', '\\"', '\\\\', '\\\\"', '"]', '\\[', '浙江', 'a\\\\\\"b', '{"x": [1]}']


def _value(rng: random.Random, depth: int):
    r = rng.random()
    if depth > 5 or r < 0.35:
        return rng.choice([1, 2.5, None, True, "".join(rng.choice(NASTY) for _ in range(rng.randint(0, 6)))])
    if r < 0.7:
        return [_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {"".join(rng.choice(NASTY) for _ in range(rng.randint(1, 3))) + str(i): _value(rng, depth + 1)
            for i in range(rng.randint(0, 4))}


def _expected(doc: dict) -> dict:
    """The document with its largest top-level container's contents replaced as outline() does."""
    text = {k: json.dumps(v, ensure_ascii=False) for k, v in doc.items() if isinstance(v, (list, dict))}
    if not text:
        return doc
    big = max(text, key=lambda k: len(text[k]))
    out = dict(doc)
    out[big] = [jsonscan.SPAN] if isinstance(doc[big], list) else {jsonscan.SPAN: None}
    return out


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("block", [1, 3, 7, 64])
def test_outline_matches_json(tmp_path, monkeypatch, seed, block):
    rng = random.Random(seed)
    doc = {"type": "FeatureCollection", "name": "测试\\\"[", "features": [_value(rng, 1) for _ in range(rng.randint(0, 6))]}
    if rng.random() < 0.5:
        doc["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}
    monkeypatch.setattr(jsonscan, "BLOCK", block)
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(doc, ensure_ascii=rng.random() < 0.5, indent=rng.choice([None, 1])), "utf-8")
    depth = _depth(doc)
    assert jsonscan.outline(path, depth) == _expected(doc)  # the largest container left out, the rest as json
    with pytest.raises(ValueError, match=f"nested deeper than {depth - 1} levels"):
        jsonscan.outline(path, depth - 1)


@pytest.mark.parametrize("text", [b"", b"   ", b"[1, 2]", b'"a string"', b"42"])
def test_not_an_object(tmp_path, text):
    path = tmp_path / "x.json"
    path.write_bytes(text)
    with pytest.raises(ValueError):
        jsonscan.outline(path, 32)


def test_a_broken_top_level_is_a_value_error_and_broken_features_are_left_to_the_parser(tmp_path):
    path = tmp_path / "x.json"
    path.write_bytes(b'{"type": "FeatureCollection", "name": , "features": []}')
    with pytest.raises(ValueError):
        jsonscan.outline(path, 32)
    path.write_bytes(b'{"type": "FeatureCollection", "features": [{"type": "Feature", oops}]}')
    assert jsonscan.outline(path, 32) == {"type": "FeatureCollection", "features": [jsonscan.SPAN]}
