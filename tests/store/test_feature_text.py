"""Each feature's GeoJSON text kept beside its layer (``store/featuretext.py``), on every backend: after
writes, upserts with odd value types, replaces and deletes, ``read_window(text=True)`` gives exactly
``geo.geojson.feature_texts`` of the records ``read_window`` returns, and a row whose text is missing (a store
written before the table existed) is encoded from its record, with the same answer."""
from __future__ import annotations

import json

from findpark.geo.geojson import feature_texts
from findpark.store import featuretext

from tests.store.records import amenity, park, plot

BBOX = (120.2999, 30.2999, 120.335, 30.325)


def _agree(store, layer="plots", bbox=BBOX, **kw):
    recs, total = store.read_window(layer, bbox, **kw)
    texts, total2 = store.read_window(layer, bbox, text=True, **kw)
    assert total2 == total and texts == feature_texts(recs)
    return texts, total


def _sql(store, sql):
    with store.transaction() as conn:
        conn.execute(sql)


def test_texts_follow_every_write(store):
    plots = [plot(f"Q-{i:02d}", "P1", 120.30 + (i % 10) * 0.01, 30.30 + (i // 10) * 0.01) for i in range(30)]
    plots[3]["power_kva"] = 500  # an int for a REAL field: read back as 500.0
    plots[4]["far_max"] = 0.1 + 0.2  # rounded in the text as in the API
    plots[5]["synthetic"] = ("status",)  # a tuple for a list
    plots[6].pop("max_eia")  # missing: null
    store.write({"parks": [park("P1")], "plots": plots, "amenities": [amenity("A1", 120.31, 30.31)]})
    texts, total = _agree(store)
    assert total == 12 and len(texts) == 12
    first = json.loads(texts[0])
    assert first["id"] == "Q-00" and first["geometry"]["type"] == "Polygon" and first["properties"]["park_id"] == "P1"
    _agree(store, limit=5, offset=5)
    _agree(store, where={"id": ["Q-01", "Q-11"]})
    _agree(store, "parks", (120.2, 30.2, 120.4, 30.4))  # a Polygon written to a MULTIPOLYGON layer
    _agree(store, "amenities", (120.2, 30.2, 120.4, 30.4))
    store.write({"plots": [{**plot("Q-01", "P1", 120.31, 30.30), "status": "sold", "power_kva": 7.5},
                           {**plot("Q-01", "P1", 120.31, 30.30), "status": "leased"}]})  # the last one wins
    texts, _ = _agree(store)
    assert json.loads(texts[1])["properties"]["status"] == "leased"
    store.delete("plots", ["Q-00"])
    texts, total = _agree(store)
    assert total == 11 and json.loads(texts[0])["id"] == "Q-01"
    store.write({"plots": [plot("R-1", "P1", 120.301, 30.301)]}, replace=True)
    assert _agree(store)[1] == 1


def test_a_row_without_its_text_is_encoded_from_its_record(store):
    store.write({"parks": [park("P1")],
                 "plots": [plot(f"Q-{i}", "P1", 120.30 + i * 0.002, 30.301) for i in range(6)]})
    kept, _ = _agree(store)
    key = "fid" if store.backend == "gpkg" else "id"  # what the text table shares with its layer
    _sql(store, f"DELETE FROM {featuretext.table('plots')} WHERE {key} IN "
                f"(SELECT {key} FROM plots WHERE id IN ('Q-1', 'Q-4'))")
    assert _agree(store)[0] == kept
    _sql(store, f"DROP TABLE {featuretext.table('plots')}")  # a store from before the table
    store.__dict__.pop("_text_tables", None)
    assert _agree(store)[0] == kept
    store.write({"plots": [plot("Q-9", "P1", 120.31, 30.301)]})  # writes go on without it
    assert len(_agree(store)[0]) == 7
    store.init()  # the migration step: the table again, and the texts of the rows without one
    assert _agree(store)[0][:6] == kept
    with store.transaction() as conn:
        n = conn.execute(f"SELECT count(*) FROM {featuretext.table('plots')}").fetchone()[0]
    assert n == store.count("plots") == 7


def test_the_bundled_data_agrees(loaded_store):
    for layer, bbox in (("plots", (120.0, 30.0, 120.6, 30.5)), ("parks", (118, 27, 123, 32)),
                        ("amenities", (120.0, 30.0, 120.6, 30.5))):
        texts, total = _agree(loaded_store, layer, bbox, limit=1000)
        assert total > 0 and all(t.startswith('{"type":"Feature"') for t in texts)
