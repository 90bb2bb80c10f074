"""Past placements (落位记录): which plot a project with a given requirement ended up on.

A placement is a row ``{"requirement": {...}, "plot_id", "park_id", "source", "as_of", "synthetic"}``, where
``requirement`` is a dict valid for :class:`~findpark.siting.requirement.Requirement` and ``synthetic`` lists
the fields that were generated rather than recorded (``[]`` for a real record). They are the training data of
:class:`findpark.siting.learn.WeightLearner`.

- :func:`synthetic_placements` draws placements from known ("hidden") weights, to test that the learner
  recovers them. The choice model is the one the learner assumes (a random-utility model):

      U_i = Σ_f w_f X_if + ε_i,   w = hidden weights / Σ hidden weights,   ε_i ~ Gumbel(0, noise) i.i.d.,
      chosen = argmax_i U_i  over the eligible plots i of the requirement's choice set,

  which makes P(chosen = i) = softmax_i(X_i · w / noise) (McFadden's conditional logit), so a learner
  fitting β recovers β ∝ w, i.e. w = β / Σ β.
- :func:`save_placements_csv` / :func:`load_placements_csv`: the CSV format of placement records, real or
  synthetic (columns :data:`CSV_COLUMNS`; ``requirement`` and ``synthetic`` are JSON text).
- :func:`to_choice_sets`: placements → the (X, chosen index) pairs the learner fits on.
"""
from __future__ import annotations

import csv
import datetime as _dt
import json
from pathlib import Path

import numpy as np
from pydantic import ValidationError

from .. import taxonomy
from ..store.schema import EIA_CATEGORIES, LAND_USES
from . import kernel
from .candidates import SitingData, for_store
from .recommend import choice_set
from .requirement import COMPATIBLE, CRITERIA, FAMILY_LAND_USE, Requirement, format_errors

TODAY = _dt.date(2026, 11, 1)
CSV_COLUMNS = ("requirement", "plot_id", "park_id", "source", "as_of", "synthetic")
REQUIRED_COLUMNS = ("requirement", "plot_id")
MIN_ELIGIBLE = 5
# GB/T 4754 codes mixed into the synthetic draws next to the catalogue labels (promotion staff use both).
EXTRA_CODES = ("C36", "C27", "C38", "C39", "C3670", "C34", "C26", "C17")


def _data(store_or_data) -> SitingData:
    return store_or_data if isinstance(store_or_data, SitingData) else for_store(store_or_data)


def weight_vector(weights: dict) -> np.ndarray:
    """{criterion: weight} → weights in CRITERIA order, normalised to sum 1 (missing criteria count 0)."""
    unknown = sorted(set(weights) - set(CRITERIA))
    if unknown:
        raise ValueError(f"unknown criteria {', '.join(unknown)}; criteria are {', '.join(CRITERIA)}")
    return kernel.normalise_weights([float(weights.get(c, 0.0)) for c in CRITERIA])


def industry_pool(data: SitingData) -> list[str]:
    """The catalogue labels the parks' 主导产业 actually use (those the taxonomy resolves), sorted, plus
    :data:`EXTRA_CODES`."""
    labels = set()
    for ls in data.park_labels:
        for lab in ls or ():
            try:
                taxonomy.resolve(lab)
            except KeyError:
                continue
            labels.add(lab)
    return sorted(labels) + [c for c in EXTRA_CODES if taxonomy.is_code(c)]


def _land_uses_for(industry: str) -> tuple[int, ...]:
    fam = taxonomy.family(industry) or ""
    return tuple(LAND_USES.index(u) for u in COMPATIBLE[FAMILY_LAND_USE.get(fam, "M1")])


def _draw_requirement(rng: np.random.Generator, data: SitingData, industry: str, anchor: int, i: int) -> dict:
    """A plausible requirement built around the ``anchor`` plot, which it always admits (so the choice set is
    never empty): land range around the anchor's area, investment and tax intensities at or above the
    anchor's thresholds, power and water demand below its capacity, an EIA class it allows."""
    a = float(data.area[anchor])
    req: dict = {"name": f"synthetic project {i}", "industry": industry}
    shape = rng.random()
    if shape < 0.70:  # a range around the anchor
        lo = np.floor(a * rng.uniform(0.55, 0.95) * 10) / 10
        hi = np.ceil(a * rng.uniform(1.05, 1.8) * 10) / 10
        req["land_mu_min"], req["land_mu_max"] = max(lo, 0.1), hi
    elif shape < 0.85:  # "at least"
        req["land_mu_min"] = max(np.floor(a * rng.uniform(0.6, 1.0) * 10) / 10, 0.1)
    else:  # "at most"
        req["land_mu_max"] = np.ceil(a * rng.uniform(1.0, 1.6) * 10) / 10
    # 投资强度 and 亩均税收: the project's intensity on the anchor's area is above its thresholds
    # (a threshold or capacity the store does not know (NaN) is left out of the requirement)
    invest, tax, power, water = (data.min_invest[anchor], data.min_tax[anchor], data.power[anchor],
                                 data.water[anchor])
    u = rng.uniform(1.0, 1.6, size=2)
    if np.isfinite(invest):
        req["investment_wan"] = float(np.ceil(invest * u[0] * a / 10) * 10)
    if rng.random() < 0.8 and np.isfinite(tax):
        req["annual_tax_wan"] = float(np.ceil(tax * u[1] * a))
    if rng.random() < 0.85 and np.isfinite(power):
        req["power_kva"] = float(np.floor(power * rng.uniform(0.2, 1.0) / 10) * 10)
    if rng.random() < 0.65 and np.isfinite(water):
        req["water_t_day"] = float(np.floor(water * rng.uniform(0.2, 1.0)))
    if rng.random() < 0.5 and data.eia[anchor] >= 0:
        req["eia"] = EIA_CATEGORIES[int(rng.integers(0, data.eia[anchor] + 1))]
    if rng.random() < 0.2 and np.isfinite(data.price[anchor]):
        req["max_price_wan_per_mu"] = float(np.ceil(data.price[anchor] * rng.uniform(1.0, 1.6)))
    return {k: (float(v) if isinstance(v, np.floating) else v) for k, v in req.items()}


def synthetic_placements(store_or_data, hidden_weights: dict, n: int, *, noise: float = 0.05, seed: int = 0,
                         today: _dt.date = TODAY, max_tries: int | None = None) -> list[dict]:
    """``n`` synthetic placements chosen by a random-utility model with known weights.

    For each draw: an industry (uniform over :func:`industry_pool`), an anchor plot (uniform over the
    available plots of a land use the industry may take), a requirement around it (:func:`_draw_requirement`),
    its choice set ``X`` (m eligible plots × len(CRITERIA), :func:`findpark.siting.choice_set` at ``today``),
    draws with m < 5 skipped; then

        U = X @ w + ε,  w = hidden_weights normalised to sum 1,  ε_i ~ Gumbel(loc 0, scale ``noise``),
        chosen = argmax U   (first index on ties; noise = 0 gives the deterministic choice).

    Deterministic for a given (store data, hidden_weights, n, noise, seed, today). Raises RuntimeError when
    ``max_tries`` (default 20 n + 20) draws do not yield n placements.
    """
    if n < 0:
        raise ValueError(f"n must be ≥ 0, got {n}")
    if not (noise >= 0) or not np.isfinite(noise):
        raise ValueError(f"noise must be finite and ≥ 0, got {noise}")
    data = _data(store_or_data)
    w = weight_vector(hidden_weights)
    rng = np.random.default_rng(seed)
    pool = industry_pool(data)
    if not pool:
        raise ValueError("no industry to draw: no park in the store has a known 主导产业 label")
    avail_by_lu = {lu: np.flatnonzero(data.available & (data.land_use == lu)) for lu in range(len(LAND_USES))}
    hidden_txt = json.dumps({c: round(float(x), 6) for c, x in zip(CRITERIA, w)}, ensure_ascii=False)
    source = (f"synthetic: findpark.siting.placements.synthetic_placements(seed={seed}, noise={noise}, "
              f"hidden weights {hidden_txt})")
    plot_pos = {str(p): i for i, p in enumerate(data.plot_ids)}
    rows: list[dict] = []
    tries, max_tries = 0, (20 * n + 20 if max_tries is None else max_tries)
    while len(rows) < n:
        if tries >= max_tries:
            raise RuntimeError(f"only {len(rows)} of {n} placements after {tries} draws: the store has too few "
                               f"available plots with ≥ {MIN_ELIGIBLE} eligible per requirement")
        tries += 1
        industry = pool[int(rng.integers(len(pool)))]
        cands = np.concatenate([avail_by_lu[lu] for lu in _land_uses_for(industry)])
        if len(cands) == 0:
            continue
        anchor = int(cands[int(rng.integers(len(cands)))])
        req_dict = _draw_requirement(rng, data, industry, anchor, len(rows) + 1)
        req = Requirement.model_validate(req_dict)
        X, ids = choice_set(data, req, today)
        if len(ids) < MIN_ELIGIBLE:
            continue
        u = X @ w + (rng.gumbel(0.0, noise, size=len(ids)) if noise > 0 else 0.0)
        j = int(np.argmax(u))
        plot = str(ids[j])
        park = str(data.park_ids[data.plot_park[plot_pos[plot]]])
        rows.append({"requirement": req_dict, "plot_id": plot, "park_id": park, "source": source,
                     "as_of": today.isoformat(), "synthetic": ["requirement", "plot_id", "park_id"]})
    return rows


# -- CSV ------------------------------------------------------------------------------------------------
def save_placements_csv(rows, path) -> Path:
    """Write placements as UTF-8 CSV with the columns :data:`CSV_COLUMNS` (``requirement`` and ``synthetic``
    as compact JSON text, Chinese kept readable)."""
    path = Path(path)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(CSV_COLUMNS)
        for r in rows:
            w.writerow([json.dumps(r["requirement"], ensure_ascii=False, separators=(",", ":")),
                        r["plot_id"], r.get("park_id") or "", r.get("source") or "", r.get("as_of") or "",
                        json.dumps(list(r.get("synthetic") or []), ensure_ascii=False)])
    return path


def _parse_row(rec: dict) -> tuple[dict, list[str]]:
    problems: list[str] = []
    row: dict = {}
    text = rec.get("requirement") or ""
    try:
        req = json.loads(text)
    except json.JSONDecodeError as e:
        problems.append(f"requirement: invalid JSON ({e.msg} at character {e.pos})")
        req = None
    if req is not None and not isinstance(req, dict):
        problems.append(f"requirement: must be a JSON object, got {type(req).__name__}")
    elif req is not None:
        try:
            Requirement.model_validate(req)
        except ValidationError as exc:
            problems += [f"requirement.{e['field']}: {e['message']}" for e in format_errors(exc)]
    row["requirement"] = req
    row["plot_id"] = (rec.get("plot_id") or "").strip()
    if not row["plot_id"]:
        problems.append("plot_id: missing")
    row["park_id"] = (rec.get("park_id") or "").strip()
    row["source"] = rec.get("source") or ""
    as_of = (rec.get("as_of") or "").strip()
    if as_of:
        try:
            _dt.date.fromisoformat(as_of)
        except ValueError:
            problems.append(f"as_of: not a YYYY-MM-DD date: {as_of!r}")
    row["as_of"] = as_of
    syn_text = (rec.get("synthetic") or "").strip() or "[]"
    try:
        syn = json.loads(syn_text)
        if not (isinstance(syn, list) and all(isinstance(s, str) for s in syn)):
            raise ValueError
    except ValueError:
        problems.append(f"synthetic: must be a JSON list of field names, got {syn_text!r}")
        syn = None
    row["synthetic"] = syn
    return row, problems


def load_placements_csv(path) -> list[dict]:
    """Read and validate a placements CSV; all or nothing.

    Every row's ``requirement`` must be a JSON object valid for ``Requirement``, ``plot_id`` non-empty,
    ``as_of`` empty or YYYY-MM-DD, ``synthetic`` empty or a JSON list of strings. Otherwise a ValueError
    lists every problem as ``line N: field: message`` (N is the file line where the record starts; the
    header is line 1) and no row is returned.
    """
    path = Path(path)
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            raise ValueError(f"{path}: empty file; expected the header {','.join(CSV_COLUMNS)}") from None
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        unknown = [c for c in header if c not in CSV_COLUMNS]
        if missing or unknown:
            parts = ([f"missing column(s) {', '.join(missing)}"] if missing else []) + \
                    ([f"unknown column(s) {', '.join(unknown)}"] if unknown else [])
            raise ValueError(f"{path}: line 1: {'; '.join(parts)}; columns are {', '.join(CSV_COLUMNS)}")
        rows, errors = [], []
        start = reader.line_num + 1
        for values in reader:
            line, start = start, reader.line_num + 1
            if not any(v.strip() for v in values):
                continue  # blank line
            if len(values) != len(header):
                errors.append(f"line {line}: expected {len(header)} fields, got {len(values)}")
                continue
            row, problems = _parse_row(dict(zip(header, values)))
            errors += [f"line {line}: {p}" for p in problems]
            rows.append(row)
    if errors:
        raise ValueError(f"{path}: {len(errors)} problem(s), nothing loaded:\n  " + "\n  ".join(errors))
    return rows


# -- to the learner ---------------------------------------------------------------------------------------
def to_choice_sets(store_or_data, rows, today: _dt.date | None = None, *, ignore_status: bool = False):
    """Placements → (list of X arrays, list of chosen indices, n_skipped).

    X is the choice set of the placement's requirement (eligible plots × CRITERIA, as ``recommend`` scores
    them) at ``today``, or, when ``today`` is None, at the placement's ``as_of`` date (2026-11-01 when it has
    none). A placement whose plot is not among the eligible plots (unknown plot, or one the constraints now
    exclude, e.g. because it is sold) is skipped and counted in ``n_skipped``. Real records usually point
    at plots sold since: pass ``ignore_status=True`` to score them without the status rule.
    """
    data = _data(store_or_data)
    Xs, ys, skipped = [], [], 0
    for r in rows:
        req = r["requirement"]
        req = req if isinstance(req, Requirement) else Requirement.model_validate(req)
        day = today or (_dt.date.fromisoformat(r["as_of"]) if r.get("as_of") else TODAY)
        X, ids = choice_set(data, req, day, ignore_status=ignore_status)
        hit = np.flatnonzero(ids == str(r["plot_id"]))
        if len(hit) == 0:
            skipped += 1
            continue
        Xs.append(X)
        ys.append(int(hit[0]))
    return Xs, ys, skipped
