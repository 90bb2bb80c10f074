"""A big load is read in a second process (``ingest.pipe.Piped``) while this one writes: the same records,
problems and notes, in the same order, as when read here (``Local``), on both backends; a reader that dies is
a clear error and nothing is loaded."""
from __future__ import annotations

import pytest

from findpark.ingest import load as loader
from findpark.ingest import pipe
from findpark.store import LoadError, featuretext, open_store
from findpark.store.schema import LAYERS
from tests import pgcluster
from tests.conftest import plot_feature, square, write_fc


def _mixed(n: int) -> list:
    """Plots, some with notes (an unknown field, heights), some refused (a bad field, a bad geometry)."""
    out = []
    for i in range(n):
        geom = square(120.36 + (i % 7) * 0.0005, 30.30)
        extra = {}
        if i % 4 == 1:
            extra["colour"] = "red"
        if i % 5 == 2:
            geom = {"type": "Polygon", "coordinates": [[[*p, 9.0] for p in geom["coordinates"][0]]]}
        out.append(plot_feature(f"Q-{i:03d}", geometry=geom, power_kva=100 + i, **extra))
    return out


def _bad(feats: list) -> list:
    feats[3]["properties"]["status"] = "sold out"
    feats[8]["geometry"] = {"type": "Polygon", "coordinates": [[[120.36, True], [120.37, 30.3], [120.37, 30.31]]]}
    feats[9]["properties"]["far_min"] = -1
    feats.append(plot_feature("Q-000", geometry=square(120.361, 30.30)))  # a duplicate id, last
    return feats


def _read(kind, paths):
    problems, notes = [], []
    src = kind(paths, "EPSG:4326", None, problems, notes)
    try:
        seen, texts = [], []
        for name, rec in src.records():
            text = rec.pop(featuretext.KEY, None)  # the piped reader encodes each feature's text
            if text is not None:
                assert text == featuretext.texts(LAYERS[name], [rec])[0][1]
            seen.append((name, {k: (v.wkb if k == "geometry" else v) for k, v in rec.items()}, len(problems),
                         len(notes)))
            texts.append(text is not None)
        return src.layers, seen, problems, notes, texts
    finally:
        src.close()


@pytest.mark.parametrize("bad", [False, True])
def test_piped_records_problems_and_notes_are_locals_in_order(tmp_path, monkeypatch, bad):
    monkeypatch.setattr(pipe, "BATCH", 3)  # many batches, problems and notes met inside and between them
    feats = _mixed(23)
    path = write_fc(tmp_path / "plots.geojson", _bad(feats) if bad else feats)
    other = write_fc(tmp_path / "amenities.geojson", [{"type": "Feature", "geometry": None, "properties": {}}])
    local = _read(pipe.Local, [path, other])
    piped = _read(pipe.Piped, [path, other])
    assert piped[:4] == local[:4]
    layers, seen, problems, notes, _ = local
    # the reader made the texts of every second batch of 3 (the writer makes the others)
    assert not any(local[4]) and piped[4] == [(i // 3) % 2 == 1 for i in range(len(seen))]
    assert layers == {"plots", "amenities"} and len(seen) == (20 if bad else 23)
    assert any("heights" in n for n in notes) and any("colour" in n for n in notes)
    assert any("no geometry" in p for p in problems)  # the amenity
    if bad:
        assert any("sold out" in p for p in problems) and any("duplicate id 'Q-000'" in p for p in problems)
    # the counts seen at each record agree too: every problem and note arrived before the record after it
    assert [s[2:] for s in piped[1]] == [s[2:] for s in local[1]]


@pytest.fixture(params=["gpkg", "postgis"])
def two_stores(request, bundled_db, tmp_path):
    from findpark.store.copy import copy_store

    src = open_store(bundled_db)
    pair = [open_store(str(tmp_path / f"s{i}.gpkg") if request.param == "gpkg" else pgcluster.url())
            for i in range(2)]
    for dst in pair:
        copy_store(src, dst)
    src.close()
    yield pair
    for s in pair:
        s.close()


def _load(store, paths, piped: bool, monkeypatch, **kw):
    monkeypatch.setattr(pipe, "PIPE_MIN_BYTES", 0 if piped else 1 << 60)
    made, source = [], pipe.source

    def spy(*args):
        made.append(source(*args))
        return made[-1]

    monkeypatch.setattr(pipe, "source", spy)
    try:
        return loader.load_files(store, paths, crs="EPSG:4326", **kw)
    finally:
        assert [type(m) for m in made] == [pipe.Piped if piped else pipe.Local]


def _state(store):
    return (store.data_version, len(store.load_log()),
            sorted((r["id"], r["geometry"].wkb, r["power_kva"], r["area_mu"]) for r in store.read("plots")))


def test_a_piped_load_stores_what_a_local_one_does(two_stores, tmp_path, monkeypatch):
    monkeypatch.setattr(pipe, "BATCH", 4)
    monkeypatch.setattr(loader, "CHUNK", 5)
    path = write_fc(tmp_path / "plots.geojson", _mixed(17))
    a, b = two_stores
    ra = _load(a, [path], False, monkeypatch)
    rb = _load(b, [path], True, monkeypatch)
    assert (ra.counts, ra.notes) == (rb.counts, rb.notes) == ({"plots": 17}, ra.notes)
    assert _state(a) == _state(b) and a.get("plots", "Q-016")["power_kva"] == 116


def test_a_piped_load_refuses_what_a_local_one_does_and_writes_nothing(two_stores, tmp_path, monkeypatch):
    monkeypatch.setattr(pipe, "BATCH", 4)
    monkeypatch.setattr(loader, "CHUNK", 5)
    path = write_fc(tmp_path / "plots.geojson", _bad(_mixed(17)))
    a, b = two_stores
    before = _state(a)
    errors = []
    for store, piped in ((a, False), (b, True)):
        with pytest.raises(LoadError) as exc:
            _load(store, [path], piped, monkeypatch)
        errors.append(exc.value.problems)
        assert _state(store) == before
    assert errors[0] == errors[1] and len(errors[0]) == 4


def test_a_reader_that_dies_is_a_clear_error_and_nothing_is_loaded(two_stores, tmp_path, monkeypatch):
    monkeypatch.setattr(pipe, "BATCH", 2)
    monkeypatch.setattr(pipe, "AHEAD", 2)  # the reader soon waits on a full pipe: it cannot finish first
    monkeypatch.setattr(loader, "CHUNK", 3)
    path = write_fc(tmp_path / "plots.geojson", _mixed(3000))
    store = two_stores[0]
    before = _state(store)
    start = pipe.Piped.__init__

    def killed(self, *args):
        start(self, *args)
        self._proc.kill()  # after the plan: some batches may be on their way, the rest never come

    monkeypatch.setattr(pipe.Piped, "__init__", killed)
    with pytest.raises(LoadError) as exc:
        _load(store, [path], True, monkeypatch)
    assert exc.value.problems == ["the reading process ended early (exit code -9)"]
    assert _state(store) == before


def test_small_loads_stay_in_this_process(tmp_path):
    path = write_fc(tmp_path / "plots.geojson", _mixed(2))
    src = pipe.source([path], "EPSG:4326", None, [], [])
    src.close()
    assert type(src) is pipe.Local and pipe.PIPE_MIN_BYTES >= 16 << 20
