"""The scoring kernel: pure numpy, no geometry, no store, no Flask (cf. scikit-criteria's ``wsm``).

``X`` is an (n candidates × F criteria) matrix of values in [0, 1]; ``w`` non-negative weights.
"""
from __future__ import annotations

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
              n_draws: int = 200, seed: int = 0, max_pool: int = 4000) -> np.ndarray:
    """Share of random weight perturbations (each weight × U(1-spread, 1+spread), fixed seed) under which
    each target candidate stays in the top ``top``.

    Only candidates that could reach the top under such perturbations matter: a score can move by at most
    the factor (1+s)/(1-s) either way, so candidates below ((1-s)/(1+s))² × the top-th score are dropped
    first (exact), and the pool is capped at ``max_pool`` by score.
    """
    w = normalise_weights(w)
    n = len(X)
    if n == 0 or len(targets) == 0:
        return np.zeros(len(targets))
    base = X @ w
    kth = np.sort(base)[-min(top, n)]
    bound = ((1 - spread) / (1 + spread)) ** 2 * kth
    pool = np.flatnonzero(base >= bound)
    pool = np.union1d(pool, targets)
    if len(pool) > max_pool:
        keep = pool[np.argsort(-base[pool], kind="stable")[:max_pool]]
        pool = np.union1d(keep, targets)
    rng = np.random.default_rng(seed)  # ties at the cut-off are broken arbitrarily (measure zero here)
    W = w * rng.uniform(1 - spread, 1 + spread, size=(n_draws, len(w)))
    W /= W.sum(axis=1, keepdims=True)
    S = X[pool] @ W.T  # pool × draws
    t = min(top, len(pool))
    best = np.argpartition(-S, t - 1, axis=0)[:t] if t < len(pool) else np.tile(np.arange(len(pool))[:, None], n_draws)
    pos = {c: i for i, c in enumerate(pool)}
    tpos = np.array([pos[x] for x in targets])
    return (best[None, :, :] == tpos[:, None, None]).any(axis=1).mean(axis=1)
