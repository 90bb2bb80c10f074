"""An answer an officer can act on, in a real browser: 6亿 typed into 总投资 is understood as 60,000 万元, the
README's lead in 杭州市 (no plot qualifies) offers 放宽条件 and one click applies one, and the result's link
opened in a fresh browser context shows the same ranking."""
from __future__ import annotations

from tests.browser.conftest import open_page

READY = "() => window.L !== undefined && document.querySelector('#rec-results:not(.nojs)') !== null"  # a function: the CSP forbids eval


def _ids(page, kind: str) -> list[str]:
    return page.eval_on_selector_all(f"#ranked-{kind}s li.result", "els => els.map(e => e.dataset.id)")


def test_typed_amounts_relaxation_and_shared_link(page, browser, web_server, shot):
    page.goto("/recommend")
    page.wait_for_function(READY)
    page.fill("#f-industry", "新能源汽车零部件")
    page.fill("#f-land_mu_min", "八十")
    page.fill("#f-land_mu_max", "120亩")
    page.fill("#f-investment_wan", "6亿")
    page.fill("#f-annual_tax_wan", "2000")
    page.fill("#f-power_kva", "5千")
    page.select_option("#f-eia", "report_form")
    page.select_option("#f-districts", ["330100"])  # 杭州市 (全市)
    # the server says how it reads the field while the officer types (GET /recommend/understand)
    page.wait_for_function("() => document.getElementById('f-investment_wan-understood').textContent.includes('60,000 万元')")
    with page.expect_response(lambda r: r.url.split("?")[0].endswith("/recommend") and r.request.method == "POST") as resp:
        page.click("#submit-btn")
    got = resp.value.json()
    assert got["requirement"]["investment_wan"] == 60000 and got["requirement"]["land_mu_min"] == 80
    assert got["result"]["eligible"] == 0 and got["result"]["relaxations"]
    page.wait_for_selector(".relaxations button.relax")
    assert "60,000 万元" in page.text_content("#f-investment_wan-understood")
    assert page.text_content(".excluded th:nth-child(3)") == "仅此一项不满足"
    shot(page, "relaxations")

    # one click applies the suggestion and runs again: plots appear
    first = got["result"]["relaxations"][0]
    with page.expect_response(lambda r: r.url.split("?")[0].endswith("/recommend") and r.request.method == "POST") as resp2:
        page.click(".relaxations button.relax >> nth=0")
    after = resp2.value.json()
    assert after["result"]["eligible"] >= first["unlocks"] > 0
    page.wait_for_selector("#ranked-plots li.result")
    plots = _ids(page, "plot")
    assert plots == [p["plot_id"] for p in after["result"]["plots"]]
    assert page.locator("#ranked-parks .assess-head").count() > 0  # strengths / weak points on the cards

    # the shared link, opened by a colleague (a fresh context: no cookies, no state), shows the same ranking
    href = page.get_attribute("#share-btn", "href")
    assert href and "req=" in href and "date=" in href
    with open_page(browser, web_server) as other:
        other.goto(href)
        other.wait_for_function(READY)
        other.wait_for_function("() => document.getElementById('rec-status').textContent.startsWith('匹配完成')")
        assert _ids(other, "plot") == plots
        assert _ids(other, "park") == [p["park_id"] for p in after["result"]["parks"]]
        assert other.input_value("#f-investment_wan") == "60000"
