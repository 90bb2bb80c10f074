"""Numbers as people type them into the web form: 6亿, 6000万, 1.2万, 120亩, 一百二十, 5千, 6,000 万元.

``parse_amount(text, unit)`` reads ``text`` for a field whose unit is ``unit`` (a key of ``vocab.UNITS``:
``wan`` 万元, ``mu`` 亩, ``m2``, ``kva``, ``t_day``, ``km``, ``wan_per_mu``, or "" for a plain count). 万 and 亿
name amounts (6亿 = 600,000,000), so in a 万元 field 6亿 is 60,000 万元, 6000万 is 6,000 万元 and 1.2万 is
1.2 万元, while in a 亩 or m² field 1.2万 is 12,000; 十 百 千 are digits of the number in the field's unit
(5千 kVA = 5,000 kVA; 5千 in a 万元 field = 5,000 万元). A unit written after the number must be the field's (元
and 亿元 convert to 万元). Text it cannot read raises ``AmountError`` saying why; nothing is dropped. Only
the web form uses this: the JSON API takes JSON numbers.
"""
from __future__ import annotations

import re

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
SMALL = {"十": 10, "百": 100, "千": 1000}
LARGE = {"万": 10_000, "亿": 100_000_000}
# unit key → written units accepted after the number (longest first) and the factor to the field's unit
SUFFIXES = {
    "wan": [("亿元", 10_000), ("万元", 1), ("元", 1e-4)],
    "mu": [("亩", 1)],
    "m2": [("平方米", 1), ("平米", 1), ("m²", 1), ("m2", 1), ("㎡", 1)],
    "kva": [("千伏安", 1), ("kva", 1)],
    "t_day": [("吨/日", 1), ("吨/天", 1), ("t/d", 1), ("吨", 1)],
    "km": [("公里", 1), ("千米", 1), ("km", 1)],
    "wan_per_mu": [("万元/亩", 1), ("万/亩", 1)],
    "": [],
}
UNIT_WORDS = ("亿元", "万元", "元", "亩", "平方米", "平米", "m²", "公里", "km", "kva", "吨", "公顷")


class AmountError(ValueError):
    pass


def _chinese_integer(s: str) -> float:
    """一百二十 → 120, 两千五百 → 2500, 三万五千 → 35000, 一万二 → 12000, 一百零五 → 105; AmountError otherwise."""
    total, section, digit, prev, zero = 0, 0, None, 0, False
    for ch in s:
        if ch in ("零", "〇"):
            zero = True
            continue
        if ch in DIGITS:
            if digit is not None:
                raise AmountError(f"cannot read {s!r} as a number")
            digit = DIGITS[ch]
        elif ch in SMALL:
            section += (1 if digit is None else digit) * SMALL[ch]
            digit, prev, zero = None, SMALL[ch], False
        elif ch in LARGE:
            section += digit or 0
            total += (section or 1) * LARGE[ch]
            section, digit, prev, zero = 0, None, LARGE[ch], False
        else:
            raise AmountError(f"cannot read {s!r} as a number")
    if digit is not None and prev >= 10 and not zero:  # 一万二 = 12000, 两千五 = 2500: the digit of the next place
        return total + section + digit * prev // 10
    return total + section + (digit or 0)


_NUM = r"\d+(?:\.\d+)?|\.\d+"


def _value(s: str) -> float:
    """A number with optional absolute multipliers: 6亿, 1.2万, 5千, 6千万, 3亿5000万, 一百二十."""
    if not s:
        raise AmountError("empty")
    if re.fullmatch(_NUM, s):
        return float(s)
    if re.fullmatch(r"[零〇一二两三四五六七八九十百千万亿]+", s):
        return float(_chinese_integer(s))
    total, rest = 0.0, s
    for word, factor in (("亿", 1e8), ("万", 1e4)):
        m = re.match(rf"^({_NUM}|[零〇一二两三四五六七八九十百千]+)?([十百千]?){word}", rest)
        if m and m.group(0):
            n = _small(m.group(1) or "1") * (SMALL.get(m.group(2), 1) if m.group(2) else 1)
            total += n * factor
            rest = rest[m.end():]
    if rest:
        m = re.fullmatch(rf"({_NUM}|[零〇一二两三四五六七八九十百千]+)([十百千]?)", rest)
        if not m:
            raise AmountError(f"cannot read {s!r} as a number")
        total += _small(m.group(1)) * (SMALL[m.group(2)] if m.group(2) else 1)
    return total


def _small(s: str) -> float:
    return float(s) if re.fullmatch(_NUM, s) else float(_chinese_integer(s))


def parse_amount(text: str, unit: str = "") -> float:
    """``text`` in a field of unit ``unit`` → the value in that unit. AmountError when it cannot be read."""
    raw = str(text)
    s = raw.strip().translate(str.maketrans("０１２３４５６７８９．，", "0123456789.,")).replace(",", "")
    s = re.sub(r"\s+", "", s).lower()
    if not s:
        raise AmountError("empty")
    factor = 1.0
    for word, f in SUFFIXES.get(unit, []):
        if s.endswith(word.lower()):
            s, factor = s[: -len(word)], f
            break
    else:
        for word in UNIT_WORDS:
            if s.endswith(word.lower()):
                raise AmountError(f"{raw.strip()!r}: the unit {word} does not fit this field")
    sign = -1.0 if s.startswith("-") else 1.0  # the request's own rules then say a negative is out of range
    value = sign * _value(s.lstrip("+-")) * factor
    if unit == "wan" and factor == 1.0 and re.search(r"[万亿]", s):
        value /= 1e4  # 万 and 亿 name an amount of 元: 6亿 = 60,000 万元, 6000万 = 6,000 万元
    return value


def display(value: float, unit: str) -> str:
    """60000, "wan" → 「60,000 万元」 (the unit's label from the vocabulary)."""
    from .. import vocab  # noqa: PLC0415  (vocab sits below every room)

    text = f"{value:,.4f}".rstrip("0").rstrip(".")
    return f"{text} {vocab.unit(unit)}".strip()
