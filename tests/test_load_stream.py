"""``findpark load`` streams: GeoJSON features are validated as they are read and written in chunks inside one
transaction (``ingest.load.CHUNK``), on both backends; a problem anywhere rolls every chunk back."""
from __future__ import annotations

import pytest

from findpark.ingest import load as loader
from findpark.store import LoadError, open_store
from tests import pgcluster
from tests.conftest import plot_feature, square, write_fc


@pytest.fixture(params=["gpkg", "postgis"])
def store(request, bundled_db, tmp_path):
    from findpark.store.copy import copy_store

    src = open_store(bundled_db)
    dst = open_store(str(tmp_path / "s.gpkg") if request.param == "gpkg" else pgcluster.url())
    copy_store(src, dst)
    src.close()
    yield dst
    dst.close()


def _plots(n, start=0, **props):
    return [plot_feature(f"S-{i:04d}", geometry=square(120.36 + (i % 7) * 0.0005, 30.30), **props)
            for i in range(start, start + n)]


def test_a_streamed_load_in_chunks_equals_one_write(store, tmp_path, monkeypatch):
    monkeypatch.setattr(loader, "CHUNK", 4)
    path = write_fc(tmp_path / "plots.geojson", _plots(10), datum="wgs84")
    before, n_plots = store.data_version, store.count("plots")
    report = loader.load_files(store, [path])
    assert report.counts == {"plots": 10}
    assert store.count("plots") == n_plots + 10 and store.get("plots", "S-0009")["park_id"] == "G331018"
    assert store.data_version == before + 3  # writes of 4 + 4 + 2 (the last one with the load log)
    assert store.load_log()[-1]["counts"] == '{"plots": 10}'


def test_a_small_load_is_one_version(store, tmp_path):
    path = write_fc(tmp_path / "plots.geojson", _plots(3), datum="wgs84")
    before = store.data_version
    loader.load_files(store, [path])
    assert store.data_version == before + 1


@pytest.mark.parametrize("bad", ["duplicate", "unknown park", "unreadable tail"])
def test_a_problem_after_written_chunks_rolls_everything_back(store, tmp_path, monkeypatch, bad):
    monkeypatch.setattr(loader, "CHUNK", 3)
    feats = _plots(9)
    if bad == "duplicate":
        feats.append(plot_feature("S-0001", geometry=square(120.361, 30.30)))
    elif bad == "unknown park":
        feats.append(plot_feature("S-0100", park_id="NOPE"))
    path = write_fc(tmp_path / "plots.geojson", feats, datum="wgs84")
    if bad == "unreadable tail":
        text = path.read_text("utf-8")
        path.write_text(text[:-40], "utf-8")  # cut off: the reader fails after several chunks were written
    state = (store.data_version, store.ids("plots"), len(store.load_log()))
    with pytest.raises(LoadError) as exc:
        loader.load_files(store, [path])
    assert (store.data_version, store.ids("plots"), len(store.load_log())) == state
    msg = " ".join(exc.value.problems)
    assert {"duplicate": "duplicate id 'S-0001'", "unknown park": "park_id 'NOPE' does not exist",
            "unreadable tail": "not readable GeoJSON"}[bad] in msg


def test_replace_with_chunks_empties_each_layer_once(store, tmp_path, monkeypatch):
    monkeypatch.setattr(loader, "CHUNK", 4)
    path = write_fc(tmp_path / "plots.geojson", _plots(10), datum="wgs84")
    loader.load_files(store, [path], replace=True)
    assert store.ids("plots") == {f"S-{i:04d}" for i in range(10)}  # the old plots gone, every new chunk kept
