"""Quarterly park indicators and the 五力 (five forces) dimensions built from them."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .. import vocab

QUARTER_RE = re.compile(r"^(20\d{2})Q([1-4])$")


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    unit: str
    better: str  # "higher" | "lower"
    max: float | None = None  # a hard upper bound (shares are ≤ 1)


INDICATORS = (
    Indicator("tax_per_mu_wan", "亩均税收", "万元/亩", "higher"),
    Indicator("output_per_mu_wan", "亩均产值", "万元/亩", "higher"),
    Indicator("value_added_per_mu_wan", "亩均增加值", "万元/亩", "higher"),
    Indicator("new_investment_per_mu_wan", "新项目投资强度", "万元/亩", "higher"),
    Indicator("land_supplied_mu", "本季供地面积", "亩", "higher"),
    Indicator("land_developed_mu", "本季开发面积", "亩", "higher"),
    Indicator("vacancy_rate", "标准厂房空置率", "0-1", "lower", 1.0),
    Indicator("rd_share", "研发投入占营收比", "0-1", "higher", 1.0),
    Indicator("hightech_firms", "高新技术企业数", "家", "higher"),
    Indicator("chain_leader_firms", "链主企业数", "家", "higher"),
    Indicator("leading_industry_share", "主导产业产值占比", "0-1", "higher", 1.0),
    Indicator("talent_per_10k", "每万名从业人员中大专以上人数", "人", "higher"),
    Indicator("service_facilities", "生活配套设施数", "处", "higher"),
    Indicator("energy_per_output_tce_per_wan", "单位产值能耗", "吨标煤/万元", "lower"),
    Indicator("investment_attracted_wan", "本季新引进项目投资额", "万元", "higher"),
    Indicator("new_projects", "本季新签约项目数", "个", "higher"),
)
BY_KEY = {i.key: i for i in INDICATORS}
# Added to both sides of min/x for lower-is-better indicators so a best value of 0 does not zero the rest.
LOWER_OFFSET = {"vacancy_rate": 0.02, "energy_per_output_tce_per_wan": 0.005}

# The five forces. The seed text (Hangzhou NDRC reply to CPPCC proposal 376) names 产业聚力, 要素效力, 产城合力
# and 区域引力; 创新动力 is findpark's choice for the fifth, after the city plan's 绿色创新 evaluation axis.
# "transport_access" is computed from the store (findpark.access: the transport score at the park).
# Keyed here by the API code (findpark.vocab.DIMENSIONS holds the code's Chinese and English names).
_WEIGHTS = {
    "industry_cluster": {"leading_industry_share": 0.5, "chain_leader_firms": 0.3, "new_projects": 0.2},
    "factor_efficiency": {"tax_per_mu_wan": 0.35, "value_added_per_mu_wan": 0.25, "output_per_mu_wan": 0.15,
                          "energy_per_output_tce_per_wan": 0.15, "vacancy_rate": 0.10},
    "city_integration": {"talent_per_10k": 0.4, "service_facilities": 0.3, "transport_access": 0.3},
    "regional_attraction": {"investment_attracted_wan": 0.4, "new_investment_per_mu_wan": 0.3,
                            "land_supplied_mu": 0.15, "land_developed_mu": 0.15},
    "innovation": {"rd_share": 0.5, "hightech_firms_per_km2": 0.5},
}
# Chinese dimension name (the key of scores and reports) → its weights; names from findpark.vocab.DIMENSIONS.
DIMENSIONS = {vocab.DIMENSIONS[code].zh: weights for code, weights in _WEIGHTS.items()}
DIMENSION_EN = {vocab.DIMENSIONS[code].zh: code for code in _WEIGHTS}  # Chinese name → the API's key


def parse_quarter(text: str) -> tuple[int, int]:
    m = QUARTER_RE.match(str(text).strip())
    if not m:
        raise ValueError(f"quarter must look like 2025Q3, got {text!r}")
    return int(m.group(1)), int(m.group(2))


def previous_quarter(q: str) -> str:
    y, n = parse_quarter(q)
    return f"{y - 1}Q4" if n == 1 else f"{y}Q{n - 1}"
