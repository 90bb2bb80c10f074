"""One word for one thing: every criterion has the same name on the page, in the PDF, the XLSX, the CLI and the
API (``findpark.vocab``), and the labels the old copies used (用地规模, 供地时序) appear nowhere."""
from __future__ import annotations

import io
import json
import re

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from pypdf import PdfReader

from findpark import vocab
from findpark.cli import main
from findpark.paths import EXAMPLES_DIR

LABELS = [t.zh for t in vocab.CRITERIA.values()]
OLD = ("用地规模", "供地时序")


@pytest.fixture(scope="module")
def example():
    return json.loads((EXAMPLES_DIR / "auto_parts.json").read_text("utf-8"))


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_page(client, example):
    form = {"industry": example["industry"], "land_mu_min": "80", "land_mu_max": "120", "profile": "default"}
    html = client.post("/recommend", data=form).get_data(as_text=True)
    for label in LABELS:
        assert label in html
    assert not any(o in html for o in OLD)
    cfg = client.get("/recommend").get_data(as_text=True)
    assert json.loads(re.search(r'id="rec-config">(.*?)</script>', cfg, re.S).group(1))["criteria_zh"] == \
        vocab.labels("criterion")
    en = client.get("/recommend?lang=en").get_data(as_text=True)
    assert all(t.en in en for t in vocab.CRITERIA.values())


def test_pdf_and_xlsx(client, example):
    pdf = client.post("/export/recommendation.pdf", json=example)
    assert pdf.status_code == 200
    text = _flat("".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf.data)).pages))
    for label in LABELS:
        assert label in text, label
    assert not any(o in text for o in OLD)
    xlsx = client.post("/export/recommendation.xlsx", json=example)
    wb = load_workbook(io.BytesIO(xlsx.data))
    cells = {str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None}
    joined = "\n".join(cells)
    for label in LABELS:
        assert label in joined, label
    assert not any(o in joined for o in OLD)


def test_compare_page_and_pdf(client):
    q = "ids=G331018,G331019&industry=汽车零部件&land_mu_min=30&land_mu_max=120"
    html = client.get(f"/compare?{q}").get_data(as_text=True)
    assert "用地契合" in html and not any(o in html for o in OLD)
    pdf = client.get(f"/export/compare.pdf?{q}")
    text = _flat("".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf.data)).pages))
    assert not any(o in text for o in OLD)


def test_cli(bundled_db):
    out = CliRunner().invoke(main, ["recommend", str(EXAMPLES_DIR / "auto_parts.json"), "--db", str(bundled_db)])
    assert out.exit_code == 0, out.output
    shown = set(re.findall(r"得分构成 (.+)", out.output))
    assert shown
    used = {lab for line in shown for lab in re.findall(r"(\S+) \d\.\d{3}", line)}
    assert used and used <= set(LABELS)
    excluded = re.search(r"排除 \d+ 个地块: (.+)", out.output).group(1)
    reasons = re.findall(r"(\S+) \d+", excluded)
    assert reasons and set(reasons) <= set(vocab.labels("exclusion").values()), reasons
    assert "距airport" not in out.output


def test_api(client):
    zh = client.get("/api/v1/vocabulary").get_json()
    assert zh["criterion"] == vocab.labels("criterion") and zh["exclusion"]["distance_airport"] == "距机场过远"
    en = client.get("/api/v1/vocabulary?lang=en").get_json()
    assert en["criterion"]["land_fit"] == "Land fit"
    assert client.get("/api/v1/vocabulary?lang=fr").status_code == 400
