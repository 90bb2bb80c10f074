"""Park names as people type them: Chinese, a common short form, full pinyin or pinyin initials.

「hzjk」, 「杭州经开」 and 「hangzhoujingkai」 all find 杭州经济技术开发区: each name is indexed with its short form
(经济技术开发区 → 经开区, 高新技术产业开发区 → 高新区 …), and both with their full pinyin and their initials
(pypinyin, computed here once per name on the server; the pages get the keys, never a pinyin table).

``keys(name)`` the search keys of a name; ``matches(park, q)`` whether a park answers ``q`` (name, short form,
pinyin, initials, or its id); ``rank(park, q)`` orders the hits (a prefix of the name's initials first);
``sort_key(text)`` sorts by pinyin (city pickers), not by code point."""
from __future__ import annotations

import re
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

# The short forms officers use for the catalogue's zone kinds (longest first).
SHORT_FORMS = (
    ("高新技术产业开发区", "高新区"), ("经济技术开发区", "经开区"), ("经济开发区", "经开区"),
    ("工业园区", "工业园"), ("产业集聚区", "集聚区"), ("旅游度假区", "度假区"), ("综合保税区", "综保区"),
)


def short_form(name: str) -> str:
    for long, short in SHORT_FORMS:
        if long in name:
            return name.replace(long, short)
    return name


def _norm(text: str) -> str:
    return re.sub(r"[\s·・\-_'’]+", "", (text or "").lower())


@lru_cache(maxsize=8192)
def _pinyin(text: str) -> tuple[str, str]:
    syl = [s.lower() for s in lazy_pinyin(text, errors="default")]
    return "".join(syl), "".join(s[:1] for s in syl if s and s[0].isalnum())


@lru_cache(maxsize=8192)
def keys(name: str) -> tuple[str, ...]:
    """The search keys of a name: itself, its short form, and the full pinyin and initials of both."""
    short = short_form(name)
    out = [name.lower(), short.lower()]
    for text in (name, short):
        out.extend(_pinyin(text))
    return tuple(dict.fromkeys(_norm(k) for k in out if k))


def search_text(park: dict) -> str:
    """One space-separated string of a park's keys, for a picker's client-side filter (``data-search``)."""
    return " ".join((*keys(park.get("name") or ""), _norm(park.get("id") or ""), _norm(park.get("city") or ""),
                     _norm(park.get("district") or ""), *_pinyin(park.get("city") or "")))


def matches(park: dict, q: str) -> bool:
    """Whether ``q`` (Chinese, short form, pinyin, initials or id; spaces ignored) finds the park."""
    nq = _norm(q)
    if not nq:
        return True
    return any(nq in k for k in keys(park.get("name") or "")) or nq in _norm(park.get("id") or "")


def rank(park: dict, q: str) -> tuple:
    """Sort key of a hit: a key starting with ``q`` before one merely containing it, then shorter names."""
    nq = _norm(q)
    ks = keys(park.get("name") or "")
    return (0 if any(k.startswith(nq) for k in ks) else 1, len(park.get("name") or ""), park.get("id") or "")


def sort_key(text: str) -> str:
    """Text by its pinyin (杭州 before 湖州 before 嘉兴), for lists people scan."""
    return _pinyin(text or "")[0]
