"""The staff flows in a real browser: 项目落位 (recommend → re-rank → export → compare), 可比 (the compare page's
own picker and its exports) and 可询 (an inquiry from a park page, then the staff list). Every page also checks
(fixture ``page``) that no request left 127.0.0.1, downloads included."""
from __future__ import annotations

import io
import os
import re
from pathlib import Path

from openpyxl import load_workbook
from pypdf import PdfReader

DOCS = Path(__file__).resolve().parents[2] / "docs"
PARK = "G331018"  # 杭州经济技术开发区
OTHER = "G331019"

READY = "window.L !== undefined && document.querySelector('#rec-results:not(.nojs)') !== null"
MARKER = "window.__flowMarker"


def _ids(page, kind: str) -> list[str]:
    return page.eval_on_selector_all(f"#ranked-{kind}s li.result", "els => els.map(e => e.dataset.id)")


def _download(page, click) -> tuple[str, bytes]:
    with page.expect_download() as dl:
        click()
    d = dl.value
    assert d.failure() is None, d.failure()
    return d.suggested_filename, Path(d.path()).read_bytes()


def _pdf_text(data: bytes) -> str:
    assert data[:5] == b"%PDF-"
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(p.extract_text() or "" for p in reader.pages)


def _xlsx(data: bytes):
    assert data[:2] == b"PK"
    return load_workbook(io.BytesIO(data), read_only=True)


def _submit_example(page, lang: str = "zh"):
    page.goto("/recommend" + ("?lang=en" if lang == "en" else ""))
    page.wait_for_function(READY)
    page.evaluate(f"{MARKER} = 'alive'")
    page.click("#example-btn")  # fills the form in place (JS), no navigation
    assert page.input_value("#f-industry") == "汽车零部件"
    assert page.input_value("#f-land_mu_min") == "80" and page.input_value("#f-land_mu_max") == "120"
    # the script posts the form to the page (the server reads it) and gets the request and the API's ranking
    with page.expect_response(lambda r: r.url.split("?")[0].endswith("/recommend") and r.request.method == "POST") as resp:
        page.click("#submit-btn")
    assert resp.value.status == 200 and resp.value.json()["requirement"]["land_mu_min"] == 80
    page.wait_for_selector("#ranked-plots li.result")
    done = "Done:" if lang == "en" else "匹配完成"
    page.wait_for_function(f"document.getElementById('rec-status').textContent.startsWith('{done}')")
    return resp.value.json()["result"]


def test_recommend_in_english(page, shot):
    """The page script's strings come from the server (static/js/i18n.js): in English the result chrome is
    English, while data (park names, industry labels, the reasons) stays Chinese."""
    _submit_example(page, lang="en")
    card = page.locator("#ranked-plots li.result").first
    assert "Show on map" in card.inner_text()
    chrome = page.evaluate("""() => { const c = document.querySelector('#ranked-plots li.result').cloneNode(true);
        c.querySelectorAll('.reasons, a, .park-name').forEach(e => e.remove()); return c.innerText; }""")
    assert not re.search(r"[\u4e00-\u9fff]", chrome.replace("亩", "")), chrome
    shot(page, "recommend_en")


def test_recommend_rank_map_rerank_export_compare(page, shot):
    page.set_viewport_size({"width": 1280, "height": 900})
    api = _submit_example(page)
    plots, parks = _ids(page, "plot"), _ids(page, "park")
    assert plots == [p["plot_id"] for p in api["plots"]] and len(plots) >= 3
    assert parks == [p["park_id"] for p in api["parks"]] and len(parks) >= 2
    assert page.evaluate(f"{MARKER}") == "alive"

    # ranked cards: rank, park link, score, stability, contribution bar, reasons
    first = page.locator("#ranked-plots li.result").first
    assert first.locator(".rank").inner_text() == "1"
    assert first.locator("a.r-name").inner_text() == api["plots"][0]["park_name"]
    assert re.fullmatch(r"\d+\.\d 分", first.locator(".score").inner_text())
    stab = first.locator(".stab").inner_text()
    assert re.fullmatch(r"稳定性 \d{1,3}%", stab), stab
    assert stab == f"稳定性 {round(100 * api['plots'][0]['stability'])}%"
    assert first.locator(".cbar .seg").count() >= 3
    for card in page.locator("li.result").all():
        reasons = card.locator("ul.reasons li").all_inner_texts()
        assert reasons and all(r.strip() for r in reasons)
    assert "汽车零部件" in page.inner_text("#results p.summary")
    assert page.locator("section.excluded tbody tr").count() >= 1
    assert not page.is_disabled("#export-pdf") and not page.is_disabled("#export-xlsx")

    # the map: a numbered pin per plot, a circle per park (SVG paths), the city outlines behind them
    page.wait_for_function(  # the 11 cities of Zhejiang, not interactive
        "document.querySelectorAll('#rec-map .leaflet-overlay-pane path:not(.leaflet-interactive)').length >= 11")
    pins = page.eval_on_selector_all("#rec-map .leaflet-marker-pane .rank-pin", "els => els.map(e => e.textContent)")
    assert sorted(pins, key=int) == [str(i) for i in range(1, len(plots) + 1)]
    circles = page.locator("#rec-map .leaflet-overlay-pane path.leaflet-interactive")
    assert circles.count() == len(parks)
    # the README picture (docs/recommend.png) is refreshed only on request, so a test run leaves the tree clean:
    # FINDPARK_UPDATE_DOCS=1 .venv/bin/python -m pytest tests/browser/test_flows.py
    page.wait_for_timeout(300)  # the fitBounds animation
    shot(page, "recommend_fitted")
    if os.environ.get("FINDPARK_UPDATE_DOCS") == "1":
        DOCS.mkdir(exist_ok=True)
        page.screenshot(path=str(DOCS / "recommend.png"))

    # clicking a result highlights it in the list and on the map
    second = page.locator("#ranked-plots li.result").nth(1)
    second.locator("ul.reasons").click()
    assert "selected" in second.get_attribute("class")
    assert page.locator("li.result.selected").count() == 1
    assert page.inner_text("#rec-map .rank-pin.selected") == "2"
    assert page.locator("#rec-map .leaflet-tooltip").filter(has_text=plots[1]).count() == 1
    page.locator(f"#r-park-{parks[0]} button.locate").click()
    assert "selected" in page.get_attribute(f"#r-park-{parks[0]}", "class")
    assert page.locator("#rec-map .rank-pin.selected").count() == 0
    assert page.locator('#rec-map .leaflet-overlay-pane path[stroke="#c0392b"]').count() == 1
    shot(page, "recommend")
    shot(page, "recommend_full", full_page=True)

    # one slider moved: re-ranked in place, no page load (the marker survives), profile now custom
    url = page.url
    navigations = []
    page.on("framenavigated", lambda f: navigations.append(f.url) if f == page.main_frame else None)
    with page.expect_response(lambda r: r.url.split("?")[0].endswith("/recommend") and r.request.method == "POST") as rerank:
        page.focus("#f-weights-readiness")
        page.keyboard.press("End")  # a real input event, as when dragging to the end
    sent = rerank.value.json()["requirement"]  # what the server read from the posted form
    assert sent["weights"]["readiness"] == 100
    assert "profile" not in sent
    page.wait_for_function("document.getElementById('rec-status').textContent.startsWith('已按新权重重新排序')")
    assert page.input_value("#f-profile") == ""
    new_plots, new_parks = _ids(page, "plot"), _ids(page, "park")
    assert (new_plots, new_parks) != (plots, parks), "moving the readiness slider did not change the order"
    assert new_plots == [p["plot_id"] for p in rerank.value.json()["result"]["plots"]]
    assert page.locator("li.result .move").count() >= 1  # ▲/▼ badges for the moves
    assert page.evaluate(f"{MARKER}") == "alive" and navigations == [] and page.url == url
    shot(page, "recommend_reranked")

    # exports: what the page shows now (custom weights) is what the files hold
    top_plot = new_plots[0]
    top_park = page.locator("#ranked-parks li.result").first.locator("a.r-name").inner_text()
    name, pdf = _download(page, lambda: page.click("#export-pdf"))
    assert name.endswith(".pdf") and "项目落位推荐" in name, name
    text = _pdf_text(pdf)
    assert top_park in text and top_plot in text and "新能源汽车零部件项目" in text
    name, xlsx = _download(page, lambda: page.click("#export-xlsx"))
    assert name.endswith(".xlsx"), name
    wb = _xlsx(xlsx)
    assert {"地块", "园区", "排除", "条件与来源"} <= set(wb.sheetnames)
    rows = list(wb["地块"].iter_rows(values_only=True))
    assert rows[0][:2] == ("名次", "地块编号") and rows[1][0] == 1 and rows[1][1] == top_plot
    assert [r[1] for r in rows[1:]] == new_plots
    park_rows = list(wb["园区"].iter_rows(values_only=True))
    assert park_rows[1][2] == top_park and [r[1] for r in park_rows[1:]] == new_parks
    assert page.evaluate(f"{MARKER}") == "alive"

    # compare two of the recommended parks
    assert page.is_disabled("#compare-btn")
    pick = new_parks[:2]
    for pid in pick:
        page.check(f"#r-park-{pid} input.cmp")
    assert page.inner_text("#compare-btn") == "对比所选园区 (2)" and not page.is_disabled("#compare-btn")
    with page.expect_navigation():
        page.click("#compare-btn")
    assert "/compare?ids=" + ",".join(pick) + "&req=" in page.url  # the project travels with the parks
    _check_comparison(page, pick)
    assert "本项目的最佳地块" in page.inner_text("body")  # so each park's best plot for it is shown
    shot(page, "compare_from_recommend", full_page=True)


def _check_comparison(page, ids: list[str]) -> list[str]:
    """The side-by-side table and the radar for ``ids``; returns the park names in order."""
    heads = page.locator("table.cmp thead th")
    assert heads.count() == 1 + len(ids)
    names = [heads.nth(i + 1).locator("a").inner_text() for i in range(len(ids))]
    assert [heads.nth(i + 1).locator("small").inner_text() for i in range(len(ids))] == ids
    rows = page.locator("table.cmp tbody tr:not(.group)")
    assert rows.count() >= 15
    assert all(rows.nth(i).locator("td").count() == len(ids) for i in range(rows.count())
               if rows.nth(i).locator("td[colspan]").count() == 0)
    assert page.locator("table.cmp td.best").count() >= 1
    radar = page.locator("svg.radar")
    assert radar.is_visible()
    assert radar.locator("polygon[fill-opacity]").count() == len(ids)  # one shape per park
    assert radar.locator("polygon:not([fill-opacity])").count() == 5  # the 20 … 100 rings
    box = radar.bounding_box()
    assert box["width"] > 200 and box["height"] > 200
    legend = page.inner_text("ul.legend-list")
    assert all(n in legend for n in names)
    return names


def test_compare_page_checkboxes_and_exports(page, shot):
    page.goto("/compare")
    assert page.locator("table.cmp").count() == 0
    page.fill("#park-search", "杭州经济技术")
    page.wait_for_function("document.querySelectorAll('#park-pick label:not([hidden])').length < 10")
    page.check(f'#park-pick input[value="{PARK}"]')
    page.fill("#park-search", OTHER)
    page.check(f'#park-pick input[value="{OTHER}"]')
    assert page.inner_text("#pick-count").startswith("已选 2 个")
    page.fill("#f-industry", "汽车零部件")
    page.fill("#f-land_mu_min", "20")
    with page.expect_navigation():
        page.click("form.cmp-form button[type=submit]")
    assert page.locator("#ids-error").count() == 0 and page.locator(".err").count() == 0
    names = _check_comparison(page, [PARK, OTHER])
    assert names[0] == "杭州经济技术开发区"
    assert page.locator("table.cmp tr.group", has_text="本项目的最佳地块").count() == 1
    best = page.locator("table.cmp tr", has=page.locator("th", has_text="最佳地块")).locator("td b").all_inner_texts()
    shot(page, "compare")
    shot(page, "compare_full", full_page=True)

    fname, pdf = _download(page, lambda: page.locator(".exports a", has_text="PDF").click())
    assert fname.endswith(".pdf"), fname
    text = _pdf_text(pdf)
    assert all(n in text for n in names) and PARK in text and OTHER in text
    fname, xlsx = _download(page, lambda: page.locator(".exports a", has_text="Excel").click())
    assert fname.endswith(".xlsx"), fname
    wb = _xlsx(xlsx)
    assert {"指标", "可供地", "五力", "最佳地块", "说明"} <= set(wb.sheetnames)
    header = next(wb["指标"].iter_rows(values_only=True))
    assert header[2:] == tuple(f"{n}（{i}）" for n, i in zip(names, [PARK, OTHER]))
    fits = list(wb["最佳地块"].iter_rows(values_only=True))[1:]
    assert [r[0] for r in fits] == [PARK, OTHER] and [r[1] for r in fits] == names
    assert [r[2] for r in fits if r[2]] == best


def _inquire(page, company: str, confidential: bool) -> str:
    page.goto(f"/parks/{PARK}")
    with page.expect_navigation():
        page.locator(f'p.actions a[href$="/parks/{PARK}/inquire"]').click()
    assert page.url.endswith(f"/parks/{PARK}/inquire")
    assert "杭州经济技术开发区" in page.inner_text("h1")
    plot = page.eval_on_selector("#plot-list option", "o => o.value")
    page.fill("#f-plot_id", plot)
    page.fill("#f-company", company)
    page.fill("#f-contact_name", "李经理")
    page.fill("#f-contact_phone", "0571-8888 6666")
    page.fill("#f-project_summary", "新能源汽车零部件，用地 80-120 亩，投资 6 亿元")
    page.fill("#f-industry", "汽车零部件")
    if confidential:
        page.check("#f-confidential")
    with page.expect_navigation() as nav:
        page.click("form button[type=submit]")
    assert nav.value.status == 201
    assert page.inner_text("h1") == "咨询已提交"
    iid = page.inner_text("#inquiry-id")
    assert re.fullmatch(r"[0-9a-f]{16}", iid) and len(page.inner_text("#inquiry-token")) >= 20
    assert ("（保密" in page.inner_text("dl.done")) == confidential
    return iid


def test_inquiry_from_park_page_for_the_public(page, shot):
    """The public leaves inquiries (plain and confidential) and is sent to sign in for the staff list; the desk
    itself is tested in test_desk.py (staff sign in, scope, status changes)."""
    open_id = _inquire(page, "杭州测试汽配有限公司", confidential=False)
    shot(page, "inquiry_done")
    secret_id = _inquire(page, "机密新能源科技有限公司", confidential=True)
    assert open_id != secret_id
    page.goto("/inquiries")
    assert "/login?next=/inquiries" in page.url
    body = page.inner_text("body")
    assert "机密新能源科技有限公司" not in body and "杭州测试汽配有限公司" not in body

    # the form page itself, for the screenshots
    page.goto(f"/parks/{PARK}/inquire")
    shot(page, "inquiry_form", full_page=True)
