"""Incremental siting data: after a write that touched a few plots, the candidate arrays are patched from the
store's change log (``candidates.patch``), not rebuilt, and the patch equals a full build, on both backends.

A full build is still used whenever the patch could be wrong: parks, amenities or indicators changed, a layer
was replaced, the log has a gap, or many plots changed.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json

import numpy as np
import pytest
import shapely

from findpark.siting import candidates
from findpark.siting.recommend import recommend
from findpark.store import cache, open_store
from tests import pgcluster
from tests.conftest import REPO

EXAMPLE = json.loads((REPO / "examples" / "auto_parts.json").read_text("utf-8"))
TODAY = dt.date(2026, 1, 15)


@pytest.fixture(params=["gpkg", "postgis"])
def store(request, bundled_db, tmp_path):
    """A writable copy of the bundled store on each backend."""
    from findpark.store.copy import copy_store

    src = open_store(bundled_db)
    url = str(tmp_path / "s.gpkg") if request.param == "gpkg" else pgcluster.url()
    dst = open_store(url)
    copy_store(src, dst)
    src.close()
    yield dst
    dst.close()


def _same(a: candidates.SitingData, b: candidates.SitingData) -> None:
    for f in dataclasses.fields(candidates.SitingData):
        if f.name in ("cache", "amenities"):
            continue
        x, y = getattr(a, f.name), getattr(b, f.name)
        if f.name in ("plot_dist", "park_dist"):
            assert x.keys() == y.keys()
            for k in x:
                np.testing.assert_array_equal(x[k][0], y[k][0], err_msg=f"{f.name}[{k}] km")
                np.testing.assert_array_equal(x[k][1], y[k][1], err_msg=f"{f.name}[{k}] nearest")
        elif isinstance(x, np.ndarray):
            assert x.dtype == y.dtype, f.name
            np.testing.assert_array_equal(x, y, err_msg=f.name)
        else:
            assert x == y, f.name


def _edit(store):
    """One edit of each kind: a changed plot, a new plot (between existing ids), a deleted plot."""
    ids = sorted(store.ids("plots"))
    changed = store.get("plots", ids[10])
    store.write({"plots": [{**changed, "status": "sold", "price_wan_per_mu": 12.5, "synthetic": ["geometry"]}]})
    new = {**store.get("plots", ids[20]), "id": ids[20] + "a", "area_mu": 99.0,
           "geometry": shapely.affinity.translate(changed["geometry"], 0.01, 0.01)}
    store.write({"plots": [new]})
    store.delete("plots", [ids[30]])
    return changed["id"], new["id"], ids[30]


def test_a_few_plot_edits_are_patched_and_equal_a_full_build(store, monkeypatch):
    cache.clear()
    before = candidates.for_store(store)
    changed, added, gone = _edit(store)
    built = []
    monkeypatch.setattr(candidates, "build", lambda s: built.append(1) or pytest.fail("rebuilt"))
    patched = candidates.for_store(store)
    assert not built and patched.version == store.data_version == before.version + 3
    monkeypatch.undo()
    _same(patched, candidates.build(store))
    i = list(patched.plot_ids).index(changed)
    assert not patched.available[i] and patched.price[i] == 12.5 and patched.plot_synthetic[i] == {"geometry"}
    assert added in patched.plot_ids and gone not in patched.plot_ids
    assert patched.n_plots == before.n_plots and before.n_plots == len(before.lon)  # the old version untouched
    assert cache.stats()["entries"] == 1  # the old version's arrays are gone


def test_recommend_after_a_patch_equals_recommend_after_a_rebuild(store):
    cache.clear()
    recommend(store, EXAMPLE, today=TODAY)  # warm
    _edit(store)
    plot = recommend(store, EXAMPLE, today=TODAY)["plots"][0]["plot_id"]
    store.write({"plots": [{**store.get("plots", plot), "status": "reserved"}]})  # the top plot is taken
    patched = recommend(store, EXAMPLE, today=TODAY)
    cache.clear()
    rebuilt = recommend(store, EXAMPLE, today=TODAY)
    assert patched == rebuilt
    assert plot not in [p["plot_id"] for p in patched["plots"]]


@pytest.mark.parametrize("write", ["park", "amenity", "quarterly", "replace", "many"])
def test_writes_a_patch_cannot_follow_rebuild(store, write, monkeypatch):
    cache.clear()
    before = candidates.for_store(store)
    if write == "park":
        park = store.read("parks", limit=1)[0]
        store.write({"parks": [{**park, "tax_per_mu_wan": 99.0}]})
    elif write == "amenity":
        am = store.read("amenities", limit=1)[0]
        store.write({"amenities": [{**am, "geometry": shapely.Point(120.0, 30.0)}]})
    elif write == "quarterly":
        store.write_quarterly(store.read_quarterly()[:1])
    elif write == "replace":
        store.write({"plots": store.read("plots")}, replace=True)
    else:
        monkeypatch.setattr(candidates, "PATCH_MIN", 2)
        store.write({"plots": store.read("plots", limit=before.n_plots // 50 + 1)})
    assert candidates.patch(store, before) is None
    _same(candidates.for_store(store), candidates.build(store))


def test_a_gap_in_the_log_rebuilds(store):
    cache.clear()
    before = candidates.for_store(store)
    _edit(store)
    store.delete_rows("changes", {"version": before.version + 1})
    assert store.changes_since(before.version) is None
    assert candidates.patch(store, before) is None
    _same(candidates.for_store(store), candidates.build(store))


def test_a_kept_ogc_page_follows_the_next_write(store):
    """OGC item pages are encoded once per data_version: a write shows on the next request, on both backends."""
    from findpark.app import create_app

    cache.clear()
    app = create_app({"DB": store.url.removeprefix("gpkg:"), "TESTING": True, "TILES": None})
    client = app.test_client()
    try:
        url = "/ogc/collections/plots/items?bbox=120.2,30.1,120.6,30.5&limit=5"
        first = client.get(url).get_json()
        again = client.get(url).get_json()
        assert [f["properties"] for f in again["features"]] == [f["properties"] for f in first["features"]]
        pid = first["features"][0]["id"]
        status = "sold" if first["features"][0]["properties"]["status"] != "sold" else "available"
        store.write({"plots": [{**store.get("plots", pid), "status": status, "price_wan_per_mu": 1.5}]})
        after = client.get(url).get_json()
        assert after["features"][0]["properties"]["status"] == status
        assert after["features"][0]["properties"]["price_wan_per_mu"] == 1.5
        assert after["numberMatched"] == first["numberMatched"] and after["links"] == first["links"]
    finally:
        app.extensions["findpark_store"].close()
