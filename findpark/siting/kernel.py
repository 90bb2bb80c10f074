"""The scoring kernel: pure numpy, no geometry, no store, no Flask (cf. scikit-criteria's ``wsm``).

``X`` is an (n candidates × F criteria) matrix of values in [0, 1]; ``w`` non-negative weights.
"""
from __future__ import annotations

import functools

import numpy as np


def normalise_weights(w) -> np.ndarray:
    w = np.asarray(w, dtype=float)
    if w.ndim != 1 or np.any(~np.isfinite(w)) or np.any(w < 0) or w.sum() <= 0:
        raise ValueError("weights must be finite, non-negative and not all zero")
    return w / w.sum()


def wsm(X: np.ndarray, w) -> np.ndarray:
    """Weighted sum model: score_i = Σ_f w_f X_if with w normalised to sum to 1."""
    return np.asarray(X, dtype=float) @ normalise_weights(w)


def contributions(X: np.ndarray, w) -> np.ndarray:
    """Per-criterion contributions w_f X_if; rows sum to :func:`wsm`."""
    return np.asarray(X, dtype=float) * normalise_weights(w)


def rank(scores: np.ndarray, ids: np.ndarray, k: int | None = None) -> np.ndarray:
    """Indices ordered by score descending, ties by ``ids`` ascending (ids: strings, or integer positions
    when the candidates are already in id order, which is much faster); only the best ``k`` when given."""
    n = len(scores)
    if n == 0:
        return np.zeros(0, dtype=int)
    if k is not None and k < n:
        # argpartition for the candidates that can be in the top k (ties at the cut kept), then an exact sort
        cut = np.partition(scores, n - k)[n - k]
        pool = np.flatnonzero(scores >= cut)
    else:
        pool = np.arange(n)
    keys = ids[pool]
    if keys.dtype == object:
        keys = keys.astype(str)
    order = pool[np.lexsort((keys, -scores[pool]))]
    return order if k is None else order[:k]


def stability(X: np.ndarray, w, targets: np.ndarray, *, top: int = 3, spread: float = 0.2,
              n_draws: int = 200, seed: int = 0) -> np.ndarray:
    """Share of random weight perturbations (each weight × U(1-spread, 1+spread), fixed seed, renormalised)
    under which each target candidate stays in the top ``top``.

    The perturbation factors are drawn once per (seed, spread, n_draws, F) and reused: same seed, same draws.

    Exact pruning first: j beats i under EVERY such perturbation iff (x_j-x_i)·w - spread·|x_j-x_i|·w > 0
    (the worst case puts 1-spread on the criteria where j is ahead and 1+spread where it is behind), so a
    candidate beaten that way by each of the current top ``top`` can never enter it and is left out. Before
    that, candidates scoring below (1-s)/(1+s) × the top-th score are dropped: for them that test holds
    against every leader, since |x_j-x_i|·w ≤ s_j + s_i.
    """
    w = normalise_weights(w)
    n = len(X)
    targets = np.asarray(targets, dtype=int)
    if n == 0 or len(targets) == 0:
        return np.zeros(len(targets))
    base = X @ w
    t = min(top, n)
    leaders = np.argpartition(-base, t - 1)[:t] if t < n else np.arange(n)
    kth = base[leaders].min()
    # |x_j - x_i|·w ≤ s_j + s_i (criteria are ≥ 0), so s_i < s_j (1-s)/(1+s) already means j dominates i
    pool = np.flatnonzero(base >= (1 - spread) / (1 + spread) * kth)
    for j in leaders[np.argsort(-base[leaders])]:  # each test on the survivors of the one before
        D = X[j] - X[pool]
        pool = pool[(D @ w - spread * (np.abs(D) @ w)) <= 0]
    pool = np.union1d(pool, targets)
    W = w * _factors(seed, spread, n_draws, len(w))  # ties at the cut-off break arbitrarily (measure zero)
    W /= W.sum(axis=1, keepdims=True)
    S = X[pool] @ W.T  # pool × draws
    t = min(top, len(pool))
    best = np.argpartition(-S, t - 1, axis=0)[:t] if t < len(pool) else np.tile(np.arange(len(pool))[:, None], n_draws)
    tpos = np.searchsorted(pool, targets)
    return (best[None, :, :] == tpos[:, None, None]).any(axis=1).mean(axis=1)


@functools.lru_cache(maxsize=16)
def _factors(seed: int, spread: float, n_draws: int, n_criteria: int) -> np.ndarray:
    f = np.random.default_rng(seed).uniform(1 - spread, 1 + spread, size=(n_draws, n_criteria))
    f.setflags(write=False)
    return f
