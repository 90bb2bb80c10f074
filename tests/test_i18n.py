"""Language of the pages: Chinese by default, English with ?lang=en (kept in the cookie ``lang``).

Besides the key words of each page, three checks that nothing is left untranslated in English:
the templates have no Chinese outside ``t(…)`` calls, every string the pages and the page scripts look up
has an English entry, and the visible text (and titles, placeholders, aria-labels) of every rendered page is
free of Chinese once the data (park names, cities, 主导产业, industry labels, reasons sentences) is removed."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from findpark import taxonomy
from findpark.app import create_app
from findpark.web import i18n
from findpark.web.recommend_page import district_groups

REPO = Path(__file__).resolve().parent.parent
CJK = i18n.CJK
PAGES = ["/", "/parks/G331018", "/recommend", "/compare", "/compare?ids=G331018,G332019",
         "/parks/G331018/inquire", "/login"]
# (path, English words the page must show, Chinese words it must not)
KEY_WORDS = {
    "/": (["Find parks", "Industry", "Search", "Leading industries", "Available land"], ["查询", "所在地"]),
    "/parks/G331018": (["Five-force evaluation", "Indicators", "Inquire about this park", "Status"], ["咨询此园区", "容积率"]),
    "/recommend": (["Project siting", "Find matches", "Ranking weights", "Export PDF", "Space needed"], ["开始匹配", "排序权重"]),
    "/compare": (["Compare parks", "Choose parks", "Filter"], ["选择园区", "筛选"]),
    "/compare?ids=G331018,G332019": (["Level / type", "Five-force radar chart", "Available plots"], ["级别 / 类型", "可供地块"]),
    "/parks/G331018/inquire": (["Company name", "Contact", "Send inquiry", "Confidential"], ["企业名称", "提交咨询"]),
    "/login": (["Staff sign-in", "Username", "Password", "Sign in"], ["用户名", "密码"]),
}
# example inputs the English placeholders keep in Chinese (what the user types), and the switch itself
ALLOWED = ("中文", "萧山")


def with_lang(path: str, lang: str) -> str:
    return path + ("&" if "?" in path else "?") + "lang=" + lang


class _Text(HTMLParser):
    """Visible text and the text of title/placeholder/aria-label/alt attributes; no script or style."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        self.parts += [v for k, v in attrs if k in ("title", "placeholder", "aria-label", "alt", "label") and v]

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


@pytest.fixture(scope="module")
def data_strings(app) -> list[str]:
    """The Chinese that is data, not UI: longest first so that a name goes before its parts."""
    store = app.extensions["findpark_store"]
    out: set[str] = set()
    for p in store.read("parks"):
        out.update(str(p[k]) for k in ("name", "city", "district", "kind", "source") if p.get(k))
        out.update(p.get("leading_industries") or [])
    for g in district_groups():
        out.add(g["city"])
        out.update(c["district"] for c in g["counties"])
    out.update(taxonomy.labels())
    return sorted(out, key=len, reverse=True)


def untranslated(html: str, data: list[str], extra: tuple[str, ...] = ()) -> list[str]:
    parser = _Text()
    parser.feed(html)
    text = "\n".join(parser.parts)
    for s in (*sorted(extra, key=len, reverse=True), *data, *ALLOWED):
        text = text.replace(s, "")
    return [line.strip() for line in text.splitlines() if CJK.search(line)]


# -- default and switch ----------------------------------------------------------------------------------
@pytest.mark.parametrize("path", PAGES)
def test_default_is_chinese_with_a_switch(client, path):
    r = client.get(path)
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert '<html lang="zh-CN">' in html
    assert "找园区" in html and "Find parks" not in html
    english, chinese = KEY_WORDS[path]
    assert all(w in html for w in chinese)
    switch = re.search(r'<span class="lang-switch" id="lang-switch">(.*?)</span>', html, re.S).group(1)
    assert '<b lang="zh-CN" aria-current="true">中文</b>' in switch
    assert 'lang="en"' in switch and ">English</a>" in switch and "lang=en" in switch
    assert 'id="i18n"' not in html  # the scripts keep their own Chinese
    assert "lang=" not in (r.headers.get("Set-Cookie") or "")


@pytest.mark.parametrize("path", PAGES)
def test_every_page_in_english(client, path):
    r = client.get(with_lang(path, "en"))
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert '<html lang="en">' in html
    english, chinese = KEY_WORDS[path]
    for word in english:
        assert word in html, word
    page = re.sub(r"<script.*?</script>", "", html, flags=re.S)  # the scripts' JSON is keyed by the Chinese
    for word in chinese:
        assert word not in page, word
    assert 'aria-label="Main navigation"' in html and ">Compare parks</a>" in html
    switch = re.search(r'<span class="lang-switch" id="lang-switch">(.*?)</span>', html, re.S).group(1)
    assert '<b lang="en" aria-current="true">English</b>' in switch and ">中文</a>" in switch
    assert "lang=en" in r.headers["Set-Cookie"] and "Max-Age=31536000" in r.headers["Set-Cookie"]


def test_switch_keeps_path_and_query(client):
    html = client.get("/compare?ids=G331018,G332019&industry=汽车零部件").get_data(as_text=True)
    link = re.search(r'<a href="([^"]+)" lang="en" hreflang="en">English</a>', html).group(1)
    assert link.startswith("/compare?") and "ids=G331018%2CG332019" in link and "lang=en" in link
    assert "industry=%E6%B1%BD" in link
    assert '<html lang="en">' in client.get(link.replace("&amp;", "&")).get_data(as_text=True)


def test_cookie_keeps_the_choice(client):
    client.get("/?lang=en")
    html = client.get("/parks/G331018").get_data(as_text=True)  # no ?lang: the cookie
    assert '<html lang="en">' in html and "Five-force evaluation" in html
    html = client.get("/login?lang=zh").get_data(as_text=True)
    assert '<html lang="zh-CN">' in html and "工作人员登录" in html
    assert '<html lang="zh-CN">' in client.get("/recommend").get_data(as_text=True)


def test_unknown_language_falls_back(client):
    r = client.get("/?lang=fr")
    assert '<html lang="zh-CN">' in r.get_data(as_text=True) and "lang=" not in (r.headers.get("Set-Cookie") or "")
    client.set_cookie("lang", "de")
    assert '<html lang="zh-CN">' in client.get("/").get_data(as_text=True)


# -- nothing left in Chinese -----------------------------------------------------------------------------
TEMPLATES = ["base", "index", "park", "recommend", "compare", "inquiry", "login", "desk", "desk_detail", "audit",
             "error"]


@pytest.mark.parametrize("name", TEMPLATES)
def test_templates_have_no_chinese_outside_t(name):
    src = (REPO / "templates" / f"{name}.html").read_text("utf-8")
    src = re.sub(r"\{#.*?#\}|<style>.*?</style>", "", src, flags=re.S)
    src = re.sub(r'<span class="lang-switch".*?</span>\n', "", src)  # 中文 | English: each in its own language
    raw = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", " ", src, flags=re.S)
    assert [line.strip() for line in raw.splitlines() if CJK.search(line)] == []
    for m in re.finditer(r"\{\{.*?\}\}|\{%.*?%\}", src, flags=re.S):  # Chinese literals only as t('…') keys
        for lit in re.finditer(r"'([^']*)'", m.group(0)):
            assert not CJK.search(lit.group(1)) or m.group(0)[:lit.start()].endswith("t("), m.group(0)


@pytest.mark.parametrize("name", ["home.js", "compare.js", "recommend.js"])
def test_scripts_take_their_strings_from_the_server(name):
    src = (REPO / "static" / "js" / name).read_text("utf-8")
    code = re.sub(r"/\*.*?\*/", "", src, flags=re.S)
    code = re.sub(r"^\s*//.*$|\s//\s.*$", "", code, flags=re.M)
    keys = i18n.js_keys(name)
    assert keys
    en = i18n.catalogue("en")
    assert [k for k in keys if k not in en] == []
    for m in re.finditer(r'"((?:[^"\\]|\\.)*)"', code):
        if CJK.search(m.group(1)):
            before, after = code[:m.start()], code[m.end():]
            # a T("…") key, or a key of the mapping from Chinese EIA labels (example input) to codes
            assert before.endswith("T(") or after.lstrip().startswith(":"), m.group(0)


def test_catalogue_placeholders_match():
    for zh, en in i18n.catalogue("en").items():
        assert sorted(re.findall(r"\{\w*\}", zh)) == sorted(re.findall(r"\{\w*\}", en)), zh
        assert not CJK.search(en) or any(w in en for w in ("生物医药", "汽车零部件", "萧山")), en


def test_english_pages_have_no_chinese_but_data(app, data_strings):
    client = app.test_client()
    i18n.MISSING.clear()
    pages = {p: client.get(with_lang(p, "en")) for p in PAGES}
    # error messages, server-rendered results and the requirement of a comparison
    pages["filters"] = client.get("/?lang=en&level=bad&land_min=-1&land_max=x")
    pages["compare bad"] = client.get("/compare?lang=en&ids=G331018,NOPE1")
    pages["compare few"] = client.get("/compare?lang=en&ids=G331018,G332019,x!&land_mu_min=abc&req=[1]")
    pages["compare req"] = client.get("/compare?lang=en&ids=G331018,G332019&industry=汽车零部件&land_mu_min=80"
                                      "&land_mu_max=120&req=" + json.dumps({"eia": "report_form"}))
    pages["recommend bad"] = client.post("/recommend?lang=en", data={
        "industry": "nope", "land_mu_min": "x", "land_mu_max": "5", "profile": "", "weights.cost": "-1",
        "max_distance_km.airport": "0", "top_k": "1.5"})
    pages["recommend"] = client.post("/recommend?lang=en", data={
        "industry": "汽车零部件", "land_mu_min": "80", "land_mu_max": "120", "profile": "default"})
    pages["inquiry bad"] = client.post("/inquire?lang=en", data={"company": "x"})
    assert pages["compare req"].status_code == 200 and pages["recommend"].status_code == 200
    assert pages["recommend bad"].status_code == 422 and pages["inquiry bad"].status_code == 400
    assert i18n.MISSING == set()
    # the reasons sentences (findpark.siting.reasons) are data: Chinese in both languages
    reasons = tuple(re.findall(r'<ul class="reasons[^"]*">(.*?)</ul>', pages["recommend"].get_data(as_text=True), re.S))
    reasons += tuple(re.findall(r"<li>([^<]*)</li>", pages["compare req"].get_data(as_text=True)))
    reasons_text = tuple(x for r in reasons for x in re.split(r"<[^>]+>", r) if x.strip())
    for name, r in pages.items():
        assert untranslated(r.get_data(as_text=True), data_strings, reasons_text) == [], name


def test_recommend_config_and_scripts_in_english(client):
    html = client.get("/recommend?lang=en").get_data(as_text=True)
    cfg = json.loads(re.search(r'<script type="application/json" id="rec-config">(.*?)</script>', html, re.S).group(1))
    assert cfg["criteria_zh"]["cost"] == "Cost" and cfg["exclude_zh"]["area_too_small"] == "Area too small"
    strings = json.loads(re.search(r'<script type="application/json" id="i18n">(.*?)</script>', html, re.S).group(1))
    assert strings["地图定位"] == "Show on map" and set(i18n.js_keys("recommend.js")) <= set(strings)
    assert all(not CJK.search(tpl) or "生物医药" in tpl for _, tpl in cfg["reason_zh"])
    zh = client.get("/recommend?lang=zh").get_data(as_text=True)
    cfg_zh = json.loads(re.search(r'id="rec-config">(.*?)</script>', zh, re.S).group(1))
    assert 'id="i18n"' not in zh and cfg_zh["exclude_zh"]["area_too_small"] == "面积过小"
    home = client.get("/?lang=en").get_data(as_text=True)
    strings = json.loads(re.search(r'<script type="application/json" id="i18n">(.*?)</script>', home, re.S).group(1))
    assert strings["正在加载地块…"] == "Loading plots…" and strings["已选 {0} 个"] == "{0} selected"


def test_inquiry_confirmation_in_english(small_db):
    app = create_app({"DB": str(small_db), "TESTING": True})
    client = app.test_client()
    html = client.get("/parks/G331018/inquire?lang=en").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    r = client.post("/parks/G331018/inquire", data={
        "csrf_token": token, "company": "ACME", "contact_name": "Li", "contact_email": "li@example.com",
        "project_summary": "EV parts", "plot_id": "G331018-001"})
    html = r.get_data(as_text=True)
    assert r.status_code == 201 and '<html lang="en">' in html
    assert "Inquiry sent" in html and "Your inquiry to <a href=\"/parks/G331018\">" in html
    assert " (plot G331018-001) has been sent." in html and "Access token" in html
    # staff read it on the desk, in English too
    from findpark.services import accounts

    accounts.add_user(app.extensions["findpark_store"], "hz", "staff", ["3301"], "a long password 1")
    client.post("/login", data={"username": "hz", "password": "a long password 1"})
    listing = client.get("/inquiries").get_data(as_text=True)
    assert "ACME" in listing and ">New</td>" in listing and "Inquiry desk" in listing
    iid = re.search(r'<a href="/inquiries/([0-9a-f]+)">', listing).group(1)
    detail = client.get(f"/inquiries/{iid}").get_data(as_text=True)
    assert "Change status to" in detail and "Assign to" in detail
    for html in (listing, detail):  # the interface is English; the data (park names, the inquiry) stays as typed
        for zh in ("咨询台", "负责人", "状态改为", "分派给", "处理记录", "跟进记录", "新建", "退出"):
            assert zh not in html, zh
