"""Eight quarters of synthetic indicator history for the bundled parks, drawn from each park's real type,
size and region (labelled synthetic: every indicator is in the row's ``synthetic`` list)."""
from __future__ import annotations

import numpy as np

from ..evaluation.schema import INDICATORS
from .synth import rng_for, tier

QUARTERS = ("2023Q4", "2024Q1", "2024Q2", "2024Q3", "2024Q4", "2025Q1", "2025Q2", "2025Q3")
# The text the bundled data/park_quarterly.csv carries (it names the module's former home; kept so the
# rebuilt file stays byte-identical to the committed one).
SOURCE = "synthetic: findpark.evaluation.synthetic (drawn from park type, size and region)"


def history(parks: list[dict], quarters=QUARTERS) -> list[dict]:
    rows = []
    for p in sorted(parks, key=lambda p: p["id"]):
        rng = rng_for("quarterly", p["id"])
        t = tier(p["adcode"])
        hi = p["kind"] == "高新技术产业开发区"
        customs = p["kind"] == "海关特殊监管区域"
        mu = p.get("area_mu") or 1500.0
        base_tax = p.get("tax_per_mu_wan") or {1: 50, 2: 30, 3: 15}[t]
        trend = rng.normal(0.01, 0.02)  # quarterly drift of the park's performance
        quality = rng.lognormal(0, 0.25)
        for k, q in enumerate(quarters):
            f = quality * (1 + trend) ** k * rng.lognormal(0, 0.06)
            tax = base_tax * f / 4  # a quarter's tax per mu
            output = tax * rng.uniform(14, 22)
            row = {
                "park_id": p["id"], "quarter": q,
                "tax_per_mu_wan": round(tax, 2),
                "output_per_mu_wan": round(output, 1),
                "value_added_per_mu_wan": round(output * rng.uniform(0.18, 0.3), 1),
                "new_investment_per_mu_wan": round({1: 420, 2: 300, 3: 200}[t] * (1.2 if hi else 1) * f * rng.uniform(0.8, 1.2), 0),
                "land_supplied_mu": round(max(0.0, rng.normal(mu * 0.004, mu * 0.002)), 0),
                "land_developed_mu": round(max(0.0, rng.normal(mu * 0.003, mu * 0.0015)), 0),
                "vacancy_rate": round(float(np.clip(rng.normal(0.12 if t == 3 else 0.08, 0.03) / f, 0.0, 0.6)), 3),
                "rd_share": round(float(np.clip(rng.normal(0.045 if hi else 0.025, 0.008) * f, 0.0, 0.2)), 4),
                "hightech_firms": int(max(0, rng.normal(mu / 120 * (2.0 if hi else 0.8) * f, 3))),
                "chain_leader_firms": int(rng.poisson(0.4 + mu / 8000 + (0.5 if t == 1 else 0))),
                "leading_industry_share": round(float(np.clip(rng.normal(0.6, 0.1), 0.2, 0.95)), 3),
                "talent_per_10k": round(float(max(50, rng.normal({1: 2200, 2: 1400, 3: 900}[t] * (1.3 if hi else 1), 200))), 0),
                "service_facilities": int(max(0, rng.normal({1: 40, 2: 22, 3: 12}[t], 5))),
                "energy_per_output_tce_per_wan": round(float(max(0.005, rng.normal(0.06 if customs else 0.09, 0.02) / f)), 4),
                "investment_attracted_wan": round(float(max(0, rng.normal(mu * 2.5 * f, mu))), -1),
                "new_projects": int(rng.poisson(1 + mu / 3000)),
                "source": SOURCE, "as_of": q, "synthetic": [i.key for i in INDICATORS],
            }
            rows.append(row)
    return rows
