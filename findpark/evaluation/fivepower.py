"""The 五力 index: five dimensions, each a weighted combination of indicators normalised across the parks
of the same quarter. Pure numpy/pandas; no store.

Normalisation (per quarter, per indicator x over the parks p):
    higher is better:  n_p = x_p / max_q x            (0 when every park has 0)
    lower is better:   n_p = (min_q x + c) / (x_p + c), c = LOWER_OFFSET (so a best value of 0 works)
So the park with the best value of an indicator gets 1, and adding a park that is worse on every indicator
changes neither the max nor the min: every other park keeps its exact scores and order.
Dimension score = 100 × Σ w n (weights in schema.DIMENSIONS sum to 1); index = mean of the five.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .schema import BY_KEY, DIMENSIONS, LOWER_OFFSET

DERIVED = {"hightech_firms_per_km2", "transport_access"}


def derive(df: pd.DataFrame, park_area_mu: dict, transport: dict) -> pd.DataFrame:
    """Add the derived indicators: high-tech firms per km² of park, and transport access (0-1)."""
    out = df.copy()
    km2 = out["park_id"].map(park_area_mu).astype(float) / 1500.0
    out["hightech_firms_per_km2"] = out["hightech_firms"] / km2.where(km2 > 0)
    out["transport_access"] = out["park_id"].map(transport).astype(float)
    return out


def normalise(values: pd.Series, key: str) -> pd.Series:
    x = values.astype(float)
    lower = key in BY_KEY and BY_KEY[key].better == "lower"
    if lower:
        c = LOWER_OFFSET.get(key, 1e-9)
        return (x.min() + c) / (x + c)
    top = x.max()
    return x / top if top and top > 0 else x * 0.0


def scores(df: pd.DataFrame) -> pd.DataFrame:
    """One quarter's rows (with derived indicators) → park_id, the five dimension scores and index (0-100)."""
    out = pd.DataFrame({"park_id": df["park_id"].values})
    for dim, weights in DIMENSIONS.items():
        total = np.zeros(len(df))
        for key, w in weights.items():
            total += w * normalise(df[key], key).fillna(0.0).to_numpy()
        out[dim] = 100.0 * total
    out["index"] = out[list(DIMENSIONS)].mean(axis=1)
    return out
