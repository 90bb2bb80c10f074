"""The quarterly evaluation report: `findpark evaluate` writes a standalone HTML and a self-contained PDF."""
import re
import shutil
import subprocess
import warnings

import pytest
from pypdf import PdfReader

from findpark.bootstrap import ensure_store
from findpark.cli import main
from findpark.evaluation import evaluate
from findpark.fonts import FONT_PATH, mpl_font_name
from findpark.reports.quarterly import build_context, write_report
from findpark.store import open_store
from tests.conftest import copy_store

QUARTER = "2025Q3"
SECTIONS = ("概览", "排名", "等级分布", "变化最大", "风险园区", "各园区五力雷达图", "数据来源与方法")


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def report_db(bundled_db, tmp_path_factory):
    """A copy of the bundled store with the bundled quarterly indicators loaded."""
    path = copy_store(bundled_db, tmp_path_factory.mktemp("report") / "report.gpkg")
    store = ensure_store(path)
    assert QUARTER in store.quarters()
    store.close()
    return path


@pytest.fixture(scope="module")
def report(report_db, tmp_path_factory):
    store = open_store(report_db)
    out = tmp_path_factory.mktemp("out")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        paths = write_report(store, quarter=QUARTER, out_dir=out)
    ev = evaluate(store, QUARTER)
    yield {"paths": paths, "ev": ev, "store": store, "warnings": [str(w.message) for w in caught]}
    store.close()


@pytest.fixture(scope="module")
def pdf_text(report):
    reader = PdfReader(report["paths"]["pdf"])
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def test_both_files_are_written(report):
    paths = report["paths"]
    assert paths["html"].name == f"evaluation_{QUARTER}.html" and paths["html"].stat().st_size > 10_000
    assert paths["pdf"].name == f"evaluation_{QUARTER}.pdf" and paths["pdf"].read_bytes().startswith(b"%PDF")


def test_html_is_standalone_and_complete(report):
    html = report["paths"]["html"].read_text("utf-8")
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", html, re.I), "external link in the HTML"
    assert not re.search(r"<link\b", html, re.I)
    assert "@font-face" in html and "data:font/ttf;base64," in html  # Chinese renders without system fonts
    ev = report["ev"]
    missing = [p["name"] for p in ev.parks if p["name"] not in html]
    assert not missing
    for title in SECTIONS:
        assert title in html
    # every park has its radar chart, embedded
    for p in ev.parks:
        assert f'id="radar-{p["park_id"]}"><img src="data:image/png;base64,' in html
    assert "模拟数据" in html  # the bundled indicators are synthetic and the report says so
    assert "创新动力" in html and "findpark 的选择" in html


def test_pdf_text_has_every_park_in_the_ranking(report, pdf_text):
    ev = report["ev"]
    text = squash(pdf_text)
    missing = [p["name"] for p in ev.parks if squash(p["name"]) not in text]
    assert not missing, f"park names not found in the PDF text: {missing}"
    for title in SECTIONS:
        assert title in text
    assert "模拟数据" in text
    assert f"评价报告{QUARTER}" in text
    # the ranking rows come out in rank order
    first, last = ev.parks[0], ev.parks[-1]
    assert text.index(squash(f"1{first['name']}{first['city']}{first['grade']}{first['index']:.2f}")) \
        < text.index(squash(f"{last['rank']}{last['name']}"))


def test_pdf_embeds_the_vendored_cjk_font(report):
    reader = PdfReader(report["paths"]["pdf"])
    fonts = {}
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            fonts[str(font["/BaseFont"])] = font
    assert fonts, "the PDF has no fonts"
    for name, font in fonts.items():
        assert "NotoSansSC" in name, f"a font other than the vendored one is used: {name}"
        assert "/FontFile2" in font["/FontDescriptor"].get_object(), f"{name} is not embedded"
        assert "/ToUnicode" in font  # so the text can be extracted and searched


def test_charts_use_the_vendored_font(report):
    from matplotlib import font_manager

    found = font_manager.findfont(font_manager.FontProperties(family=mpl_font_name()), fallback_to_default=False)
    assert found == str(FONT_PATH)
    glyph_warnings = [w for w in report["warnings"] if re.search(r"[Gg]lyph .*missing", w)]
    assert not glyph_warnings


def test_report_content_matches_the_evaluation(report):
    ev = report["ev"]
    ctx = build_context(report["store"], ev)
    assert [p["park_id"] for p in ctx["risk"]] == [p["park_id"] for p in ev.parks if p["at_risk"]]
    ups = [p["index_change"] for p in ctx["up"]]
    downs = [p["index_change"] for p in ctx["down"]]
    assert ups == sorted(ups, reverse=True) and all(c > 0 for c in ups) and len(ups) <= 5
    assert downs == sorted(downs) and all(c < 0 for c in downs) and len(downs) <= 5
    assert max(p["index_change"] for p in ev.parks) == ups[0]
    assert sum(c["n"] for c in ctx["cities"]) == len(ev.parks)
    assert [g["count"] for g in ctx["grades"]] == [ev.grade_counts[g] for g in "ABCD"]


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed")
def test_pdf_first_page_renders(report, tmp_path):
    subprocess.run(["pdftoppm", "-r", "40", "-f", "1", "-l", "1", "-png", str(report["paths"]["pdf"]),
                    str(tmp_path / "page")], check=True, capture_output=True, timeout=60)
    pngs = list(tmp_path.glob("page*.png"))
    assert len(pngs) == 1 and pngs[0].stat().st_size > 5_000


@pytest.mark.slow  # a second full report, through the CLI
def test_cli_writes_the_report_to_reports_by_default(runner, report_db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["evaluate", "--quarter", QUARTER, "--db", str(report_db)])
    assert result.exit_code == 0, result.output
    html, pdf = (f"reports/evaluation_{QUARTER}.html", f"reports/evaluation_{QUARTER}.pdf")
    assert result.output.split() == [html, pdf]
    assert (tmp_path / html).is_file() and (tmp_path / pdf).is_file()


def test_cli_unknown_quarter_exits_2_and_lists_quarters(runner, report_db, tmp_path):
    result = runner.invoke(main, ["evaluate", "--quarter", "2030Q1", "--db", str(report_db), "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "2030Q1" in result.output and QUARTER in result.output and "2023Q4" in result.output
    assert not list(tmp_path.iterdir())
