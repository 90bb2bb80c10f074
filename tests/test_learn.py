"""Weights learned from past placements: synthetic placements, the placements CSV, the WeightLearner."""
import datetime as dt
import json
import math

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from findpark.siting import CRITERIA, Requirement
from findpark.siting.candidates import for_store
from findpark.siting.learn import WeightLearner, evaluate_profiles, hit_at_k, ndcg_at_k
from findpark.siting.placements import (load_placements_csv, save_placements_csv, synthetic_placements,
                                        to_choice_sets, weight_vector)
from findpark.siting.profiles import get_profile, list_profiles, save_profile
from findpark.store import open_store

# Hidden analyst weights, far from the default profile (industry 0.30, land_fit 0.15, cost 0.12, ...):
# land fit, cost and readiness dominate, industry matters little.
HIDDEN = {"industry": 0.10, "land_fit": 0.25, "cost": 0.25, "transport": 0.05, "utilities": 0.05,
          "performance": 0.05, "readiness": 0.25}
N_TRAIN, N_TEST, NOISE, SEED = 600, 300, 0.02, 7
TODAY = dt.date(2026, 11, 1)


@pytest.fixture(scope="module")
def data(bundled_db):
    store = open_store(bundled_db)
    yield for_store(store)
    store.close()


@pytest.fixture(scope="module")
def placements(data):
    return synthetic_placements(data, HIDDEN, N_TRAIN + N_TEST, noise=NOISE, seed=SEED, today=TODAY)


@pytest.fixture(scope="module")
def sets(data, placements):
    X, y, skipped = to_choice_sets(data, placements)
    assert skipped == 0
    return X[:N_TRAIN], y[:N_TRAIN], X[N_TRAIN:], y[N_TRAIN:]


@pytest.fixture(scope="module")
def fitted(sets):
    X, y, _, _ = sets
    return WeightLearner().fit(X, y)


def toy(n_sets=30, n=8, seed=0):
    rng = np.random.default_rng(seed)
    X = [rng.random((n, len(CRITERIA))) for _ in range(n_sets)]
    y = [int(rng.integers(n)) for _ in range(n_sets)]
    return X, y


# -- estimator contract ---------------------------------------------------------------------------------
def test_clone_and_params():
    m = WeightLearner(alpha=0.5, max_iter=20, tol=1e-6)
    c = clone(m)
    assert c is not m and c.get_params() == {"alpha": 0.5, "max_iter": 20, "tol": 1e-6}
    assert WeightLearner().get_params() == {"alpha": 1e-4, "max_iter": 500, "tol": 1e-8}
    assert c.set_params(alpha=0.0) is c and c.alpha == 0.0 and m.alpha == 0.5
    with pytest.raises(ValueError):
        c.set_params(gamma=1)
    # clone of a fitted estimator is unfitted
    X, y = toy()
    assert not hasattr(clone(WeightLearner().fit(X, y)), "coef_")


def test_fitted_attributes_absent_before_fit():
    m = WeightLearner()
    for attr in ("coef_", "weights_", "n_iter_", "loss_", "n_features_in_"):
        assert not hasattr(m, attr)
    X, y = toy()
    for call in (lambda: m.predict(X), lambda: m.decision_function(X), lambda: m.score(X, y), m.weights_dict):
        with pytest.raises(NotFittedError):
            call()


def test_fit_predict_score_shapes():
    X, y = toy()
    m = WeightLearner().fit(X, y)
    assert m.coef_.shape == (len(CRITERIA),) and np.all(m.coef_ >= 0)
    assert m.weights_.sum() == pytest.approx(1.0) and np.all(m.weights_ >= 0)
    assert m.n_iter_ >= 1 and np.isfinite(m.loss_)
    scores = m.decision_function(X)
    assert [s.shape for s in scores] == [(8,)] * len(X)
    assert np.array_equal(m.predict(X), [int(np.argmax(s)) for s in scores])
    assert m.score(X, y) == pytest.approx(ndcg_at_k(X, y, m.coef_, k=5))
    assert list(m.weights_dict()) == list(CRITERIA)


def test_gradient_matches_finite_differences():
    from scipy.optimize import check_grad

    from findpark.siting.learn import _stack

    X, y = toy(seed=5)
    Z, starts, seg = _stack(X)
    chosen = Z[starts + np.asarray(y)].sum(axis=0)
    args = (Z, starts, seg, chosen, len(X), 0.3)
    f = lambda b: WeightLearner._objective(b, *args)[0]  # noqa: E731
    g = lambda b: WeightLearner._objective(b, *args)[1]  # noqa: E731
    for beta in (np.zeros(7), np.linspace(0.1, 3, 7)):
        assert check_grad(f, g, beta) < 1e-5


def test_alpha_shrinks_coefficients():
    X, y = toy(seed=3)
    small, big = WeightLearner(alpha=0).fit(X, y), WeightLearner(alpha=10.0).fit(X, y)
    assert np.linalg.norm(big.coef_) < np.linalg.norm(small.coef_) + 1e-12


@pytest.mark.parametrize("X, y, message", [
    (np.zeros((5, 7)), [0], "single 2-D array"),
    ([np.zeros(7)], [0], "must be 2-D"),
    ([np.zeros((0, 7))], [0], "empty choice set"),
    ([np.zeros((3, 7)), np.zeros((3, 6))], [0, 0], "X\\[1\\] has 6 criteria but X\\[0\\] has 7"),
    ([np.zeros((3, 7))] * 2, [0], "2 choice sets but y has 1"),
    ([np.zeros((3, 7))], [3], "y\\[0\\] = 3 is not a candidate index"),
    ([np.zeros((3, 7))], [-1], "y\\[0\\] = -1"),
    ([np.zeros((3, 7))], [0.5], "integer indices"),
    ([np.zeros((3, 7))], [[0]], "y must be 1-D"),
    ([np.full((3, 7), np.nan)], [0], "NaN"),
    ([], [], "X is empty"),
])
def test_shape_errors(X, y, message):
    with pytest.raises(ValueError, match=message):
        WeightLearner().fit(X, y)


def test_wrong_feature_count_after_fit_and_bad_params():
    X, y = toy()
    m = WeightLearner().fit(X, y)
    with pytest.raises(ValueError, match="fitted with 7"):
        m.predict([np.zeros((4, 5))])
    with pytest.raises(TypeError, match="list of 2-D"):
        m.fit("abc", y)
    with pytest.raises(ValueError, match="alpha"):
        WeightLearner(alpha=-1).fit(X, y)


# -- metrics --------------------------------------------------------------------------------------------
def test_metrics_formula_and_stable_ties():
    X = [np.ones((6, 2))] * 4  # every candidate ties: rank = position + 1 (stable order)
    y = [0, 1, 2, 5]
    expected = np.mean([1.0, 1 / math.log2(3), 1 / math.log2(4), 0.0])  # rank 6 is beyond k = 5
    assert ndcg_at_k(X, y, [1, 1], k=5) == pytest.approx(expected)
    assert hit_at_k(X, y, [1, 1], k=3) == pytest.approx(0.75)
    # strict order: the chosen candidate's rank counts the better ones only
    X2 = [np.array([[0.9, 0.0], [0.1, 0.0], [0.5, 0.0]])]
    assert ndcg_at_k(X2, [2], [1, 0]) == pytest.approx(1 / math.log2(3))
    assert hit_at_k(X2, [1], [1, 0], k=2) == 0.0
    # dict weights (missing criteria 0) and scale-free
    X7, y7 = toy()
    w = {"cost": 2.0, "land_fit": 1.0}
    vec = [0, 1, 2, 0, 0, 0, 0]
    assert ndcg_at_k(X7, y7, w) == ndcg_at_k(X7, y7, np.array(vec) * 5.0)
    with pytest.raises(ValueError, match="unknown criteria"):
        hit_at_k(X7, y7, {"beauty": 1.0})


# -- synthetic placements ---------------------------------------------------------------------------------
def test_synthetic_rows_are_valid_and_deterministic(data, placements):
    again = synthetic_placements(data, HIDDEN, 15, noise=NOISE, seed=SEED, today=TODAY)
    assert again == placements[:15]
    assert synthetic_placements(data, HIDDEN, 15, noise=NOISE, seed=SEED + 1, today=TODAY) != again
    for row in placements[:50]:
        assert set(row) == {"requirement", "plot_id", "park_id", "source", "as_of", "synthetic"}
        json.dumps(row, ensure_ascii=False)  # JSON-able
        Requirement.model_validate(row["requirement"])
        assert row["as_of"] == "2026-11-01" and row["synthetic"] == ["requirement", "plot_id", "park_id"]
        assert row["source"].startswith("synthetic: findpark.siting.placements.synthetic_placements(seed=7")
        assert row["plot_id"].startswith(row["park_id"])
    labels = {lab for ls in data.park_labels for lab in ls}
    assert any(r["requirement"]["industry"] in labels for r in placements)


def test_choice_sets_have_at_least_five_plots(sets):
    X, _, Xt, _ = sets
    assert min(len(x) for x in X + Xt) >= 5


def test_bad_hidden_weights(data):
    with pytest.raises(ValueError, match="unknown criteria"):
        synthetic_placements(data, {"beauty": 1.0}, 3)
    with pytest.raises(ValueError):
        synthetic_placements(data, {"cost": 0.0}, 3)


def test_to_choice_sets_skips_plots_not_eligible(data, placements):
    rows = [dict(placements[0]), dict(placements[1], plot_id="NO-SUCH-PLOT")]
    X, y, skipped = to_choice_sets(data, rows)
    assert (len(X), len(y), skipped) == (1, 1, 1)


# -- recovery and held-out quality ------------------------------------------------------------------------
def test_recovers_hidden_weights(fitted):
    hidden, default = weight_vector(HIDDEN), weight_vector(get_profile("default")["weights"])
    assert np.abs(hidden - default).sum() > 0.5  # the test is meaningful: far from the default profile
    w = fitted.weights_
    l1 = np.abs(w - hidden).sum()
    cos = w @ hidden / np.linalg.norm(w) / np.linalg.norm(hidden)
    assert l1 < 0.15, (l1, fitted.weights_dict())
    assert cos > 0.95, (cos, fitted.weights_dict())


def test_learned_beats_default_on_held_out(fitted, sets):
    _, _, Xt, yt = sets
    assert len(Xt) == N_TEST
    learned = fitted.weights_dict()
    default = get_profile("default")["weights"]
    assert ndcg_at_k(Xt, yt, learned, k=5) > ndcg_at_k(Xt, yt, default, k=5)
    assert hit_at_k(Xt, yt, learned, k=3) > hit_at_k(Xt, yt, default, k=3)
    assert fitted.score(Xt, yt) == pytest.approx(ndcg_at_k(Xt, yt, learned, k=5))
    # close to what the hidden weights themselves achieve (the best possible ranking rule here)
    assert ndcg_at_k(Xt, yt, learned) > ndcg_at_k(Xt, yt, HIDDEN) - 0.03
    table = evaluate_profiles(Xt, yt, {**{k: p["weights"] for k, p in list_profiles().items()}, "learned": learned})
    assert [r["profile"] for r in table][-1] == "learned" and {"ndcg@5", "hit@3"} <= set(table[0])


def test_learned_profile_saves(fitted, tmp_path):
    path = save_profile("learned-test", fitted.weights_dict(), directory=tmp_path, source="test")
    saved = json.loads(path.read_text("utf-8"))["weights"]
    assert saved == pytest.approx(fitted.weights_dict(), abs=1e-6)


# -- CSV --------------------------------------------------------------------------------------------------
def test_csv_round_trip(tmp_path, placements):
    real = {"requirement": {"industry": "生物医药", "land_mu_min": 40, "land_mu_max": 80, "eia": "report_form"},
            "plot_id": "G331018-001", "park_id": "G331018", "source": "招商台账 2026", "as_of": "2026-05-03",
            "synthetic": []}
    rows = placements[:40] + [real]
    path = save_placements_csv(rows, tmp_path / "p.csv")
    assert load_placements_csv(path) == rows
    header = path.read_text("utf-8").splitlines()[0]
    assert header == "requirement,plot_id,park_id,source,as_of,synthetic"
    assert "生物医药" in path.read_text("utf-8")


def test_csv_bad_rows_name_every_line_and_load_nothing(tmp_path, placements):
    good = json.dumps(placements[0]["requirement"], ensure_ascii=False)
    bad_json = '{"industry": "汽车", "land_mu_min": 30'
    unknown = json.dumps({"industry": "汽车", "land_mu_min": 30, "colour": "red"})
    lines = [
        "requirement,plot_id,park_id,source,as_of,synthetic",
        f'"{good.replace(chr(34), chr(34) * 2)}",{placements[0]["plot_id"]},P,s,2026-11-01,[]',     # line 2 ok
        f'"{bad_json.replace(chr(34), chr(34) * 2)}",X-1,P,s,2026-11-01,[]',                     # line 3
        f'"{unknown.replace(chr(34), chr(34) * 2)}",X-2,P,s,2026-11-01,[]',                      # line 4
        f'"{good.replace(chr(34), chr(34) * 2)}",,P,s,2026-11-01,[]',                            # line 5
        f'"{good.replace(chr(34), chr(34) * 2)}",X-3,P,s,2026-11-01,[]',                         # line 6 ok
    ]
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = None
    with pytest.raises(ValueError) as info:
        result = load_placements_csv(path)
    assert result is None
    msg = str(info.value)
    assert "nothing loaded" in msg
    assert "line 3: requirement: invalid JSON" in msg
    assert "line 4: requirement.colour: unknown field" in msg
    assert "line 5: plot_id: missing" in msg
    assert "line 2:" not in msg and "line 6:" not in msg


def test_csv_bad_field_values_and_columns(tmp_path):
    path = tmp_path / "v.csv"
    req = json.dumps({"industry": "汽车", "land_mu_min": 50, "land_mu_max": 20}).replace('"', '""')
    path.write_text("requirement,plot_id,park_id,source,as_of,synthetic\n"
                    f'"{req}",A,P,s,2026-13-01,"[1]"\n', encoding="utf-8")
    with pytest.raises(ValueError) as info:
        load_placements_csv(path)
    msg = str(info.value)
    assert "line 2: requirement.land_mu_max" in msg
    assert "line 2: as_of" in msg and "line 2: synthetic" in msg
    path.write_text("requirement,plot,notes\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 1: missing column\\(s\\) plot_id; unknown column\\(s\\) plot, notes"):
        load_placements_csv(path)


def test_sold_plot_placements_count_with_ignore_status(bundled_store):
    from findpark.siting.placements import to_choice_sets

    sold = next(p for p in bundled_store.read("plots", where={"status": "sold"}) if p["land_use"] == "M1")
    row = {"requirement": {"industry": "装备制造", "land_mu_min": sold["area_mu"] * 0.9,
                           "land_mu_max": sold["area_mu"] * 1.1},
           "plot_id": sold["id"], "park_id": sold["park_id"], "as_of": "2026-11-01"}
    X, y, skipped = to_choice_sets(bundled_store, [row])
    assert (len(X), skipped) == (0, 1)
    X, y, skipped = to_choice_sets(bundled_store, [row], ignore_status=True)
    assert (len(X), skipped) == (1, 0) and 0 <= y[0] < len(X[0])
