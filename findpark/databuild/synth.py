"""Seeded randomness and the regional/industry profiles that make synthetic attributes plausible."""
from __future__ import annotations

import zlib

import numpy as np

SEED = 20181  # bump to redraw every synthetic value

# Hangzhou and Ningbo core districts: the highest land prices and thresholds.
TIER1 = {"330102", "330105", "330106", "330108", "330109", "330110", "330113", "330114",
         "330203", "330205", "330206", "330211", "330212", "330213"}
# Zhejiang's 26 mountain counties (山区26县), the cheapest land and the lowest thresholds.
MOUNTAIN = {"330127",  # 淳安
            "330324", "330326", "330327", "330328", "330329",  # 永嘉 平阳 苍南 文成 泰顺
            "330723", "330727",  # 武义 磐安
            "331022", "331023", "331024",  # 三门 天台 仙居
            "330802", "330803", "330822", "330824", "330825", "330881",  # 衢州 all
            "331102", "331121", "331122", "331123", "331124", "331125", "331126", "331127", "331181"}  # 丽水 all


def rng_for(*keys) -> np.random.Generator:
    """A generator seeded from SEED and the record's key: stable whatever order records are built in."""
    return np.random.default_rng([SEED, *(zlib.crc32(str(k).encode("utf-8")) for k in keys)])


def tier(adcode: str) -> int:
    if adcode in TIER1:
        return 1
    if adcode in MOUNTAIN:
        return 3
    return 2


# (low, high) ranges by tier
LAND_PRICE = {1: (45, 90), 2: (22, 45), 3: (10, 22)}  # 万元/亩, industrial land transfer
RENT = {1: (0.8, 1.5), 2: (0.45, 0.85), 3: (0.25, 0.5)}  # 元/m²/天, standard factory
TAX_PER_MU = {1: (35, 80), 2: (18, 45), 3: (8, 25)}  # 亩均税收 achieved, 万元/亩
MIN_INVEST = {1: (300, 500), 2: (220, 350), 3: (150, 250)}  # 投资强度 threshold, 万元/亩
MIN_TAX = {1: (25, 50), 2: (15, 30), 3: (8, 15)}  # 亩均税收 threshold, 万元/亩


def uniform(rng, lohi, scale=1.0, nd=1):
    lo, hi = lohi
    return round(float(rng.uniform(lo, hi)) * scale, nd)
