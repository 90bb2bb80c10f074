"""Issue 14 in the browser: readable maps (place names, no flag, metric scale, plot popups with 咨询此地块),
finding a park by name and by pinyin initials, sortable tables, phones (390 px) and laptops without sideways
scrolling in Chinese and English, pinch zoom allowed, and the recommend page's print preview without its form.
``FINDPARK_UPDATE_DOCS=1`` also refreshes the README screenshots docs/{home,park,recommend,compare}.png."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
PARK, OTHER = "G331018", "G332019"
SIZES = {"laptop": (1366, 768), "phone": (390, 844)}
PAGES = {
    "home": "/",
    "park": f"/parks/{PARK}",
    "recommend": "/recommend",
    "compare": f"/compare?ids={PARK},{OTHER}&industry=生物医药&land_mu_min=20&land_mu_max=80",
    "inquire": f"/parks/{PARK}/inquire",
}
MAPS = {"home": ".folium-map", "park": ".folium-map", "recommend": "#rec-map"}

# the page is no wider than the screen; wide tables scroll inside their own box (tests/browser/test_layout.py)
OVERFLOW = """() => {
  const W = document.documentElement.clientWidth, wide = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('.leaflet-container')) continue;
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > W + 1 && getComputedStyle(el).position !== 'fixed') {
      let p = el.parentElement, scrolls = false;
      while (p && p !== document.body) {
        const o = getComputedStyle(p).overflowX;
        if ((o === 'auto' || o === 'scroll' || o === 'hidden') && p.getBoundingClientRect().right <= W + 1) { scrolls = true; break; }
        p = p.parentElement;
      }
      if (!scrolls) wide.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' ' + Math.round(r.right));
    }
  }
  return {scrollWidth: document.scrollingElement.scrollWidth, width: W, wide: wide.slice(0, 8)};
}"""


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("name", list(PAGES))
def test_no_sideways_scroll_and_pinch_zoom(page, shot, name, size, lang):
    w, h = SIZES[size]
    page.set_viewport_size({"width": w, "height": h})
    path = PAGES[name]
    page.goto(path + ("&" if "?" in path else "?") + f"lang={lang}")
    page.wait_for_load_state("networkidle")
    fit = page.evaluate(OVERFLOW)
    assert fit["scrollWidth"] <= fit["width"] + 1 and not fit["wide"], (name, size, lang, fit)
    viewports = page.eval_on_selector_all('meta[name="viewport"]', "ms => ms.map(m => m.content)")
    assert viewports == ["width=device-width, initial-scale=1"], viewports  # pinch zoom allowed: no maximum-scale
    # the nav never breaks inside a word: every link is one line
    lines = page.eval_on_selector_all("header.top nav a", "as => as.map(a => a.getClientRects().length)")
    assert lines and set(lines) == {1}, lines
    if name in MAPS:
        box = page.locator(MAPS[name]).first.bounding_box()
        assert box and box["width"] >= min(300, w * 0.8) and box["height"] >= 250, (name, size, box)
    shot(page, f"readable_{name}_{size}_{lang}", full_page=True)


@pytest.mark.parametrize("name", list(MAPS))
def test_maps_are_readable(page, name):
    page.goto(PAGES[name])
    page.wait_for_selector(MAPS[name] + " .leaflet-control-attribution")
    sel = MAPS[name]
    # city names on the offline basemap, inside the map's box, with a readable size
    page.wait_for_selector(f"{sel} .place-city span", state="attached")
    # the province to county view (the park map opens at street level, where no name need be in view)
    js = {"home": "window.findparkHome.map", "park": "window.findparkPark.map",
          "recommend": "window.findparkRecommend.map()"}[name]
    page.wait_for_function(f"(() => {{ try {{ return !!{js}; }} catch (e) {{ return false; }} }})()")
    page.evaluate(f"{js}.setZoom({10 if name == 'park' else 8}, {{animate: false}}) && null")
    page.wait_for_timeout(100)
    visible = page.evaluate("""(sel) => {
      const box = document.querySelector(sel).getBoundingClientRect();
      return [...document.querySelectorAll(sel + ' .place-label span')].filter(s => {
        const r = s.getBoundingClientRect(), st = getComputedStyle(s);
        return st.display !== 'none' && r.width > 0 && r.left >= box.left && r.right <= box.right
          && r.top >= box.top && r.bottom <= box.bottom && parseFloat(st.fontSize) >= 10;
      }).map(s => s.textContent);
    }""", sel)
    assert len(visible) >= 1, visible
    # no flag in Leaflet's attribution; one metric scale, no imperial line
    assert page.locator(f"{sel} .leaflet-control-attribution svg, {sel} .leaflet-control-attribution img").count() == 0
    if name != "recommend":
        assert "Leaflet" in page.inner_text(f"{sel} .leaflet-control-attribution")
    assert page.locator(f"{sel} .leaflet-control-scale-line").count() == 1
    assert re.search(r"\d+ (m|km)$", page.inner_text(f"{sel} .leaflet-control-scale-line").strip())
    # a legend beside every map
    assert page.locator(".legend").first.is_visible()


def test_labels_scale_with_zoom(page):
    page.goto("/")
    page.wait_for_selector(".folium-map .place-city span", state="attached")
    size = "parseFloat(getComputedStyle(document.querySelector('.place-city span')).fontSize)"
    before = page.evaluate(size)
    page.evaluate("window.findparkHome.map.setZoom(9, {animate: false}) && null")
    page.wait_for_function(f"{size} > {before}")
    counties = page.evaluate("[...document.querySelectorAll('.place-county span')].filter(s => getComputedStyle(s).display !== 'none').length")
    assert counties > 0


def test_plot_popup_links_to_an_inquiry(page):
    page.goto(f"/parks/{PARK}")
    page.wait_for_function("window.findparkPark !== undefined")
    first = page.eval_on_selector("table.plots tbody tr td", "td => td.textContent.trim()")
    assert page.evaluate(f"window.findparkPark.open({first!r})")
    popup = page.locator(".leaflet-popup .plot-popup")
    popup.wait_for()
    text = popup.inner_text()
    assert first in text and "状态" in text and "亩" in text
    link = popup.locator("a.inquire-plot")
    assert link.inner_text() == "咨询此地块"
    assert link.get_attribute("href") == f"/parks/{PARK}/inquire?plot_id={first}"
    link.click()
    page.wait_for_url(re.compile(r"/inquire\?plot_id="))


def test_park_map_draws_the_plots_around_from_vector_tiles(page):
    """The park page embeds its own plots (full popups) and draws every other park's plots from /tiles/plots
    (issue 15), so a zoomed-out view shows the district; a neighbour's popup is completed from the plots API."""
    tiles = []
    page.on("response", lambda r: tiles.append(r.status) if "/tiles/plots/" in r.url else None)
    page.goto(f"/parks/{PARK}")
    page.wait_for_function("window.findparkPark !== undefined && window.findparkPark.tiles()")
    # zoom out to the district; asked again until it holds (the page's initial fit of the park may still be
    # settling and put the zoom back, which made this test flaky)
    page.wait_for_function("(() => { const m = window.findparkPark.map;"
                           " if (m.getZoom() !== 11) { m.setZoom(11, {animate: false}); }"
                           " return m.getZoom() === 11 && window.findparkPark.neighbours().length > 0; })()",
                           timeout=20000, polling=250)
    near = page.evaluate("window.findparkPark.neighbours()")
    assert near and all(n["park_id"] != PARK for n in near)  # the park's own plots are not drawn twice
    assert tiles and set(tiles) <= {200, 304}
    own = page.eval_on_selector("table.plots tbody tr td", "td => td.textContent.trim()")
    assert page.evaluate(f"window.findparkPark.open({own!r})")  # the page's own layer keeps its popups
    page.locator(".leaflet-popup .plot-popup a.inquire-plot").wait_for()
    assert "周边地块" in page.inner_text(".legend")


def test_home_map_plot_popup(page):
    page.goto("/")
    page.wait_for_function("window.findparkHome !== undefined")
    page.evaluate(f"window.findparkHome.select({PARK!r}, {{zoom: true}})")
    # the plots are drawn from vector tiles (issue 15) or GeoJSON; either way a plot opens the same popup
    page.wait_for_function("window.findparkHome.plotFeatures().length > 0")
    page.evaluate("(() => { const h = window.findparkHome, p = h.plotFeatures()[0];"
                  " h.openPlot(p, h.map.getCenter()); })()")
    link = page.locator(".leaflet-popup .plot-popup a.inquire-plot")
    link.wait_for()
    assert link.inner_text() == "咨询此地块" and "/inquire?plot_id=" in link.get_attribute("href")
    page.wait_for_function("document.querySelector('.leaflet-popup .plot-popup').textContent.includes('万元/亩')")


@pytest.mark.parametrize("query", ["杭州经济技术", "hzjk", "杭州经开"])
def test_home_finds_a_park_by_name_or_pinyin_initials(page, query):
    page.goto("/")
    page.fill("#park-q", query)
    page.press("#park-q", "Enter")
    page.wait_for_url(re.compile(r"[?&]q="))
    rows = page.eval_on_selector_all("#park-list tbody tr[data-park]", "rs => rs.map(r => r.dataset.park)")
    assert rows and rows[0] == PARK, rows


def test_compare_picker_finds_by_pinyin_and_groups_by_city(page):
    page.goto("/compare")
    cities = page.eval_on_selector_all(".pick-group h3", "hs => hs.map(h => h.textContent)")
    assert cities[:2] == ["杭州市", "湖州市"], cities  # pinyin order (hang, hu, jia …), not code point
    page.fill("#park-search", "hzjk")
    shown = page.eval_on_selector_all("#park-pick label:not([hidden]) input", "is => is.map(i => i.value)")
    assert PARK in shown and len(shown) <= 3, shown
    page.check(f"#park-pick input[value={PARK}]")
    page.fill("#park-search", "nbjk")
    page.check("#park-pick label:not([hidden]) input:not(:checked)")
    page.click("form.cmp-form button[type=submit]")
    page.wait_for_selector("table.cmp")


def test_tables_sort_by_number(page):
    page.goto(f"/parks/{PARK}")
    th = page.locator("table.plots thead th").nth(2)  # 面积(亩)
    th.locator("button.sort").click()
    assert th.get_attribute("aria-sort") == "ascending"
    values = page.eval_on_selector_all("table.plots tbody tr td:nth-child(3)",
                                       "ts => ts.map(t => parseFloat(t.textContent.replace(/,/g, '')))")
    assert values == sorted(values)
    th.locator("button.sort").click()
    assert th.get_attribute("aria-sort") == "descending"
    values = page.eval_on_selector_all("table.plots tbody tr td:nth-child(3)",
                                       "ts => ts.map(t => parseFloat(t.textContent.replace(/,/g, '')))")
    assert values == sorted(values, reverse=True)


def test_recommend_print_preview_has_results_not_the_form(page, shot):
    page.goto("/recommend")
    page.wait_for_function("window.L !== undefined && document.querySelector('#rec-results:not(.nojs)') !== null")
    page.click("#example-btn")
    page.click("#submit-btn")
    page.wait_for_selector("#ranked-plots li.result")
    page.emulate_media(media="print")
    assert not page.locator("#rec-form").is_visible()
    assert not page.locator("#export-pdf").is_visible()
    assert page.locator("#ranked-plots li.result").first.is_visible()
    assert page.locator(".map-legend").is_visible()
    shot(page, "recommend_print", full_page=True)
    page.emulate_media(media="screen")
    assert page.locator("#rec-form").is_visible()


@pytest.mark.skipif(os.environ.get("FINDPARK_UPDATE_DOCS") != "1", reason="FINDPARK_UPDATE_DOCS=1 refreshes docs/*.png")
def test_readme_screenshots(page):
    """The README's pictures; written to docs/ only with FINDPARK_UPDATE_DOCS=1 (a test run leaves the tree clean)."""
    DOCS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto("/?q=hzjk")
    page.goto("/")
    page.wait_for_selector(".folium-map .place-city span", state="attached")
    page.wait_for_timeout(400)
    page.screenshot(path=str(DOCS / "home.png"))
    page.goto(f"/parks/{PARK}")
    page.wait_for_function("window.findparkPark !== undefined")
    first = page.eval_on_selector("table.plots tbody tr td", "td => td.textContent.trim()")
    page.evaluate(f"window.findparkPark.open({first!r})")
    page.wait_for_timeout(400)
    page.screenshot(path=str(DOCS / "park.png"))
    page.goto("/recommend")
    page.wait_for_function("window.L !== undefined && document.querySelector('#rec-results:not(.nojs)') !== null")
    page.click("#example-btn")
    page.click("#submit-btn")
    page.wait_for_selector("#ranked-plots li.result")
    page.wait_for_timeout(600)
    page.screenshot(path=str(DOCS / "recommend.png"))
    page.goto(PAGES["compare"])
    page.wait_for_selector("table.cmp")
    page.screenshot(path=str(DOCS / "compare.png"), full_page=True)
