"""可比, 可询 and the exports, through Flask's test client: the compare page (2-4 parks, errors, a requirement's
best plots), the inquiry form (CSRF, validation next to each field, the token shown once, confidential
inquiries masked in the staff list), and the PDF/XLSX downloads (read back with pypdf and openpyxl)."""
import io
import json
import re
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from findpark.siting import recommend
from tests.conftest import copy_store
from findpark.app import create_app

REPO = Path(__file__).resolve().parent.parent
TWO = ["G331018", "G332019"]
FOUR = ["G331018", "G332019", "G331107", "S337071"]
LAND = {"industry": "生物医药", "land_mu_min": 20, "land_mu_max": 80}
EXTERNAL = re.compile(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//|https?://""", re.I)


@pytest.fixture(scope="module")
def app(bundled_db, tmp_path_factory):
    db = copy_store(bundled_db, tmp_path_factory.mktemp("cie") / "x.gpkg")  # writable: inquiries are written
    return create_app({"DB": str(db), "TESTING": True})


@pytest.fixture(scope="module")
def store(app):
    # not through an app context held open for the module: requests would share its ``g`` (Flask-WTF keeps
    # the request's CSRF token there) instead of each getting their own
    return app.extensions["findpark_store"]


def text(resp) -> str:
    return resp.get_data(as_text=True)


def names(store, ids):
    return [store.get("parks", i)["name"] for i in ids]


def no_external(html: str):
    assert not EXTERNAL.search(html), EXTERNAL.search(html).group(0)


def field_error(html: str, field: str) -> str:
    """The error message rendered next to a field (the element its aria-describedby names)."""
    m = re.search(rf'<span class="err" id="e-{field}">([^<]*)</span>', html)
    return m.group(1) if m else ""


# -- compare ---------------------------------------------------------------------------------------------
def test_compare_picker_without_ids(client, store):
    r = client.get("/compare")
    assert r.status_code == 200
    html = text(r)
    assert html.count('type="checkbox" name="ids"') == store.count("parks")
    assert 'id="park-search"' in html and "js/compare.js" in html
    assert 'class="err"' not in html
    no_external(html)


@pytest.mark.parametrize("ids", [TWO, FOUR])
def test_compare_side_by_side(client, store, ids):
    r = client.get("/compare?ids=" + ",".join(ids))
    assert r.status_code == 200
    html = text(r)
    for n in names(store, ids):
        assert n in html
    for label in ("亩均税收", "工业用地价格", "可供地块", "主导产业", "五力指数", "产业聚力", "创新动力"):
        assert label in html
    assert "※" in html
    assert html.count('<svg class="radar"') == 1 and html.count("<polygon") >= 5 + len(ids)
    assert "&lt;svg" not in html  # the chart is markup, not escaped text
    for i in ids:  # each park is pre-ticked in the picker, and the export links carry the ids
        assert f'value="{i}" checked' in html
    assert f"/export/compare.pdf?ids={quote(','.join(ids), safe='')}" in html
    assert "/export/compare.xlsx?" in html
    no_external(html)


def test_compare_accepts_repeated_ids_from_checkboxes(client):
    r = client.get("/compare?ids=G331018&ids=G332019")
    assert r.status_code == 200 and "杭州高新技术产业开发区" in text(r)


def test_compare_link_with_one_park_preselects_it(client):
    r = client.get("/compare?ids=G331018")  # the park page's 加入对比 link
    html = text(r)
    assert r.status_code == 200 and 'id="ids-error"' not in html and '<table class="cmp">' not in html
    assert re.search(r'value="G331018"[^>]*checked', html)


@pytest.mark.parametrize("ids", [["G331018"], FOUR + ["S337065"]])
def test_compare_wrong_number_of_parks(client, ids):
    r = client.get("/compare?ids=" + ",".join(ids) + "&industry=&land_mu_min=&land_mu_max=")  # the form, sent
    assert r.status_code == 400
    html = text(r)
    assert re.search(r'<span class="err" id="ids-error"[^>]*>请选择 2-4 个园区（现在 %d 个）' % len(ids), html)
    assert 'aria-describedby="ids-error"' in html
    assert '<table class="cmp">' not in html


def test_compare_form_sent_with_no_park_ticked(client):
    r = client.get("/compare?industry=&land_mu_min=&land_mu_max=")
    assert r.status_code == 400 and "请选择 2-4 个园区（现在 0 个）" in text(r)


def test_compare_unknown_id(client):
    r = client.get("/compare?ids=G331018,NOPE999")
    assert r.status_code == 400
    assert "未知园区编号: NOPE999" in text(r) and '<table class="cmp">' not in text(r)
    r = client.get("/compare?ids=G331018,bad%20id")
    assert r.status_code == 400 and "不是园区编号" in text(r)


def test_compare_with_requirement_shows_best_plots(client, store):
    from findpark.siting import Requirement
    from findpark.siting.compare import best_plots

    expected = best_plots(store, Requirement.model_validate(LAND), TWO)
    r = client.get("/compare?ids=" + ",".join(TWO) + "&industry=生物医药&land_mu_min=20&land_mu_max=80")
    assert r.status_code == 200
    html = text(r)
    assert "本项目的最佳地块" in html and "排除的地块" in html
    for pid in TWO:
        fit = expected[pid]
        assert fit["best_plot_id"] and fit["best_plot_id"] in html
        assert f"{fit['n_eligible_plots']} 块" in html
        assert f"共 {fit['excluded']['total']} 块" in html
        assert fit["reasons"][0] in html
    assert "非可供状态" in html  # excluded counts by reason, in Chinese
    assert "inquire?plot_id=" + expected[TWO[0]]["best_plot_id"] in html  # ask about that plot
    # the same requirement as ?req=<JSON> (e.g. from the recommend page)
    r2 = client.get("/compare?ids=" + ",".join(TWO) + "&req=" + quote(json.dumps({**LAND, "name": "测试项目"})))
    assert r2.status_code == 200 and expected[TWO[0]]["best_plot_id"] in text(r2)
    assert "项目名称 测试项目" in text(r2)  # conditions the form does not show are listed


def test_compare_requirement_errors_next_to_the_field(client):
    base = "/compare?ids=" + ",".join(TWO)
    html = text(r := client.get(base + "&industry=生物医药&land_mu_min=80&land_mu_max=20"))
    assert r.status_code == 400 and field_error(html, "land_mu_max") == "须不小于用地下限"
    html = text(r := client.get(base + "&industry=生物医药&land_mu_min=abc"))
    assert r.status_code == 400 and field_error(html, "land_mu_min") == "须为数字"
    html = text(r := client.get(base + "&industry=宇宙飞船&land_mu_min=20"))
    assert r.status_code == 400 and field_error(html, "industry").startswith("未知产业")
    html = text(r := client.get(base + "&industry=&land_mu_min=20"))
    assert r.status_code == 400 and field_error(html, "industry") == "必填"
    html = text(r := client.get(base + "&industry=生物医药&land_mu_min=&land_mu_max="))
    assert r.status_code == 400 and "用地面积" in field_error(html, "land_mu_min")
    assert 'aria-invalid="true" aria-describedby="e-land_mu_min"' in html
    html = text(r := client.get(base + "&req=" + quote('{"industry": "生物医药", "floor_m2": 5000}')))
    assert r.status_code == 400 and "用地面积" in field_error(html, "land_mu_min")  # a comparison needs land
    html = text(r := client.get(base + "&req=notjson"))
    assert r.status_code == 400 and "不是有效的 JSON" in html


# -- inquiries -------------------------------------------------------------------------------------------
def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


VALID = {"company": "某新能源科技有限公司", "contact_name": "王经理", "contact_phone": "0571-88886666",
         "project_summary": "电驱动总成项目, 用地约 80 亩", "industry": "汽车零部件"}


def test_inquiry_form_get(client, store):
    r = client.get("/parks/G331018/inquire?plot_id=G331018-015")
    assert r.status_code == 200
    html = text(r)
    assert "杭州经济技术开发区" in html and 'value="G331018-015"' in html and csrf_of(html)
    for f in ("plot_id", "company", "contact_name", "contact_phone", "contact_email", "project_summary", "industry",
              "confidential"):
        assert f'<label for="f-{f}">' in html and f'id="f-{f}"' in html  # every field has its label
    no_external(html)
    r = client.get("/inquire?park_id=G332019")
    html = text(r)
    assert r.status_code == 200 and '<option value="G332019" selected>' in html
    assert html.count("<option value=\"") >= store.count("parks")
    assert client.get("/parks/NOPE/inquire").status_code == 404


def test_inquiry_post_valid_shows_token_once_and_it_works(client, store):
    html = text(client.get("/parks/G331018/inquire"))
    _, before = store.list_inquiries()
    r = client.post("/parks/G331018/inquire", data={**VALID, "plot_id": "G331018-015", "csrf_token": csrf_of(html)})
    assert r.status_code == 201 and r.headers["Cache-Control"] == "no-store"
    page = text(r)
    iid = re.search(r'<code id="inquiry-id">([^<]+)</code>', page).group(1)
    token = re.search(r'<code id="inquiry-token">([^<]+)</code>', page).group(1)
    assert "只显示这一次" in page and "妥善保存" in page
    rows, after = store.list_inquiries()
    assert after == before + 1
    rec = store.get_inquiry(iid)
    assert rec["company"] == VALID["company"] and rec["plot_id"] == "G331018-015" and not rec["confidential"]
    assert token not in json.dumps(rec)  # only its hash is stored
    got = client.get(f"/api/v1/inquiries/{iid}", headers={"X-Inquiry-Token": token})
    assert got.status_code == 200 and got.get_json()["contact_phone"] == VALID["contact_phone"]
    # the CSRF token is spent: re-posting the same form (a reload) does not write a second inquiry
    again = client.post("/parks/G331018/inquire", data={**VALID, "csrf_token": csrf_of(html)})
    assert again.status_code == 400 and store.list_inquiries()[1] == after


def test_inquiry_post_invalid_shows_errors_and_writes_nothing(client, store):
    html = text(client.get("/parks/G331018/inquire"))
    _, before = store.list_inquiries()
    bad = {**VALID, "company": "  ", "contact_phone": "abc", "plot_id": "G332019-001", "csrf_token": csrf_of(html)}
    r = client.post("/parks/G331018/inquire", data=bad)
    assert r.status_code == 400
    page = text(r)
    assert field_error(page, "company").startswith("请填写企业名称")
    assert field_error(page, "contact_phone").startswith("电话只能包含")
    assert field_error(page, "plot_id") == "园区 G331018 没有地块 G332019-001"
    assert 'aria-invalid="true" aria-describedby="e-company"' in page
    assert 'value="王经理"' in page  # what was typed is kept
    assert store.list_inquiries()[1] == before
    # neither phone nor e-mail: the API model's rule, shown next to both
    r = client.post("/inquire", data={**VALID, "park_id": "G331018", "contact_phone": "", "csrf_token": csrf_of(page)})
    assert r.status_code == 400
    assert field_error(text(r), "contact_phone") == field_error(text(r), "contact_email") == "请填写电话或邮箱（至少一项）"
    r = client.post("/inquire", data={**VALID, "park_id": "", "csrf_token": csrf_of(page)})
    assert r.status_code == 400 and field_error(text(r), "park_id") == "请选择园区"
    r = client.post("/inquire", data={**VALID, "park_id": "NOPE1", "csrf_token": csrf_of(page)})
    assert r.status_code == 400 and "没有编号为 NOPE1 的园区" in text(r)
    assert store.list_inquiries()[1] == before


def test_inquiry_post_needs_the_csrf_token(app, store):
    c = app.test_client(csrf=False)
    _, before = store.list_inquiries()
    r = c.post("/parks/G331018/inquire", data=VALID)  # no token, no session
    assert r.status_code == 400 and "CSRF" in text(r)
    c.get("/parks/G331018/inquire")  # a session with a token, but the wrong one is sent
    r = c.post("/parks/G331018/inquire", data={**VALID, "csrf_token": "forged"})
    assert r.status_code == 400 and "CSRF" in text(r)
    other = app.test_client(csrf=False)  # another browser's token does not work in this session
    token = csrf_of(text(other.get("/parks/G331018/inquire")))
    assert c.post("/parks/G331018/inquire", data={**VALID, "csrf_token": token}).status_code == 400
    assert store.list_inquiries()[1] == before
    assert app.config["SECRET_KEY"]


def test_the_public_sees_no_inquiry_content(client, store):
    """Inquiries are for in-scope staff (tests/test_accounts.py): the public is sent to sign in, and no page
    shows what an inquiry said."""
    html = text(client.get("/inquire?park_id=G332019"))
    secret = {**VALID, "park_id": "G332019", "company": "保密的生物医药公司", "contact_name": "李总",
              "contact_email": "li@example.com", "confidential": "1", "csrf_token": csrf_of(html)}
    assert client.post("/inquire", data=secret).status_code == 201
    r = client.get("/inquiries")
    assert r.status_code == 302 and r.headers["Location"].startswith("/login?next=/inquiries")
    for page in ("/", "/parks/G332019", "/compare?ids=G331018,G332019", "/login", "/inquire"):
        body = text(client.get(page))
        assert "保密的生物医药公司" not in body and "li@example.com" not in body, page


# -- exports ---------------------------------------------------------------------------------------------
def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", "", "".join(p.extract_text() or "" for p in reader.pages))


def disposition_name(resp) -> str:
    cd = resp.headers["Content-Disposition"]
    assert cd.startswith("attachment;") and 'filename="' in cd
    ascii_name = re.search(r'filename="([^"]+)"', cd).group(1)
    assert ascii_name.isascii()
    return unquote(re.search(r"filename\*=UTF-8''(\S+)", cd).group(1))


@pytest.fixture(scope="module")
def auto_parts():
    return json.loads((REPO / "examples" / "auto_parts.json").read_text("utf-8"))


def test_recommendation_pdf(client, store, auto_parts):
    expected = recommend(store, auto_parts)
    r = client.post("/export/recommendation.pdf", json=auto_parts)
    assert r.status_code == 200 and r.mimetype == "application/pdf" and r.data.startswith(b"%PDF")
    name = disposition_name(r)
    assert name.startswith("项目落位推荐_新能源汽车零部件项目_") and name.endswith(".pdf")
    t = pdf_text(r.data)
    top = expected["parks"][0]
    assert top["name"] in t and top["park_id"] in t and expected["plots"][0]["plot_id"] in t
    for word in ("园区排名", "地块排名", "得分构成", "产业匹配", "理由", "排除原因", "非可供状态", "数据来源", "模拟数据", "※"):
        assert word in t, word
    assert re.sub(r"\s+", "", expected["plots"][0]["reasons"][0]) in t
    # the font is embedded: Chinese renders with no font installed
    reader = PdfReader(io.BytesIO(r.data))
    fonts = {str(f["/BaseFont"]) for p in reader.pages for f in p["/Resources"]["/Font"].values()
             if "/BaseFont" in f.get_object()}
    assert any("NotoSansSC" in f for f in fonts)


def test_recommendation_xlsx(client, store, auto_parts):
    expected = recommend(store, auto_parts)
    r = client.post("/export/recommendation.xlsx", json=auto_parts)
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet")
    assert disposition_name(r).endswith(".xlsx")
    wb = load_workbook(io.BytesIO(r.data))
    assert wb.sheetnames == ["地块", "园区", "排除", "条件与来源"]
    plots, parks, excluded = wb["地块"], wb["园区"], wb["排除"]
    assert [c.value for c in plots[1]][:4] == ["名次", "地块编号", "园区编号", "园区"]
    assert plots["B2"].value == expected["plots"][0]["plot_id"]
    assert plots.max_row == len(expected["plots"]) + 1
    assert parks["C2"].value == expected["parks"][0]["name"]
    reasons = {row[1].value: row[2].value for row in excluded.iter_rows(min_row=2)}
    assert reasons == expected["excluded"]["by_reason"]
    notes = " ".join(str(c.value) for row in wb["条件与来源"].iter_rows() for c in row)
    assert "模拟数据" in notes and "数据版本" in notes


def test_recommendation_export_errors_are_problem_json(client):
    r = client.post("/export/recommendation.pdf", json={"industry": "生物医药"})  # neither land nor floor
    assert r.status_code == 422 and r.mimetype == "application/problem+json"
    r = client.post("/export/recommendation.xlsx", json={"industry": "生物医药", "land_mu_min": "80"})
    assert r.status_code == 422 and r.get_json()["invalid-params"][0]["name"] == "land_mu_min"
    r = client.post("/export/recommendation.pdf", data="x", content_type="text/plain")
    assert r.status_code == 415
    r = client.post("/export/recommendation.pdf", data="{", content_type="application/json")
    assert r.status_code == 400
    # a plain HTML form can post the requirement as JSON in a field
    r = client.post("/export/recommendation.xlsx", data={"requirement": json.dumps(LAND, ensure_ascii=False)})
    assert r.status_code == 200


def test_compare_pdf(client, store):
    from findpark.siting import Requirement
    from findpark.siting.compare import best_plots

    r = client.get("/export/compare.pdf?ids=" + ",".join(FOUR))
    assert r.status_code == 200 and r.data.startswith(b"%PDF")
    name = disposition_name(r)
    assert name.startswith("园区对比_") and "杭州经济技术开发区" in name
    t = pdf_text(r.data)
    for n in names(store, FOUR):
        assert n in t
    for word in ("亩均税收", "可供地块", "五力评价", "产业聚力", "数据来源", "※"):
        assert word in t
    best = best_plots(store, Requirement.model_validate(LAND), TWO)
    r = client.get("/export/compare.pdf?ids=" + ",".join(TWO) + "&" + "&".join(f"{k}={v}" for k, v in LAND.items()))
    t = pdf_text(r.data)
    assert "本项目的最佳地块" in t and all(best[p]["best_plot_id"] in t for p in TWO)


def test_compare_xlsx(client, store):
    from findpark.siting import Requirement
    from findpark.siting.compare import best_plots

    q = "ids=" + ",".join(TWO) + "&req=" + quote(json.dumps(LAND))
    r = client.get("/export/compare.xlsx?" + q)
    assert r.status_code == 200 and disposition_name(r).endswith(".xlsx")
    wb = load_workbook(io.BytesIO(r.data))
    assert wb.sheetnames == ["指标", "可供地", "五力", "最佳地块", "说明"]
    ind = wb["指标"]
    header = [c.value for c in ind[1]]
    assert header[:2] == ["指标", "单位"] and all(any(n in h for h in header) for n in names(store, TWO))
    tax = next(row for row in ind.iter_rows(min_row=2) if row[0].value == "亩均税收")
    assert tax[2].value == store.get("parks", TWO[0])["tax_per_mu_wan"] and "※" in tax[2].number_format
    best = best_plots(store, Requirement.model_validate(LAND), TWO)
    assert wb["最佳地块"]["C2"].value == best[TWO[0]]["best_plot_id"]
    assert [r[0].value for r in wb["五力"].iter_rows(min_row=2)][:3] == ["季度", "亩均等级", "五力指数"]
    r = client.get("/export/compare.xlsx?ids=" + ",".join(TWO))
    assert "最佳地块" not in load_workbook(io.BytesIO(r.data)).sheetnames


def test_compare_export_errors(client):
    r = client.get("/export/compare.pdf?ids=G331018")
    assert r.status_code == 400 and r.mimetype == "application/problem+json"
    assert r.get_json()["invalid-params"][0]["name"] == "ids"
    r = client.get("/export/compare.xlsx?ids=G331018,NOPE999")
    assert r.status_code == 404 and "NOPE999" in r.get_json()["detail"]
    r = client.get("/export/compare.pdf?ids=G331018,G332019&industry=生物医药")  # a requirement needs land
    assert r.status_code == 422 and r.get_json()["invalid-params"][0]["name"] == "land_mu_min"


def test_nav_links_to_compare_and_inquiries(client):
    html = text(client.get("/compare"))
    assert 'href="/compare">园区对比</a>' in html and 'href="/inquire">咨询</a>' in html
    assert 'href="/login">工作人员登录</a>' in html
