"""Stored XSS (issue 12 §6): parks whose names are markup (``<img src=x onerror=alert(1)>`` …), loaded through
the real loader into a copy of the bundled store, are shown as text everywhere: the home map's tooltip and
list, the park page, the recommend page's cards and map tooltips, the comparison and its radar chart. No
dialog opens, no injected element exists, and (fixture ``open_page``) the CSP refuses nothing."""
from __future__ import annotations

import pytest

from tests.browser.conftest import open_page, serve_app
from tests.security_data import make_evil_store

HOME_READY = "window.findparkHome !== undefined && window.L !== undefined"
REC_READY = "window.L !== undefined && document.querySelector('#rec-results:not(.nojs)') !== null"
INJECTED = "img[src='x'], svg[onload], b[onmouseover], [onerror], [onload]"


@pytest.fixture(scope="module")
def evil_server(bundled_db, tmp_path_factory):
    from findpark.app import create_app

    path, renamed = make_evil_store(bundled_db, tmp_path_factory.mktemp("xss") / "evil.gpkg")
    # CSRF is tested elsewhere (and would need the page's token on every POST); here only the names matter
    config = {"DB": str(path), "TESTING": True, "TILES": None, "WTF_CSRF_ENABLED": False}
    with serve_app(create_app(config)) as url:
        yield url, renamed


@pytest.fixture()
def evil_page(browser, evil_server):
    url, renamed = evil_server
    with open_page(browser, url) as pg:
        dialogs: list[str] = []

        def _dialog(d):
            dialogs.append(d.message)
            d.dismiss()

        pg.on("dialog", _dialog)
        pg.dialogs = dialogs
        yield pg, renamed
    assert dialogs == [], f"script ran: dialogs {dialogs}"


def _clean(page, where: str) -> None:
    assert page.dialogs == [], (where, page.dialogs)
    assert page.locator(INJECTED).count() == 0, f"{where}: an element was injected"
    assert page.evaluate("Array.from(document.scripts).filter(s => /^alert\\(/.test(s.textContent.trim())).length") == 0, \
        f"{where}: a script element was injected"


def _hover_park(page, pid: str) -> str:
    """Zoom to the park, hover its outline on the canvas, return the tooltip's text."""
    page.evaluate(f"findparkHome.select({pid!r}, {{zoom: true}})")
    page.wait_for_timeout(400)  # the fitBounds animation
    xy = page.evaluate(f"""(() => {{
        let layer = null; findparkHome.parks.eachLayer(l => {{ if (l.feature.properties.id === {pid!r}) layer = l; }});
        const p = findparkHome.map.latLngToContainerPoint(layer.getCenter());
        const r = findparkHome.map.getContainer().getBoundingClientRect();
        return [r.left + p.x, r.top + p.y]; }})()""")
    page.mouse.move(xy[0] - 5, xy[1] - 5)
    page.mouse.move(xy[0], xy[1])
    tip = page.locator(".leaflet-tooltip").last
    tip.wait_for(state="visible")
    return tip.inner_text()


def test_home_map_and_list_show_markup_as_text(evil_page):
    page, renamed = evil_page
    page.goto("/")
    page.wait_for_function(HOME_READY)
    for pid, name in renamed.items():
        assert page.locator(f'tr[data-park="{pid}"] a').inner_text() == name
        assert _hover_park(page, pid).strip() == name  # the tooltip shows the name, it does not run it
        page.mouse.click(10, 10)
        _clean(page, f"/ after hovering {pid}")


def test_park_page_shows_markup_as_text(evil_page):
    page, renamed = evil_page
    for pid, name in renamed.items():
        page.goto(f"/parks/{pid}")
        assert page.locator("h1").inner_text().startswith(name)
        assert page.title().startswith(name)
        page.wait_for_function("window.L !== undefined")
        box = page.locator(".folium-map").bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        _clean(page, f"/parks/{pid}")


def test_recommend_cards_and_map_tooltips_show_markup_as_text(evil_page):
    page, renamed = evil_page
    page.goto("/recommend")
    page.wait_for_function(REC_READY)
    page.click("#example-btn")
    page.click("#submit-btn")
    page.wait_for_selector("#ranked-plots li.result")
    page.wait_for_function("document.getElementById('rec-status').textContent.startsWith('匹配完成')")
    shown = [pid for pid in renamed if page.locator(f"#r-park-{pid}").count()]
    assert shown, "the recommendation ranks the renamed parks"
    for pid in shown:
        assert renamed[pid] in page.locator(f"#r-park-{pid}").inner_text()
        page.locator(f"#r-park-{pid} button.locate").click()
        tips = page.locator("#rec-map .leaflet-tooltip").all_inner_texts()
        assert any(renamed[pid] in t for t in tips), tips
        _clean(page, f"/recommend park {pid}")
    for card in page.locator("#ranked-plots li.result").all()[:5]:  # plot cards: tooltips carry the park name
        card.locator("ul.reasons").first.click()
        _clean(page, "/recommend plot card")
    area = page.locator("#rec-map").bounding_box()
    for marker in page.locator("#rec-map .leaflet-interactive").all():
        box = marker.bounding_box()
        if not box or not (area["x"] < box["x"] + box["width"] / 2 < area["x"] + area["width"]
                           and area["y"] < box["y"] + box["height"] / 2 < area["y"] + area["height"]):
            continue  # off the map's view
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        _clean(page, "/recommend marker hover")


def test_compare_page_and_radar_show_markup_as_text(evil_page):
    page, renamed = evil_page
    ids = list(renamed)
    page.goto("/compare?ids=" + ",".join(ids))
    header = page.locator("table.cmp thead").inner_text()
    assert all(name in header for name in renamed.values())
    for poly in page.locator("svg.radar polygon").all():
        poly.hover(force=True)
    assert all(n in page.locator("svg.radar title").first.text_content() for n in renamed.values())
    page.goto("/compare")
    page.fill("#park-search", ids[0])
    _clean(page, "/compare")


CSP_PAGES = [("/", "#home"), ("/parks/G331018", ".folium-map"), ("/recommend", "#rec-form"),
             ("/compare?ids=G331018,G331019", "svg.radar"), ("/parks/G331018/inquire", "form"),
             ("/api/v1/docs", ".swagger-ui .opblock"), ("/no-such-page", "#error-page"), ("/?lang=en", "#home")]


@pytest.mark.parametrize("path, ready", CSP_PAGES)
def test_every_page_works_under_its_csp(page, path, ready):
    """Each page's scripts run (the map, the Swagger UI) and the CSP refuses nothing (checked by ``open_page``)."""
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path)
    page.wait_for_selector(ready)
    if path in ("/", "/?lang=en", "/parks/G331018", "/recommend"):  # the map pages: Leaflet ran
        page.wait_for_function("window.L !== undefined")
    page.wait_for_timeout(300)
    assert errors == [] and page.csp_violations == [], (errors, page.csp_violations)
    csp = page.evaluate("document.querySelector('script[nonce]') ? document.querySelector('script[nonce]').nonce : ''")
    if path in ("/", "/parks/G331018", "/api/v1/docs", "/?lang=en"):
        assert csp, "the inline script carries the nonce"
