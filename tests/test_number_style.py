"""One number style (issue 14): scores are points 0-100 with one decimal for people on the page, in the PDF and
in the XLSX; the API keeps the model's 0-1 ``score``, rounded at serialisation; weights are percentages;
every PDF page has content of its own (no page holding only the running footer or the closing disclaimer)."""
from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from findpark import numbers
from findpark.reports.pdf import SYNTH_NOTE

REPO = Path(__file__).resolve().parents[1]
FORM = {"industry": "汽车零部件", "land_mu_min": "80", "land_mu_max": "120", "power_kva": "5000",
        "investment_wan": "60000", "annual_tax_wan": "2000", "eia": "report_form",
        "max_distance_km.airport": "80", "max_distance_km.rail_station": "40", "profile": "default"}


@pytest.fixture(scope="module")
def auto_parts():
    return json.loads((REPO / "examples" / "auto_parts.json").read_text("utf-8"))


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_top_score_is_the_same_number_on_the_page_in_the_pdf_and_in_the_xlsx(client, auto_parts):
    html = client.post("/recommend", data=FORM).get_data(as_text=True)
    plots = html[html.index('class="list-plots"'):]
    page_pts = re.search(r'<span class="score">([\d.]+) 分</span>', plots).group(1)
    top_id = re.search(r"地块 ([A-Z0-9-]+) · ", plots).group(1)

    pdf = client.post("/export/recommendation.pdf", json=auto_parts)
    text = _flat("".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf.data)).pages))
    pdf_pts = re.search(rf"1\.地块{re.escape(top_id)}·.*?·得分([\d.]+)分", text).group(1)

    wb = load_workbook(io.BytesIO(client.post("/export/recommendation.xlsx", json=auto_parts).data))
    sheet = wb["地块"]
    assert sheet["B2"].value == top_id and sheet["E1"].value == "得分（分）"
    xlsx_pts = sheet["E2"].value

    assert page_pts == pdf_pts == f"{xlsx_pts:.1f}", (page_pts, pdf_pts, xlsx_pts)
    # the API: the model's 0-1 score (分 = 100 × score), rounded to 4 decimals
    api = client.post("/api/v1/recommend", json=auto_parts).get_json()["plots"][0]
    assert api["plot_id"] == top_id and api["score"] == round(api["score"], numbers.SCORE_DECIMALS)
    assert abs(100 * api["score"] - float(page_pts)) <= 0.06


def test_api_floats_are_rounded(client, auto_parts):
    raw = client.post("/api/v1/recommend", json=auto_parts).get_data(as_text=True)
    longest = max((len(m) for m in re.findall(r"\d+\.(\d+)", raw)), default=0)
    assert longest <= numbers.COORD_DECIMALS
    out = json.loads(raw)
    for r in out["plots"] + out["parks"]:
        for k in ("score", "stability"):
            if k in r:  # parks carry no stability
                assert r[k] == round(r[k], numbers.SCORE_DECIMALS)
        assert all(v == round(v, numbers.SCORE_DECIMALS) for v in r["contributions"].values())


def test_number_formats():
    assert numbers.points_text(0.685) == "68.5 分" and numbers.points_text(0.685, "en") == "68.5 points"
    assert numbers.points(0.3 + 0.1 * 0.0000001) == 30.0
    assert numbers.number(1234567.891, 1, "mu") == "1,234,567.9 亩"
    assert numbers.number(8179.16, 2) == "8,179.16" and numbers.number(None, 1, "mu") == "—"
    assert numbers.percent(0.3157) == "32%"
    assert numbers.json_ready({"score": 0.30000000000000004, "centroid": [120.123456789, 30.1],
                               "contributions": {"cost": 0.1234567}, "area_mu": 12.34567891}) == {
        "score": 0.3, "centroid": [120.1234568, 30.1], "contributions": {"cost": 0.1235}, "area_mu": 12.345679}


def test_weights_are_percentages_in_the_pdf(client, auto_parts):
    req = {**auto_parts, "weights": {"industry": 42, "land_fit": 20, "cost": 20, "transport": 10, "utilities": 5,
                                     "performance": 20, "readiness": 15}}
    text = _flat("".join(p.extract_text() or "" for p in
                         PdfReader(io.BytesIO(client.post("/export/recommendation.pdf", json=req).data)).pages))
    assert "产业匹配32%" in text and "产业匹配42" not in text


def _pages(data: bytes) -> list[str]:
    return [p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages]


def _own_content(page: str) -> str:
    """A page's text without the running footer (findpark … 生成于 …), the page number and the disclaimer."""
    lines = [ln for ln in page.splitlines() if not ln.startswith("findpark 一键找园") and not re.fullmatch(r"第 \d+ 页", ln.strip())]
    return _flat("".join(lines)).replace(_flat(SYNTH_NOTE), "")


@pytest.mark.parametrize("url", [
    "/export/compare.pdf?ids=G331018,G332019",
    "/export/compare.pdf?ids=G331018,G332019&industry=生物医药&land_mu_min=20&land_mu_max=80",
    "/export/compare.pdf?ids=G331018,G332019,G331019,G331107&industry=汽车零部件&land_mu_min=20&land_mu_max=200",
    "/export/compare.pdf?ids=G331018,G332019,G331019&industry=生物医药&land_mu_min=10&land_mu_max=100",
])
def test_no_blank_page_in_a_comparison_pdf(client, url):
    r = client.get(url)
    assert r.status_code == 200, r.get_data(as_text=True)[:300]
    for i, page in enumerate(_pages(r.data), start=1):
        assert len(_own_content(page)) > 20, (url, i, page[:300])


@pytest.mark.parametrize("change", [{}, {"districts": ["杭州市"]}, {"top_k": 30}, {"land_mu_min": 5, "land_mu_max": 400}])
def test_no_blank_page_in_a_recommendation_pdf(client, auto_parts, change):
    r = client.post("/export/recommendation.pdf", json={**auto_parts, **change})
    assert r.status_code == 200
    for i, page in enumerate(_pages(r.data), start=1):
        assert len(_own_content(page)) > 20, (change, i, page[:300])
