"""The siting model: hard constraints at their boundaries, scores, properties, agreement with pymcdm, end to end."""
import datetime as dt
import json

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from pydantic import ValidationError

from findpark import taxonomy
from findpark.cli import main
from findpark.geo.measure import GEOD
from findpark.siting import CRITERIA, Requirement, candidates, choice_set, constraints, kernel, recommend
from findpark.siting.industry import CHAIN, DIVISION, EXACT, GROUP, SECTION, pair_level
from findpark.store import open_store

TODAY = dt.date(2026, 11, 1)
AIRPORT = (120.30, 30.30)


def _square_at(lon, lat, half_m=60):
    """A small square whose centroid is (lon, lat)."""
    corners = [GEOD.fwd(lon, lat, az, half_m * 2 ** 0.5)[:2] for az in (45, 135, 225, 315)]
    return shapely.Polygon(corners)


def _offset(km, az=90):
    lon, lat, _ = GEOD.fwd(*AIRPORT, az, km * 1000)
    return lon, lat


BASE_PLOT = {"area_mu": 50.0, "status": "available", "min_investment_wan_per_mu": 30.0, "min_tax_wan_per_mu": 3.0,
             "power_kva": 2000.0, "water_t_day": 200.0, "max_eia": "report", "land_use": "M1",
             "price_wan_per_mu": 20.0, "park_id": "P1", "available_from": "2026-01-01",
             "source": "test", "as_of": "2026", "synthetic": []}
BASE_REQ = {"industry": "装备制造", "land_mu_min": 40, "land_mu_max": 120, "investment_wan": 5000, "annual_tax_wan": 500,
            "power_kva": 1000, "water_t_day": 100, "eia": "report_form", "max_price_wan_per_mu": 30,
            "districts": ["330114"], "max_distance_km": {"airport": 10}}

# code -> (attributes of a plot that just passes, attributes of one that just fails)
BOUNDARY = {
    "status_unavailable": ({"status": "available"}, {"status": "reserved"}),
    "area_too_small": ({"area_mu": 40.0}, {"area_mu": 39.99}),
    "area_too_large": ({"area_mu": 120.0}, {"area_mu": 120.01}),
    "investment_intensity": ({"min_investment_wan_per_mu": 100.0}, {"min_investment_wan_per_mu": 100.01}),
    "tax_per_mu": ({"min_tax_wan_per_mu": 10.0}, {"min_tax_wan_per_mu": 10.01}),
    "power": ({"power_kva": 1000.0}, {"power_kva": 999.0}),
    "water": ({"water_t_day": 100.0}, {"water_t_day": 99.0}),
    "eia": ({"max_eia": "report_form"}, {"max_eia": "registration"}),
    "land_use": ({"land_use": "M2"}, {"land_use": "M3"}),  # 装备制造 → M1, which may also use M2 land
    "price": ({"price_wan_per_mu": 30.0}, {"price_wan_per_mu": 30.01}),
    "district": ({"park_id": "P1"}, {"park_id": "P2"}),
    "distance_airport": ({"_km": 9.9}, {"_km": 10.1}),
}


@pytest.fixture(scope="module")
def boundary_store(tmp_path_factory):
    store = open_store(tmp_path_factory.mktemp("b") / "b.gpkg")
    store.init()
    parks = []
    for pid, adcode in (("P1", "330114"), ("P2", "330109")):
        parks.append({"geometry": shapely.box(120.2, 30.2, 120.5, 30.5), "id": pid, "name": f"园区{pid}",
                      "level": "provincial", "kind": "经济开发区", "adcode": adcode, "leading_industries": ["装备制造"],
                      "industry_codes": list(taxonomy.resolve("装备制造")), "tax_per_mu_wan": 30.0,
                      "source": "test", "as_of": "2026", "synthetic": []})
    plots = []
    for n, (code, (ok, bad)) in enumerate(sorted(BOUNDARY.items())):
        for tag, attrs in (("ok", ok), ("bad", bad)):
            km = attrs.get("_km", 5.0)
            rec = {**BASE_PLOT, **{k: v for k, v in attrs.items() if not k.startswith("_")}}
            rec.update(id=f"{code}-{tag}", geometry=_square_at(*_offset(km, az=10 + 25 * n)))
            plots.append(rec)
    amenities = [{"geometry": shapely.Point(*AIRPORT), "id": "A1", "kind": "airport", "name": "测试机场",
                  "source": "test", "as_of": "2026", "synthetic": []}]
    store.write({"parks": parks, "plots": plots, "amenities": amenities})
    yield store
    store.close()


@pytest.mark.parametrize("code", sorted(BOUNDARY))
def test_each_constraint_just_passes_and_just_fails(boundary_store, code):
    data = candidates.build(boundary_store)
    req = Requirement(**BASE_REQ)
    failures = constraints.first_failure(constraints.plot_checks(data, req), data.n_plots)
    codes, by_id = failures.codes, dict(zip(data.plot_ids, failures.first))
    assert by_id[f"{code}-ok"] == -1, (code, codes[by_id[f"{code}-ok"]])
    assert codes[by_id[f"{code}-bad"]] == code
    resp = recommend(boundary_store, {**BASE_REQ, "top_k": 100}, today=TODAY)
    assert f"{code}-ok" in {p["plot_id"] for p in resp["plots"]}
    ex = resp["excluded"]
    if code == "district":  # the districts are the scope: a plot outside them is not counted as excluded
        assert "district" not in ex["by_reason"] and "district-bad" not in str(ex["examples"])
    else:  # each bad plot fails exactly one constraint: first failure and "fails only this" agree
        assert ex["by_reason"][code] == 1 == ex["only"][code] and f"{code}-bad" in ex["examples"][code]
    assert ex["total"] == len(BOUNDARY) - 1 and ex["scope"]["candidates"] == ex["total"] + resp["eligible"]


def test_unknown_amenity_kind_excludes_everything_with_a_warning(boundary_store):
    resp = recommend(boundary_store, {**BASE_REQ, "max_distance_km": {"highway_interchange": 5}}, today=TODAY)
    assert resp["plots"] == [] and resp["excluded"]["by_reason"]["distance_highway_interchange"] > 0
    assert any("highway_interchange" in w for w in resp["warnings"])


TIED = ("tie-c", "tie-a", "tie-d", "tie-b")  # written in this order: the store's order is not the id order


@pytest.fixture(scope="module")
def tie_store(tmp_path_factory):
    """Four plots with the same attributes on the same polygon (so exactly the same score on every criterion),
    between one plot nearer the airport and one farther away, in one park."""
    store = open_store(tmp_path_factory.mktemp("ties") / "ties.gpkg")
    store.init()
    park = {"geometry": shapely.box(120.2, 30.2, 120.5, 30.5), "id": "P1", "name": "园区P1", "level": "provincial",
            "kind": "经济开发区", "adcode": "330114", "leading_industries": ["装备制造"],
            "industry_codes": list(taxonomy.resolve("装备制造")), "tax_per_mu_wan": 30.0,
            "source": "test", "as_of": "2026", "synthetic": []}
    same = _square_at(*_offset(5.0))
    plots = [{**BASE_PLOT, "id": pid, "geometry": same} for pid in TIED]
    plots += [{**BASE_PLOT, "id": "z-near", "geometry": _square_at(*_offset(1.0, az=200))},
              {**BASE_PLOT, "id": "a-far", "geometry": _square_at(*_offset(9.5, az=300))}]
    amenities = [{"geometry": shapely.Point(*AIRPORT), "id": "A1", "kind": "airport", "name": "测试机场",
                  "source": "test", "as_of": "2026", "synthetic": []}]
    store.write({"parks": [park], "plots": plots, "amenities": amenities})
    yield store
    store.close()


def test_ties_broken_by_id(tie_store):
    """Equal scores are ordered by plot id ascending (kernel.rank), also when top_k cuts through the tie."""
    resp = recommend(tie_store, {**BASE_REQ, "top_k": 100}, today=TODAY)
    ranked = [p["plot_id"] for p in resp["plots"]]
    score = {p["plot_id"]: p["score"] for p in resp["plots"]}
    assert sorted(ranked) == sorted([*TIED, "z-near", "a-far"])
    assert len({score[pid] for pid in TIED}) == 1  # a real tie, not merely close scores
    assert score["z-near"] > score["tie-a"] > score["a-far"]
    assert ranked == ["z-near", "tie-a", "tie-b", "tie-c", "tie-d", "a-far"]
    assert [p["rank"] for p in resp["plots"]] == list(range(1, 7))
    cut = recommend(tie_store, {**BASE_REQ, "top_k": 3}, today=TODAY)  # the cut falls inside the tie
    assert [p["plot_id"] for p in cut["plots"]] == ["z-near", "tie-a", "tie-b"]


# -- the kernel --------------------------------------------------------------------------------------
matrices = arrays(np.float64, st.tuples(st.integers(2, 30), st.just(len(CRITERIA))),
                  elements=st.floats(0, 1, allow_nan=False))
weights = arrays(np.float64, len(CRITERIA), elements=st.floats(0, 10, allow_nan=False)).filter(lambda w: w.sum() > 1e-3)


@settings(max_examples=150, deadline=None)
@given(X=matrices, w=weights, c=st.floats(1e-3, 1e3))
def test_scale_invariance(X, w, c):
    assert np.allclose(kernel.wsm(X, w), kernel.wsm(X, c * w), rtol=1e-12, atol=1e-12)


@settings(max_examples=150, deadline=None)
@given(X=matrices, w=weights, data=st.data())
def test_monotonicity(X, w, data):
    i = data.draw(st.integers(0, len(X) - 1))
    f = data.draw(st.integers(0, X.shape[1] - 1))
    better = X.copy()
    better[i, f] = data.draw(st.floats(X[i, f], 1.0))
    assert kernel.wsm(better, w)[i] >= kernel.wsm(X, w)[i] - 1e-15
    others = np.arange(len(X)) != i
    assert np.array_equal(kernel.wsm(better, w)[others], kernel.wsm(X, w)[others])


@settings(max_examples=150, deadline=None)
@given(X=matrices, w=weights, seed=st.integers(0, 2**31))
def test_permutation_invariance(X, w, seed):
    ids = np.array([f"id{i:03d}" for i in range(len(X))], dtype=object)
    perm = np.random.default_rng(seed).permutation(len(X))
    s, sp = kernel.wsm(X, w), kernel.wsm(X[perm], w)
    assert np.allclose(sp, s[perm], rtol=0, atol=1e-15)
    assert list(ids[kernel.rank(s, ids)]) == list(ids[perm][kernel.rank(sp, ids[perm])])


@settings(max_examples=60, deadline=None)
@given(X=matrices, w=weights, k=st.integers(1, 10))
def test_rank_top_k_matches_full_sort(X, w, k):
    ids = np.array([f"id{i:03d}" for i in range(len(X))], dtype=object)
    s = np.round(kernel.wsm(X, w), 2)  # force ties
    assert list(kernel.rank(s, ids, k)) == list(kernel.rank(s, ids))[:k]


def test_stability_bounds():
    X = np.array([[1.0, 1.0], [0.1, 0.1], [0.0, 0.05], [0.0, 0.0]])
    stab = kernel.stability(X, [1, 1], np.array([0, 3]), top=1)
    assert stab[0] == 1.0 and stab[1] == 0.0
    # a near-tie splits the draws
    X = np.array([[1.0, 0.0], [0.0, 1.0]])
    s = kernel.stability(X, [1, 1], np.array([0, 1]), top=1)
    assert 0.3 < s[0] < 0.7 and s[0] + s[1] == pytest.approx(1.0)


def test_weighted_sum_agrees_with_pymcdm(bundled_store):
    from pymcdm.methods import WSM

    data = candidates.for_store(bundled_store)
    X, ids = choice_set(data, Requirement(industry="装备制造", land_mu_min=20, land_mu_max=200), TODAY)
    assert len(X) > 50
    w = kernel.normalise_weights([0.3, 0.15, 0.12, 0.13, 0.1, 0.1, 0.1])
    ours = kernel.wsm(X, w)
    theirs = WSM(normalization_function=lambda x, cost: x)(X, w, np.ones(X.shape[1]))
    assert np.allclose(ours, theirs, atol=1e-12)
    assert list(np.argsort(-ours, kind="stable")) == list(np.argsort(-theirs, kind="stable"))


# -- end to end on the bundled data ------------------------------------------------------------------
FAMILY_EXAMPLES = {
    "装备制造": "通用设备", "汽车": "汽车零部件", "电子信息": "电子信息", "生物医药": "生物医药", "新材料": "新材料",
    "化工": "化工", "纺织服装": "纺织", "轻工": "家具", "食品": "食品", "金属冶金": "金属制品", "建材": "建材",
    "能源环保": "节能环保", "物流贸易": "保税仓储", "现代服务": "文化创意",
}


@pytest.mark.parametrize("family", sorted(FAMILY_EXAMPLES))
def test_end_to_end_per_industry_family(bundled_store, family):
    label = FAMILY_EXAMPLES[family]
    assert taxonomy.labels()[label].family == family
    resp = recommend(bundled_store, {"industry": label, "land_mu_min": 10, "land_mu_max": 150, "top_k": 5}, today=TODAY)
    assert resp["plots"], family
    n_plots = bundled_store.count("plots")
    eligible = n_plots - resp["excluded"]["total"]
    assert eligible >= len(resp["plots"]) and sum(resp["excluded"]["by_reason"].values()) == resp["excluded"]["total"]
    top = resp["plots"][0]
    assert top["criteria"]["industry"] >= 0.6, (family, top["reasons"][0])  # at least the same 大类
    assert top["reasons"][0].startswith(("主导产业", "与园区主导产业同属"))
    land_use = resp["request"]["allowed_land_uses"]
    for p in resp["plots"]:
        assert abs(sum(p["contributions"].values()) - p["score"]) < 1e-9
        plot = bundled_store.get("plots", p["plot_id"])
        assert plot["status"] == "available" and 10 <= plot["area_mu"] <= 150 and plot["land_use"] in land_use
    assert [p["rank"] for p in resp["parks"]] == list(range(1, len(resp["parks"]) + 1))
    assert resp["parks"][0]["score"] == pytest.approx(max(p["score"] for p in resp["plots"]))


def test_chemical_full_report_goes_to_chemical_zones(bundled_store):
    resp = recommend(bundled_store, {"industry": "化工", "land_mu_min": 10, "land_mu_max": 300, "eia": "报告书"}, today=TODAY)
    assert resp["plots"]
    for p in resp["plots"]:
        assert bundled_store.get("plots", p["plot_id"])["max_eia"] == "report"
        park = bundled_store.get("parks", p["park_id"])
        assert "化工" in {taxonomy.labels()[lab].family for lab in park["leading_industries"]}


def test_readme_example_auto_parts(bundled_store):
    req = json.load(open("examples/auto_parts.json", encoding="utf-8"))
    resp = recommend(bundled_store, req, today=TODAY)
    assert resp["plots"] and resp["parks"]
    for p in resp["plots"]:
        assert 80 <= p["area_mu"] <= 120 and 0 <= p["stability"] <= 1
        assert any(r.startswith("距") and "机场" in r for r in p["reasons"])
        assert any(r.startswith("地块 ") and r.endswith("需求 80-120 亩") for r in p["reasons"])
    assert resp["request"]["eia"] == "report_form"
    by_reason = resp["excluded"]["by_reason"]
    assert by_reason["status_unavailable"] > 0 and by_reason["area_too_small"] > 0


def test_floor_space_request_ranks_parks(bundled_store):
    resp = recommend(bundled_store, {"industry": "电子信息", "floor_m2": 5000, "districts": ["杭州市"]}, today=TODAY)
    assert resp["plots"] == [] and resp["parks"] and resp["excluded"]["unit"] == "parks"
    for p in resp["parks"]:
        park = bundled_store.get("parks", p["park_id"])
        assert park["city"] == "杭州市" and park["vacant_factory_m2"] >= 5000 and p["via"] == "floor_space"
        assert any("空置标准厂房" in r for r in p["reasons"])


def test_same_request_same_response_and_weight_scale(bundled_store):
    req = {"industry": "生物医药", "land_mu_min": 20, "land_mu_max": 100, "weights": {c: 1 for c in CRITERIA}}
    a = recommend(bundled_store, req, today=TODAY)
    b = recommend(bundled_store, req, today=TODAY)
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
    c = recommend(bundled_store, {**req, "weights": {k: 7.5 for k in CRITERIA}}, today=TODAY)
    assert [p["plot_id"] for p in c["plots"]] == [p["plot_id"] for p in a["plots"]]
    assert [p["score"] for p in c["plots"]] == pytest.approx([p["score"] for p in a["plots"]], abs=1e-12)


def test_weights_move_the_ranking(bundled_store):
    base = {"industry": "装备制造", "land_mu_min": 20, "land_mu_max": 100}
    cheap = recommend(bundled_store, {**base, "weights": {"cost": 1}}, today=TODAY)
    near = recommend(bundled_store, {**base, "weights": {"transport": 1}}, today=TODAY)
    assert cheap["plots"][0]["plot_id"] != near["plots"][0]["plot_id"]
    assert cheap["plots"][0]["criteria"]["cost"] >= near["plots"][0]["criteria"]["cost"]
    assert near["plots"][0]["criteria"]["transport"] >= cheap["plots"][0]["criteria"]["transport"]
    for prof in ("default", "manufacturing", "rnd", "logistics"):
        r = recommend(bundled_store, {**base, "profile": prof}, today=TODAY)
        assert r["profile"] == prof and sum(r["weights"].values()) == pytest.approx(1.0)


def test_precompute_once_per_store_version(tmp_path, small_db):
    store = open_store(small_db)
    a = candidates.for_store(store)
    assert candidates.for_store(store) is a
    assert list(a.plot_ids) == sorted(a.plot_ids) and list(a.park_ids) == sorted(a.park_ids)  # ties use positions
    rec = store.get("plots", next(iter(store.ids("plots"))))
    store.write({"plots": [{**rec, "status": "sold"}]})
    b = candidates.for_store(store)
    assert b is not a and b.version == a.version + 1


def test_industry_levels():
    assert pair_level("C36", "C367") == EXACT and pair_level("C367", "C36") == DIVISION  # a broader park code
    assert pair_level("C3670", "C3671") == GROUP
    assert pair_level("C361", "C367") == DIVISION
    assert pair_level("C36", "C29") == CHAIN and pair_level("C29", "C39") == CHAIN  # 汽车 ↔ 橡胶塑料 ↔ 电子
    assert pair_level("C36", "C32") == SECTION  # no direct link
    assert pair_level("C27", "G59") == 0.0


BAD_REQUESTS = [
    ({"land_mu_min": 10}, "industry"),
    ({"industry": "宇宙飞船", "land_mu_min": 10}, "industry"),
    ({"industry": "化工"}, "request"),
    ({"industry": "化工", "land_mu_min": 0}, "land_mu_min"),
    ({"industry": "化工", "land_mu_min": 50, "land_mu_max": 10}, "land_mu_max"),
    ({"industry": "化工", "floor_m2": -1}, "floor_m2"),
    ({"industry": "化工", "land_mu_min": 10, "eia": "big"}, "eia"),
    ({"industry": "化工", "land_mu_min": 10, "land_use": "M9"}, "land_use"),
    ({"industry": "化工", "land_mu_min": 10, "districts": ["火星"]}, "districts"),
    ({"industry": "化工", "land_mu_min": 10, "max_distance_km": {"spaceport": 5}}, "max_distance_km.spaceport"),
    ({"industry": "化工", "land_mu_min": 10, "max_distance_km": {"airport": -5}}, "max_distance_km"),
    ({"industry": "化工", "land_mu_min": 10, "weights": {"beauty": 1}}, "weights"),
    ({"industry": "化工", "land_mu_min": 10, "weights": {"cost": -1}}, "weights"),
    ({"industry": "化工", "land_mu_min": 10, "weights": {"cost": 0}}, "weights"),
    ({"industry": "化工", "land_mu_min": 10, "profile": "nope"}, "profile"),
    ({"industry": "化工", "land_mu_min": 10, "top_k": 0}, "top_k"),
    ({"industry": "化工", "land_mu_min": 10, "top_k": 101}, "top_k"),
    ({"industry": "化工", "land_mu_min": 10, "colour": "red"}, "colour"),
    ({"industry": "化工", "land_mu_min": "ten"}, "land_mu_min"),
]


@pytest.mark.parametrize("req,field", BAD_REQUESTS)
def test_bad_requests_rejected(req, field):
    with pytest.raises(ValidationError) as exc:
        Requirement.model_validate(req)
    from findpark.siting import format_errors

    assert field in [e["field"] for e in format_errors(exc.value)]


def test_cli_recommend(runner, bundled_db, tmp_path):
    out = runner.invoke(main, ["recommend", "examples/auto_parts.json", "--db", str(bundled_db), "--json"])
    assert out.exit_code == 0, out.output
    resp = json.loads(out.stdout)
    assert resp["plots"] and set(resp) >= {"request", "weights", "plots", "parks", "excluded"}
    out = runner.invoke(main, ["recommend", "examples/auto_parts.json", "--db", str(bundled_db)])
    assert out.exit_code == 0 and "地块排名" in out.stdout and "排除" in out.stdout
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"industry": "宇宙飞船", "land_mu_min": 5, "land_mu_max": 1, "colour": 1}), "utf-8")
    out = runner.invoke(main, ["recommend", str(bad), "--db", str(bundled_db)])
    assert out.exit_code == 2
    for field in ("industry", "land_mu_max", "colour"):
        assert f"  {field}:" in out.stderr
    bad.write_text("{not json", "utf-8")
    out = runner.invoke(main, ["recommend", str(bad), "--db", str(bundled_db)])
    assert out.exit_code == 2 and "not valid JSON" in out.stderr


def test_cli_profiles(runner):
    out = runner.invoke(main, ["profiles", "--json"])
    assert out.exit_code == 0
    profs = json.loads(out.stdout)
    assert {"default", "manufacturing", "rnd", "logistics"} <= set(profs)
    for p in profs.values():
        assert set(p["weights"]) == set(CRITERIA) and sum(p["weights"].values()) == pytest.approx(1.0)
