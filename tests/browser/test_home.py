"""The home map (可查) and the park page (可看) in a real browser. Every page also checks (fixture ``page``)
that no request left 127.0.0.1."""
from __future__ import annotations

import json
import re

PARK = "G331018"  # 杭州经济技术开发区
BUDGET = 150_000          # bytes of HTML + JS + CSS for the home page, as transferred (gzip)
DECODED_BUDGET = 500_000  # the same, decoded

READY = "window.findparkHome !== undefined && window.L !== undefined"


def _open_home(page, query: str = ""):
    page.goto("/" + query)
    page.wait_for_function(READY)


def _rows(page) -> list[str]:
    return page.eval_on_selector_all("tr[data-park]", "rows => rows.map(r => r.dataset.park)")


def _zoom(page) -> int:
    return page.evaluate("findparkHome.map.getZoom()")


GLYPH_CHECK = """async () => {
  // Draw two different CJK characters in the page's own font stack: real glyphs differ, tofu boxes do not.
  // Wait for the subset face only: loading the whole stack would also fetch the full fallback font.
  const family = getComputedStyle(document.body).fontFamily;
  await document.fonts.load('40px FindparkCJK', '园区');
  await document.fonts.ready;
  const px = ch => {
    const c = document.createElement('canvas'); c.width = c.height = 48;
    const g = c.getContext('2d'); g.font = '40px ' + family; g.fillStyle = '#000'; g.fillText(ch, 2, 40);
    return Array.from(g.getImageData(0, 0, 48, 48).data.filter((_, i) => i % 4 === 3));
  };
  const a = px('园'), b = px('区');
  const ink = a.filter(v => v > 0).length;
  const diff = a.filter((v, i) => Math.abs(v - b[i]) > 64).length;
  const faces = Array.from(document.fonts).map(f => f.family + ':' + f.status);
  return {ink, diff, faces};
}"""


def test_home_map_draws_parks_within_budget(page, shot):
    responses = []
    page.on("response", lambda r: responses.append(r))
    _open_home(page)
    page.wait_for_load_state("networkidle")
    rows = _rows(page)
    assert len(rows) == 120
    ids = page.evaluate("findparkHome.parkIds()")
    assert sorted(ids) == sorted(rows)  # every listed park is on the map, and only those
    # drawn: the parks and the city outlines are Leaflet path layers on a canvas in the overlay pane
    drawn = page.evaluate("""() => {
      let paths = 0; findparkHome.map.eachLayer(l => { if (l instanceof L.Path) paths++; });
      return {paths, canvases: document.querySelectorAll('.leaflet-overlay-pane canvas').length,
              canvasPaths: findparkHome.parks.getLayers().filter(l => l.options.renderer instanceof L.Canvas
                                                                      || l._renderer instanceof L.Canvas).length};
    }""")
    assert drawn["paths"] >= 120 + 11 and drawn["canvases"] >= 1 and drawn["canvasPaths"] == 120, drawn
    b = page.evaluate("(() => { const b = findparkHome.map.getBounds(); return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; })()")
    assert b[0] < 119.0 and b[2] > 122.0 and b[1] < 28.0 and b[3] > 30.5, b  # all of Zhejiang in view
    assert page.evaluate("findparkHome.plots() === null")  # no plots at province zoom

    # the transferred size of the page itself: HTML + JS + CSS as sent (gzip, findpark/web/compress.py) and
    # decoded (the CJK font is reported separately: only machines without a CJK font fetch it)
    sizes: dict[str, int] = {}
    decoded = font = 0
    for r in responses:
        if r.request.resource_type in ("document", "script", "stylesheet"):
            sizes[r.url.split("/", 3)[-1] or "/"] = r.request.sizes()["responseBodySize"]
            decoded += len(r.body())
        elif r.request.resource_type == "font":
            font += r.request.sizes()["responseBodySize"]
    total = sum(sizes.values())
    print(f"\nhome page transferred: {total / 1000:.1f} kB (HTML+JS+CSS, gzip; {decoded / 1000:.1f} kB decoded) "
          + ", ".join(f"{k or '/'}={v / 1000:.1f} kB" for k, v in sorted(sizes.items())) + f"; font {font / 1e6:.2f} MB")
    assert total < BUDGET and decoded < DECODED_BUDGET, sizes

    glyphs = page.evaluate(GLYPH_CHECK)
    assert glyphs["ink"] > 50 and glyphs["diff"] > 20, glyphs  # Chinese, not boxes
    # form controls do not inherit fonts by default; they must use the same CJK-capable stack
    body_font = page.evaluate("getComputedStyle(document.body).fontFamily")
    for sel in ("input[name=industry]", "select[name=level]", "form.filters button", ".leaflet-container"):
        assert page.eval_on_selector(sel, "e => getComputedStyle(e).fontFamily") == body_font, sel
    shot(page, "home")


def test_filter_by_industry_shrinks_list_and_map(page, shot):
    _open_home(page)
    assert len(_rows(page)) == 120
    page.fill("input[name=industry]", "生物医药")
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    page.wait_for_function(READY)
    rows = _rows(page)
    assert 0 < len(rows) < 120
    assert sorted(page.evaluate("findparkHome.parkIds()")) == sorted(rows)
    assert "生物医药" in page.input_value("input[name=industry]")
    assert page.inner_text("#park-count").startswith(f"{len(rows)} 个园区")

    # the numeric filters follow the API's semantics (available land = status available, bounds inclusive)
    _open_home(page, "?industry=生物医药&land_min=100&level=national")
    narrowed = _rows(page)
    api = json.loads(page.request.get("/api/v1/parks?industry=生物医药&min_available_mu=100&level=national&limit=200").text())
    assert sorted(narrowed) == sorted(p["id"] for p in api["parks"])
    assert len(narrowed) <= len(rows)
    _open_home(page, "?max_price=20&min_vacant=100000")
    cheap = _rows(page)
    detail = [json.loads(page.request.get(f"/api/v1/parks/{pid}").text()) for pid in cheap[:5]]
    assert all(d["land_price_wan_per_mu"] <= 20 and d["vacant_factory_m2"] >= 100000 for d in detail)
    _open_home(page, "?industry=宇宙飞船")
    assert _rows(page) == [] and "没有符合条件的园区" in page.inner_text("section.list")
    _open_home(page, "?land_min=abc")
    assert "应为非负数" in page.inner_text("p.error") and len(_rows(page)) == 120
    shot(page, "home_filter_error")


def test_click_result_zooms_map_and_loads_plots(page, shot):
    _open_home(page)
    z0 = _zoom(page)
    with page.expect_response(lambda r: "/api/v1/plots?" in r.url) as plots_resp:
        page.click(f'tr[data-park="{PARK}"] td:nth-child(3)')  # a cell, not the link
    page.wait_for_function(f"findparkHome.map.getZoom() > {z0}")
    assert _zoom(page) >= 12
    assert page.evaluate("findparkHome.current()") == PARK
    assert page.get_attribute(f'tr[data-park="{PARK}"]', "class") == "hl"
    # the park is in view and highlighted
    assert page.evaluate(f"""findparkHome.map.getBounds().contains(
        findparkHome.parks.getLayers().find(l => l.feature.properties.id === '{PARK}').getBounds().getCenter())""")
    r = plots_resp.value
    assert r.status == 200 and "format=geojson" in r.url and re.search(r"bbox=[-\d.]+(,[-\d.]+){3}", r.url)
    page.wait_for_function("findparkHome.plotFeatures().length > 0 && !findparkHome.plotsState().loading")
    info = page.evaluate(f"""() => {{
      const ls = findparkHome.plotFeatures();
      return {{n: ls.length, tiles: findparkHome.tiles(),
               canvas: findparkHome.plots().getContainer().querySelectorAll('canvas').length,
               mine: ls.filter(l => l.park_id === '{PARK}').length,
               colours: [...new Set(ls.map(l => l.fillColor))]}};
    }}""")
    # drawn from the plot vector tiles, one canvas per tile
    assert info["n"] > 0 and info["tiles"] and info["canvas"] > 0 and info["mine"] >= 10, info
    assert any("/tiles/plots/" in u and u.endswith(".mvt") for u in page.requests_seen)
    assert len(info["colours"]) >= 2  # coloured by status
    assert "个地块" in page.inner_text("#plots-status")
    shot(page, "home_park_zoomed")


def test_zoom_in_loads_plots_zoom_out_drops_them(page):
    _open_home(page)
    centre = page.evaluate(f"""(() => {{ const c = findparkHome.parks.getLayers()
        .find(l => l.feature.properties.id === '{PARK}').getBounds().getCenter(); return [c.lat, c.lng]; }})()""")
    with page.expect_response(lambda r: "/api/v1/plots?" in r.url) as first:
        page.evaluate(f"void findparkHome.map.setView([{centre[0]}, {centre[1]}], 13, {{animate: false}})")
    assert first.value.status == 200
    page.wait_for_function("findparkHome.plotFeatures().length > 0")
    n13 = page.evaluate("findparkHome.plotFeatures().length")
    # panning replaces the plots on moveend
    with page.expect_response(lambda r: "/api/v1/plots?" in r.url) as second:
        page.evaluate("void findparkHome.map.panBy([300, 0], {animate: false})")
    assert second.value.url != first.value.url
    page.wait_for_function("findparkHome.plots() !== null")
    before = len([u for u in page.requests_seen if "/api/v1/plots" in u])
    page.evaluate(f"void findparkHome.map.setView([{centre[0]}, {centre[1]}], 10, {{animate: false}})")
    page.wait_for_function("findparkHome.plots() === null")
    assert len([u for u in page.requests_seen if "/api/v1/plots" in u]) == before  # nothing fetched below 12
    assert n13 > 0 and "放大到 12 级" in page.inner_text("#plots-status")


def test_click_park_on_map_highlights_its_row(page):
    _open_home(page)
    page.evaluate(f"""(() => {{ const l = findparkHome.parks.getLayers().find(l => l.feature.properties.id === '{PARK}');
        findparkHome.map.setView(l.getCenter(), 11, {{animate: false}}); }})()""")
    x, y = page.evaluate(f"""(() => {{
        const l = findparkHome.parks.getLayers().find(l => l.feature.properties.id === '{PARK}');
        const p = findparkHome.map.latLngToContainerPoint(l.getCenter());
        const r = findparkHome.map.getContainer().getBoundingClientRect();
        return [r.left + p.x, r.top + p.y]; }})()""")
    page.mouse.click(x, y)
    page.wait_for_function(f"findparkHome.current() === '{PARK}'")
    row = page.locator(f'tr[data-park="{PARK}"]')
    assert row.get_attribute("class") == "hl"
    # the row was scrolled into the list's view
    inside = page.evaluate(f"""(() => {{ const row = document.querySelector('tr[data-park="{PARK}"]').getBoundingClientRect();
        const list = document.getElementById('park-list').getBoundingClientRect();
        return row.top >= list.top && row.bottom <= list.bottom; }})()""")
    assert inside


def test_park_page_shows_evaluation_legend_and_plots(page, shot):
    page.goto(f"/parks/{PARK}")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text().startswith("杭州经济技术开发区")
    assert page.locator("h2", has_text="五力评价").is_visible()
    assert page.locator("table.scores th").count() == 5
    assert page.locator("svg.spark polyline").count() == 1
    assert page.locator("p.legend").is_visible() and "可供" in page.inner_text("p.legend")
    assert page.locator("table.plots tbody tr").count() >= 10
    assert page.locator("table.plots tbody tr[data-status=available]").first.inner_text().split("\t")[1].strip() == "可供"
    assert page.locator(".leaflet-overlay-pane canvas").count() >= 1
    glyphs = page.evaluate(GLYPH_CHECK)
    assert glyphs["ink"] > 50 and glyphs["diff"] > 20, glyphs
    shot(page, "park")
    shot(page, "park_full", full_page=True)
