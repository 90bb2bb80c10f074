"""The one industry matcher (findpark.taxonomy.matching): park search, siting criterion and API agree, and the
labelled set built from the catalogue's own 主导产业 gives precision ≥ 0.9 and recall 1.0."""
import json

import pytest

from findpark.paths import DATA_DIR
from findpark.services.parks import filter_parks
from findpark.siting.recommend import recommend
from findpark.taxonomy import evaluate, labels, matching

PARKS = [f["properties"] for f in json.loads((DATA_DIR / "parks.geojson").read_text("utf-8"))["features"]]


@pytest.mark.parametrize("row", evaluate.evaluate(PARKS), ids=lambda r: r["query"])
def test_labelled_set_precision_and_recall(row):
    assert row["precision"] >= 0.9, row
    assert row["recall"] == 1.0, row


def test_labelled_set_is_big_enough():
    cases = evaluate.cases()
    assert len({c["query"] for c in cases}) >= 8
    assert {"芯片", "锂电", "动力电池", "新能源汽车零部件", "智能装备"} <= {c["query"] for c in cases}
    for c in cases:  # every label named in the set exists in the table
        assert c["fits"] <= set(labels()) and c["lists"] <= c["fits"]


def test_ic_search_is_the_park_that_lists_it():
    got = filter_parks(PARKS, industry="集成电路")
    assert [p["name"] for p in got] == ["浙江宁波出口加工区"]
    assert filter_parks(PARKS, industry="芯片") == got == filter_parks(PARKS, industry="半导体")


def test_broader_park_code_is_never_exact():
    q = matching.parse("C3562")  # semiconductor equipment; a park tagged C35 (专用设备) is broader
    level, a, b = matching.match(q, ["专用设备"], ["C35"])
    assert level == matching.DIVISION
    assert matching.match(matching.parse("C35"), ["专用设备"], ["C35"])[0] == matching.EXACT
    assert matching.pair_level("C367", "C36") == matching.DIVISION
    assert matching.pair_level("C3973", "C") == matching.SECTION


def test_related_codes_are_never_exact():
    q = matching.parse("集成电路")
    assert "C3562" in q.related and "C3562" not in q.codes
    assert matching.match(q, None, ["C3562"])[0] == matching.CHAIN


def test_synonyms_resolve_and_are_documented():
    for term, canon in [("芯片", "集成电路"), ("锂电", "锂电池"), ("动力电池", "锂电池"), ("新能源汽车零部件", "新能源汽车及零部件"),
                        ("智能装备", "智能制造")]:
        lab = labels()[term]
        assert lab.synonym_of == canon and lab.codes == labels()[canon].codes and lab.note
    for term in ("光伏", "医疗器械", "跨境电商"):
        assert labels()[term].codes


def test_unknown_text_gets_suggestions():
    with pytest.raises(matching.UnknownIndustry) as exc:
        matching.parse("新能源汽配件")
    assert 1 <= len(exc.value.suggestions) <= 5
    assert all(s in labels() for s in exc.value.suggestions)
    assert "closest labels" in exc.value.message()


def test_several_industries():
    q = matching.parse("汽车零部件、锂电")
    assert q.terms == ("汽车零部件", "锂电") and {"C367", "C3841"} <= set(q.codes)
    both = {p["id"] for p in filter_parks(PARKS, industry="汽车零部件、锂电")}
    assert {p["id"] for p in filter_parks(PARKS, industry="汽车零部件")} <= both


def test_one_matcher_for_search_and_siting(bundled_store):
    """Every park the search returns scores industry 1 in the siting model, and no other does."""
    resp = recommend(bundled_store, {"industry": "集成电路", "floor_m2": 1, "top_k": 100})
    exact = {p["park_id"] for p in resp["parks"] if p["criteria"]["industry"] == 1.0}
    searched = {p["id"] for p in filter_parks(PARKS, industry="集成电路")}
    assert exact <= searched


def test_api_unknown_industry_is_422_with_suggestions(client):
    r = client.post("/api/v1/recommend", json={"industry": "新能源汽配件", "land_mu_min": 10})
    assert r.status_code == 422
    bad = r.get_json()["invalid-params"]
    assert bad[0]["name"] == "industry" and "closest labels" in bad[0]["reason"]
    r = client.post("/api/v1/recommend", json={"industry": "新能源汽车零部件", "land_mu_min": 80, "land_mu_max": 120})
    assert r.status_code == 200
