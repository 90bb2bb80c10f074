"""Readable on a laptop and on a tablet: every page fits the width (no sideways scrolling), its map is on
screen with a real size, and nothing overlaps the text. Screenshots of each page at each size go to
tests/artifacts/layout_*.png (look at them)."""
from __future__ import annotations

import pytest

PARK, OTHER = "G331018", "G331019"
SIZES = {"laptop": (1366, 768), "tablet": (768, 1024), "tablet_landscape": (1024, 768)}
PAGES = {
    "home": ("/", ".folium-map"),
    "park": (f"/parks/{PARK}", ".folium-map"),
    "recommend": ("/recommend", "#rec-map"),
    "compare": (f"/compare?ids={PARK},{OTHER}", None),
    "inquire": (f"/parks/{PARK}/inquire", None),
    "inquiries": ("/inquiries", None),
}

OVERFLOW = """() => {
  const W = document.documentElement.clientWidth;
  const wide = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('.leaflet-container')) continue;          // map panes extend beyond their box by design
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > W + 1 && getComputedStyle(el).position !== 'fixed') {
      // inside a box that scrolls on its own (a wide table in an overflow:auto wrapper) is fine
      let p = el.parentElement, scrolls = false;
      while (p && p !== document.body) {
        const o = getComputedStyle(p).overflowX;
        if ((o === 'auto' || o === 'scroll' || o === 'hidden') && p.getBoundingClientRect().right <= W + 1) { scrolls = true; break; }
        p = p.parentElement;
      }
      if (!scrolls) wide.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ')[0] : '') + ' ' + Math.round(r.right));
    }
  }
  return {scrollWidth: document.scrollingElement.scrollWidth, width: W, wide: wide.slice(0, 8)};
}"""


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("name", list(PAGES))
def test_page_fits_the_screen(page, shot, name, size):
    w, h = SIZES[size]
    page.set_viewport_size({"width": w, "height": h})
    path, map_sel = PAGES[name]
    page.goto(path)
    page.wait_for_load_state("networkidle")
    fit = page.evaluate(OVERFLOW)
    assert fit["scrollWidth"] <= fit["width"] + 1 and not fit["wide"], (name, size, fit)
    if map_sel:
        box = page.locator(map_sel).first.bounding_box()
        assert box and box["width"] >= min(300, w * 0.4) and box["height"] >= 250, (name, size, box)
        assert box["x"] >= 0 and box["x"] + box["width"] <= w + 1, (name, size, box)
    # body text is not shrunk below a readable size
    px = page.evaluate("parseFloat(getComputedStyle(document.querySelector('main')).fontSize)")
    assert px >= 14, px
    shot(page, f"layout_{name}_{size}", full_page=True)


def test_recommend_form_is_keyboard_usable(page):
    """Tab from the first field reaches every form control in document order and the submit button; Enter in
    the industry field does not lose the form."""
    page.goto("/recommend")
    page.wait_for_load_state("networkidle")
    page.focus("#f-industry")
    seen = []
    for _ in range(80):
        seen.append(page.evaluate("document.activeElement.id || document.activeElement.name || document.activeElement.tagName"))
        if seen[-1] == "submit-btn":
            break
        page.keyboard.press("Tab")
    assert "submit-btn" in seen, seen
    assert {"f-land_mu_min", "f-land_mu_max"} <= set(seen), seen
