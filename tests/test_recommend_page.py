"""The recommend page (项目落位智能匹配): form, industry search, no-JS fallback, offline assets."""
import json
import re
from html.parser import HTMLParser


from findpark import taxonomy
from findpark.gazetteer import counties
from findpark.paths import EXAMPLES_DIR
from findpark.siting.requirement import CRITERIA

FIELDS = ["name", "industry", "land_mu_min", "land_mu_max", "floor_m2", "investment_wan", "annual_tax_wan",
          "power_kva", "water_t_day", "eia", "land_use", "max_price_wan_per_mu", "districts",
          "max_distance_km.airport", "max_distance_km.rail_station", "max_distance_km.metro_station", "profile",
          *[f"weights.{c}" for c in CRITERIA], "top_k"]
EXTERNAL = re.compile(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", re.I)


class Form(HTMLParser):
    """Inputs/selects (id, name, type, attrs), labels (for=…), datalist options, select options."""

    def __init__(self):
        super().__init__()
        self.controls, self.labels, self.datalist, self.options = [], set(), [], {}
        self._in_datalist, self._select = False, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("input", "select", "textarea") and a.get("name"):
            self.controls.append({"tag": tag, **a})
        if tag == "select":
            self._select = a.get("name")
            self.options[self._select] = []
        if tag == "label" and a.get("for"):
            self.labels.add(a["for"])
        if tag == "datalist":
            self._in_datalist = True
        if tag == "option":
            if self._in_datalist:
                self.datalist.append(a.get("value"))
            elif self._select:
                self.options[self._select].append(a.get("value"))

    def handle_endtag(self, tag):
        if tag == "datalist":
            self._in_datalist = False
        if tag == "select":
            self._select = None


def parse(html: str) -> Form:
    f = Form()
    f.feed(html)
    return f


def test_page_renders_every_field_with_a_label(client):
    r = client.get("/recommend")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    form = parse(html)
    names = [c["name"] for c in form.controls]
    assert set(FIELDS) <= set(names), set(FIELDS) - set(names)
    for c in form.controls:
        if c.get("type") != "hidden":  # reference_date: set by a shared link, not typed
            assert c.get("id") in form.labels, f"no <label for> for {c['name']}"
    assert "项目落位智能匹配" in html and 'lang="zh-CN"' in html
    # the nav links here now that the endpoint exists
    assert 'href="/recommend"' in html
    by_name = {c["name"]: c for c in form.controls}
    assert by_name["industry"]["list"] == "industry-options"
    assert "multiple" in by_name["districts"]
    for c in CRITERIA:
        assert by_name[f"weights.{c}"]["type"] == "range"
    # EIA options in Chinese, every county/city selectable, one profile option per profile plus 自定义
    assert form.options["eia"] == ["", "registration", "report_form", "report"]
    assert "登记表" in html and "报告表" in html and "报告书" in html
    assert {c["adcode"] for c in counties()} <= set(form.options["districts"])
    assert "330100" in form.options["districts"]  # 杭州市 (全市)
    profiles = client.get("/api/v1/profiles").get_json()["profiles"]
    assert set(form.options["profile"]) == {p["name"] for p in profiles} | {""}
    # sliders start at the default profile's weights
    default = next(p for p in profiles if p["name"] == "default")["weights"]
    for c in CRITERIA:
        assert by_name[f"weights.{c}"]["value"] == str(round(100 * default[c]))
    # the example button, the exports, compare, and the map container are there
    assert "示例: 新能源汽车零部件" in html
    for needle in ('id="export-pdf"', 'id="export-xlsx"', 'id="compare-btn"', 'id="rec-map"', 'id="rec-config"'):
        assert needle in html


def test_datalist_holds_the_catalogue_labels(client):
    form = parse(client.get("/recommend").get_data(as_text=True))
    assert set(form.datalist) == set(taxonomy.labels())
    assert "汽车零部件" in form.datalist and "生物医药" in form.datalist


def test_page_config_carries_labels_and_urls(client):
    html = client.get("/recommend").get_data(as_text=True)
    cfg = json.loads(re.search(r'<script type="application/json" id="rec-config">(.*?)</script>', html, re.S).group(1))
    assert cfg["criteria"] == list(CRITERIA)
    assert cfg["exclude_zh"]["status_unavailable"] == "非可供状态"
    assert cfg["exclude_zh"]["distance_airport"] == "距机场过远"
    assert cfg["exclude_zh"]["floor_space"] == "空置厂房不足"
    assert cfg["urls"]["recommend"] == "/recommend"  # the script posts the form: one parser, on the server
    assert cfg["urls"]["export"] == {"pdf": "/export/recommendation.pdf", "xlsx": "/export/recommendation.xlsx"}
    assert cfg["example"] == json.loads((EXAMPLES_DIR / "auto_parts.json").read_text("utf-8"))


def test_industries_endpoint_finds_codes_and_names(client):
    d = client.get("/recommend/industries?q=C36").get_json()
    assert d["match"]["value"] == "C36" and d["match"]["name"] == "汽车制造业"
    values = [i["value"] for i in d["items"]]
    assert values[0] == "C36" and "C367" in values
    assert any(i["kind"] == "label" and "C36" in " ".join(i["codes"]) for i in d["items"])
    d = client.get("/recommend/industries?q=c3670").get_json()  # lower case is accepted, as the API does
    assert d["match"]["value"] == "C3670"
    d = client.get("/recommend/industries?q=汽车").get_json()
    values = [i["value"] for i in d["items"]]
    assert values[0] == "汽车" and "汽车零部件" in values
    assert "C36" in values  # by its GB/T name 汽车制造业
    assert all(i["value"] for i in d["items"]) and len(d["items"]) <= 30
    # every item is a value the request accepts
    for v in values:
        assert taxonomy.resolve(v)
    assert client.get("/recommend/industries?q=宇宙飞船").get_json() == {"q": "宇宙飞船", "match": None, "items": []}
    assert len(client.get("/recommend/industries?q=&limit=5").get_json()["items"]) == 5


def test_example_prefill_without_js(client):
    html = client.get("/recommend?example=auto_parts").get_data(as_text=True)
    ex = json.loads((EXAMPLES_DIR / "auto_parts.json").read_text("utf-8"))
    by_name = {c["name"]: c for c in parse(html).controls}
    assert by_name["industry"]["value"] == ex["industry"]
    assert by_name["land_mu_min"]["value"] == "80" and by_name["land_mu_max"]["value"] == "120"
    assert by_name["max_distance_km.airport"]["value"] == "80"
    assert '<option value="report_form" selected>' in html


def test_form_post_fallback_ranks_like_the_api(client):
    ex = json.loads((EXAMPLES_DIR / "auto_parts.json").read_text("utf-8"))
    api = client.post("/api/v1/recommend", json=ex).get_json()
    form = {"name": ex["name"], "industry": ex["industry"], "land_mu_min": "80", "land_mu_max": "120",
            "power_kva": "5000", "investment_wan": "60000", "annual_tax_wan": "2000", "eia": "report_form",
            "max_distance_km.airport": "80", "max_distance_km.rail_station": "40", "profile": "default", "top_k": ""}
    r = client.post("/recommend", data=form)
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    ranked = re.findall(r'data-kind="plot" data-id="([^"]+)"', html)
    assert ranked == [p["plot_id"] for p in api["plots"]]
    assert re.findall(r'data-kind="park" data-id="([^"]+)"', html) == [p["park_id"] for p in api["parks"]]
    assert "稳定性" in html and "非可供状态" in html and 'class="cbar"' in html
    assert f'href="/parks/{api["plots"][0]["park_id"]}"' in html


def test_form_post_as_json_is_what_the_script_gets(client):
    """recommend.js posts the form itself (no parser of its own) and asks for JSON: the request the server read
    and the API's ranking; errors are a 422 problem naming the form fields."""
    ex = json.loads((EXAMPLES_DIR / "auto_parts.json").read_text("utf-8"))
    api = client.post("/api/v1/recommend", json=ex).get_json()
    form = {"name": ex["name"], "industry": ex["industry"], "land_mu_min": "80", "land_mu_max": "120",
            "power_kva": "5000", "investment_wan": "60000", "annual_tax_wan": "2000", "eia": "report_form",
            "max_distance_km.airport": "80", "max_distance_km.rail_station": "40", "profile": "default", "top_k": ""}
    r = client.post("/recommend", data=form, headers={"Accept": "application/json"})
    assert r.status_code == 200 and r.is_json
    got = r.get_json()
    assert [p["plot_id"] for p in got["result"]["plots"]] == [p["plot_id"] for p in api["plots"]]
    assert got["requirement"]["land_mu_min"] == 80 and got["requirement"]["max_distance_km"] == {"airport": 80,
                                                                                                 "rail_station": 40}
    bad = client.post("/recommend", data={"industry": "C36", "land_mu_min": "abc", "max_distance_km.airport": "-3",
                                          "profile": "default"}, headers={"Accept": "application/json"})
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json"
    names = {p["name"] for p in bad.get_json()["invalid-params"]}
    assert names == {"land_mu_min"}  # a field that is not a number stops before validation
    bad = client.post("/recommend", data={"industry": "C36", "land_mu_min": "5", "max_distance_km.airport": "-3",
                                          "profile": "default"}, headers={"Accept": "application/json"})
    assert {p["name"] for p in bad.get_json()["invalid-params"]} == {"max_distance_km.airport"}


def test_form_post_errors_are_next_to_their_fields(client):
    form = {"industry": "宇宙飞船", "land_mu_min": "50", "land_mu_max": "10", "max_distance_km.airport": "-3",
            "profile": "", **{f"weights.{c}": "0" for c in CRITERIA}}
    r = client.post("/recommend", data=form)
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    errors = dict(re.findall(r'<p class="field-error" id="(err-f-[^"]+)">([^<]+)</p>', html))
    assert set(errors) == {"err-f-industry", "err-f-land_mu_max", "err-f-max_distance_km-airport", "err-f-profile"}
    assert "未知行业" in errors["err-f-industry"] and "50 亩" in errors["err-f-land_mu_max"]
    for field, err in (("f-industry", "err-f-industry"), ("f-land_mu_max", "err-f-land_mu_max"),
                       ("f-max_distance_km-airport", "err-f-max_distance_km-airport"), ("f-profile", "err-f-profile")):
        tag = re.search(rf'<(?:input|select) id="{field}"[^>]*>', html).group(0)
        assert err in re.search(r'aria-describedby="([^"]*)"', tag).group(1) and 'aria-invalid="true"' in tag
    # neither land nor floor: the message sits in the 用地需求 group, described by all three inputs
    html = client.post("/recommend", data={"industry": "C36", "profile": "default"}).get_data(as_text=True)
    assert re.search(r'<p class="field-error" id="err-f-request">请填写用地面积', html)
    assert re.search(r'<input id="f-floor_m2"[^>]*aria-describedby="[^"]*err-f-request', html)
    # not a number
    html = client.post("/recommend", data={"industry": "C36", "land_mu_min": "abc", "profile": "default"}).get_data(as_text=True)
    assert '<p class="field-error" id="err-f-land_mu_min">无法识别「abc」: 请输入数字' in html  # never dropped


def test_error_mapping_matches_the_api(client):
    """Every invalid-params name the API gives for bad form input maps to an error slot on the page."""
    from findpark.web.recommend_page import field_for

    html = client.get("/recommend").get_data(as_text=True)
    bad = {"industry": "xx", "land_mu_min": -1, "land_mu_max": 0, "floor_m2": -5, "investment_wan": -1,
           "annual_tax_wan": -1, "power_kva": -1, "water_t_day": -1, "max_price_wan_per_mu": 0,
           "districts": ["火星"], "max_distance_km": {"rail_station": 0}, "weights": {"cost": -1}, "top_k": 0}
    problem = client.post("/api/v1/recommend", json=bad).get_json()
    assert problem["status"] == 422
    for p in problem["invalid-params"]:
        field = field_for(p["name"], p["reason"])
        assert f'id="err-f-{field.replace(".", "-")}"' in html, (p, field)
    assert field_for("max_distance_km", "rail_station: distance must be > 0") == "max_distance_km.rail_station"
    assert field_for("weights", "cost: weights must be ≥ 0") == "weights.cost"


def test_js_and_css_are_served_and_offline(client):
    html = client.get("/recommend").get_data(as_text=True)
    js = client.get("/static/js/recommend.js")
    css = client.get("/static/recommend.css")
    assert js.status_code == 200 and "javascript" in js.content_type
    assert css.status_code == 200 and "css" in css.content_type
    js_text, css_text = js.get_data(as_text=True), css.get_data(as_text=True)
    assert "fetch(cfg.urls.recommend" in js_text  # URLs come from the page config (url_for), not hard-coded
    assert "function toLatLng(" in js_text and js_text.count("lonlat[1], lonlat[0]") == 1
    for name, text in (("html", html), ("js", js_text), ("css", css_text)):
        assert not EXTERNAL.findall(text), (name, EXTERNAL.findall(text)[:5])
        assert "cdn" not in text.lower(), name
    # every asset the page loads is ours, and exists
    for src in re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', html):
        assert src.startswith("/static/"), src
        assert client.get(src).status_code == 200, src
    assert client.get("/recommend/outlines.geojson").get_json()["type"] == "FeatureCollection"


def test_numbers_as_people_type_them(client):
    """6亿, 一百二十, 120亩, 5千 are read by the form's one parser; the page says how it read them."""
    form = {"industry": "汽车零部件", "land_mu_min": "八十", "land_mu_max": "120亩", "investment_wan": "6亿",
            "annual_tax_wan": "2000万", "power_kva": "5千", "profile": "default"}
    got = client.post("/recommend", data=form, headers={"Accept": "application/json"}).get_json()
    req = got["requirement"]
    assert (req["land_mu_min"], req["land_mu_max"], req["investment_wan"], req["annual_tax_wan"], req["power_kva"]) == \
        (80, 120, 60000, 2000, 5000)
    assert got["understood"]["investment_wan"] == "60,000 万元" and got["understood"]["land_mu_min"] == "80 亩"
    html = client.post("/recommend", data=form).get_data(as_text=True)
    assert "已识别为 60,000 万元" in html
    r = client.get("/recommend/understand?field=investment_wan&text=6亿")
    assert r.get_json()["display"] == "60,000 万元"
    bad = client.get("/recommend/understand?field=investment_wan&text=六亿多")
    assert bad.status_code == 422 and bad.get_json()["invalid-params"][0]["name"] == "investment_wan"
    bad = client.post("/recommend", data={**form, "investment_wan": "很多"}, headers={"Accept": "application/json"})
    assert bad.status_code == 422 and [p["name"] for p in bad.get_json()["invalid-params"]] == ["investment_wan"]
    # the API stays strictly numeric
    assert client.post("/api/v1/recommend", json={"industry": "化工", "land_mu_min": "6亿"}).status_code == 422


def test_shared_link_reproduces_the_ranking(client):
    form = {"industry": "汽车零部件", "land_mu_min": "80", "land_mu_max": "120", "profile": "default"}
    got = client.post("/recommend", data=form, headers={"Accept": "application/json"}).get_json()
    url = got["share_url"]
    assert "req=" in url and "date=" + got["result"]["reference_date"] in url
    html = client.get(url).get_data(as_text=True)
    first = got["result"]["plots"][0]
    assert f'data-id="{first["plot_id"]}"' in html
    again = client.post("/recommend", data={**form, "reference_date": got["result"]["reference_date"]},
                        headers={"Accept": "application/json"}).get_json()
    assert [p["plot_id"] for p in again["result"]["plots"]] == [p["plot_id"] for p in got["result"]["plots"]]
    assert client.get("/recommend?req=%7Bnope").status_code == 422


def test_relaxations_are_one_click(client):
    form = {"industry": "汽车零部件", "land_mu_min": "80", "land_mu_max": "120", "investment_wan": "6亿",
            "annual_tax_wan": "2000", "power_kva": "5000", "eia": "report_form", "districts": "330100",
            "profile": "default"}
    got = client.post("/recommend", data=form, headers={"Accept": "application/json"}).get_json()
    res = got["result"]
    assert res["eligible"] == 0 and res["relaxations"]
    html = client.post("/recommend", data=form).get_data(as_text=True)
    assert "放宽条件" in html and "仅此一项不满足" in html
    link = res["relaxations"][0]["apply_url"]
    applied = client.get(link).get_data(as_text=True)
    assert 'class="result"' in applied
