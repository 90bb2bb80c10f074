"""Language of the pages: Chinese by default, English on request. Dependency-free (no Flask-Babel).

The Chinese source string is the key: ``t("找园区")`` is "找园区" in Chinese and the entry of
``translations/en.json`` in English; a string with no entry stays Chinese (and, when it contains CJK, is
recorded in ``MISSING`` so the tests can assert there is none). Placeholders are ``str.format`` fields and
are filled only when keyword arguments are given: ``t("{n} 个园区", n=3)``.

The language comes from ``?lang=en|zh`` (then kept in the cookie ``lang`` for a year), else that cookie, else
Chinese. Templates get ``t`` (and ``_``), ``lang``, ``html_lang`` and ``lang_url(code)`` (the current page in
another language). An argument that is ``Markup`` (a link made with ``{% set %}``) makes the result ``Markup``
with everything else escaped. The strings the page scripts build are translated here too (``js_strings``) and reach the
browser as JSON: recommend.js in its ``#rec-config``, home.js and compare.js in ``#i18n`` (English only).

Data stays Chinese: park names, 主导产业 labels, cities, the reasons sentences of ``findpark.siting.reasons``.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

from flask import Flask, g, has_request_context, request
from markupsafe import Markup, escape

from .. import numbers, vocab
from ..paths import STATIC_DIR

LANGS = ("zh", "en")
DEFAULT = "zh"
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
HTML_LANG = {"zh": "zh-CN", "en": "en"}
TRANSLATIONS = Path(__file__).with_name("translations")
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")

MISSING: set[str] = set()

JS_DIR = STATIC_DIR / "js"
JS_CALL = re.compile(r'\bT\("((?:[^"\\]|\\.)*)"')


@lru_cache(maxsize=None)
def js_keys(*names: str) -> tuple[str, ...]:
    """The strings the page scripts translate: the literal first argument of each ``T("…")`` call."""
    keys: list[str] = []
    for name in names:
        for m in JS_CALL.finditer((JS_DIR / name).read_text("utf-8")):
            key = json.loads(f'"{m.group(1)}"')
            if key not in keys:
                keys.append(key)
    return tuple(keys)


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict[str, str]:
    path = TRANSLATIONS / f"{lang}.json"
    if lang == DEFAULT or not path.exists():
        return {}
    return json.loads(path.read_text("utf-8"))


def get_lang() -> str:
    if not has_request_context():
        return DEFAULT
    lang = getattr(g, "lang", None)
    if lang is None:
        lang = g.lang = choose_lang()
    return lang


def choose_lang() -> str:
    asked = (request.args.get("lang") or "").strip().lower()
    if asked in LANGS:
        return asked
    cookie = (request.cookies.get(COOKIE) or "").strip().lower()
    return cookie if cookie in LANGS else DEFAULT


def t(text, **kw) -> str:
    """``text`` (the Chinese source) in the page's language; ``kw`` fill its ``{name}`` fields."""
    if text is None:
        return text
    text = str(text)
    lang = get_lang()
    out = text
    if lang != DEFAULT:
        found = catalogue(lang).get(text)
        if found is None:
            if CJK.search(text):
                MISSING.add(text)
        else:
            out = found
    if not kw:
        return out
    if any(isinstance(v, Markup) for v in kw.values()):  # markup (a link) inside the sentence: escape the rest
        return Markup(escape(out)).format(**kw)
    return out.format(**kw)


def tv(value):
    """A value that may be a label (e.g. 报告表) or data (e.g. 汽车零部件, M1、M2): translated when the catalogue
    knows it, else kept, with its list separators translated; never recorded as missing."""
    if not isinstance(value, str) or get_lang() == DEFAULT:
        return value
    found = catalogue(get_lang()).get(value)
    return found if found is not None else value.replace("、", t("、"))


def tmap(d: dict) -> dict:
    """A label map with its values translated (the keys are codes)."""
    return {k: t(v) for k, v in d.items()}


def vl(kind: str) -> dict[str, str]:
    """code → label of one vocabulary table (``findpark.vocab``) in the page's language."""
    return vocab.labels(kind, get_lang())


def vocab_for(kinds) -> dict[str, dict[str, str]]:
    """The vocabulary tables a page script needs (``js_vocab`` of the page), in the page's language."""
    return {k: vl(k) for k in kinds}


def label(kind: str, code: str) -> str:
    """One code's label (``findpark.vocab``) in the page's language."""
    return vocab.label(kind, code, get_lang())


def js_strings(keys) -> dict[str, str]:
    """{Chinese: English} for the page scripts; empty in Chinese (the scripts then keep their own text)."""
    if get_lang() == DEFAULT:
        return {}
    return {k: t(k) for k in keys}


def lang_url(code: str) -> str:
    """The current page (path and query) with ``lang=code``."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    args.append(("lang", code))
    return request.path + "?" + urlencode(args)


def init_app(app: Flask) -> None:
    @app.before_request
    def _lang():
        g.lang = choose_lang()

    @app.after_request
    def _remember(resp):
        asked = (request.args.get("lang") or "").strip().lower()
        if asked in LANGS and request.cookies.get(COOKIE) != asked:
            resp.set_cookie(COOKIE, asked, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True)
        if resp.mimetype == "text/html":
            resp.vary.add("Cookie")
        return resp

    # one number style (findpark/numbers.py): {{ x|num(1, 'mu') }} 「1,234.5 亩」, {{ score|points }} 「68.5 分」, {{ w|pct }}
    app.jinja_env.filters["num"] = lambda v, nd=2, unit=None, fixed=False: numbers.number(v, nd, unit, get_lang(), fixed)
    app.jinja_env.filters["points"] = lambda score: numbers.points_text(score, get_lang())
    app.jinja_env.filters["pct"] = numbers.percent

    @app.context_processor
    def _i18n():
        lang = get_lang()
        js = js_strings(js_keys("home.js", "compare.js", "recommend.js", "basemap.js", "sortable.js")) if lang != DEFAULT else {}
        return {"t": t, "_": t, "tv": tv, "lang": lang, "html_lang": HTML_LANG[lang], "lang_url": lang_url, "js_i18n": js,
                "label": label, "vl": vl, "vocab_for": vocab_for}
