"""The CJK webfont in a real Chromium that has no CJK font of its own (so it must fetch ours): a normal page
fetches only the subset (static/fonts/NotoSansSC-findpark.woff2, ~1 MB), never the full 10.6 MB TTF, and draws
Chinese with it; a character outside the subset makes the browser fetch the full font (face FindparkCJKFull)
and draw it. Every page also checks (fixture ``page``) that no request left 127.0.0.1.

The glyph checks draw on a canvas without ``document.fonts.load(<the body's font stack>)``: that call loads
every face of the stack that might cover the text (the full font too), which a page never does by itself."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

FONTS = Path(__file__).resolve().parents[2] / "static" / "fonts"
SUBSET = "/static/fonts/NotoSansSC-findpark.woff2"
FULL = "/static/fonts/NotoSansSC-Regular.ttf"
RARE = "龘"  # U+9F98: in Noto Sans SC, not in GB 2312 nor in any findpark text, so not in the subset

# alpha channel of `ch` drawn at 40px in `family` (a CSS font-family list) on a 48x48 canvas
PIXELS = """([ch, family]) => {
  const c = document.createElement('canvas'); c.width = c.height = 48;
  const g = c.getContext('2d'); g.font = '40px ' + family; g.fillStyle = '#000'; g.fillText(ch, 2, 40);
  return Array.from(g.getImageData(0, 0, 48, 48).data.filter((_, i) => i % 4 === 3));
}"""
FACES = "() => Object.fromEntries(Array.from(document.fonts).map(f => [f.family.replace(/\"/g, ''), f.status]))"
STACK = "getComputedStyle(document.body).fontFamily"


def _px(page, ch: str, family: str) -> list[int]:
    return page.evaluate(PIXELS, [ch, family])


def _ink(a: list[int]) -> int:
    return sum(1 for v in a if v > 0)


def _diff(a: list[int], b: list[int]) -> int:
    return sum(1 for x, y in zip(a, b) if abs(x - y) > 64)


def _font_requests(page) -> list[str]:
    return [u.split("/", 3)[-1] for u in page.requests_seen if "/static/fonts/" in u]


def _platform_fonts(page, selector: str) -> list[dict]:
    """The fonts Chromium actually used for the text of the first node matching ``selector`` (DevTools)."""
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument")["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        return cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    finally:
        cdp.detach()


def _settle(page):
    page.wait_for_load_state("networkidle")
    page.evaluate("document.fonts.ready.then(() => true)")
    page.wait_for_timeout(300)  # a late font request would show up in requests_seen by now


@pytest.mark.parametrize("path", ["/", "/recommend"])
def test_page_fetches_only_the_subset_and_draws_chinese_with_it(page, shot, path):
    responses = []
    page.on("response", lambda r: responses.append(r))
    page.goto(path)
    _settle(page)
    fonts = [r for r in responses if r.request.resource_type == "font"]
    assert [r.url.split("/", 3)[-1] for r in fonts] == [SUBSET[1:]], _font_requests(page)
    sub = fonts[0]
    assert sub.status == 200 and sub.body() == (FONTS / "NotoSansSC-findpark.woff2").read_bytes()
    assert sub.headers.get("content-type", "").startswith("font/woff2"), sub.headers

    faces = page.evaluate(FACES)
    assert faces == {"FindparkCJK": "loaded", "FindparkCJKFull": "unloaded"}, faces
    stack = page.evaluate(STACK)
    assert stack.index("FindparkCJK") < stack.index("FindparkCJKFull")
    yuan, qu = _px(page, "园", stack), _px(page, "区", stack)
    assert _ink(yuan) > 50 and _diff(yuan, qu) > 20  # two real, different glyphs, not two boxes
    assert yuan == _px(page, "园", '"FindparkCJK"')  # drawn by the subset ...
    assert _diff(yuan, _px(page, "园", "sans-serif")) > 20  # ... and not by a system font (there is none)
    # the page's own text: laid out with the web font only, every glyph found in it (no system fallback)
    used = _platform_fonts(page, "header.top a.brand")
    assert [(f["familyName"], f["isCustomFont"]) for f in used] == [("Noto Sans SC", True)], used

    page.wait_for_timeout(300)
    assert FULL[1:] not in _font_requests(page), _font_requests(page)  # drawing did not fetch it either
    total = sum(len(r.body()) for r in responses if r.status == 200)
    print(f"\n{path} transferred {total / 1e6:.2f} MB in {len(responses)} responses, "
          f"of which the font subset {len(sub.body()) / 1e6:.2f} MB")
    shot(page, "webfont" + path.replace("/", "_"))


def test_a_slow_subset_does_not_start_the_full_font(page):
    """While the subset is still on its way (held back 1.5 s) Chromium does not fetch the next face instead."""
    def slow(route):
        time.sleep(1.5)
        route.continue_()

    page.route("**/NotoSansSC-findpark.woff2", slow)
    page.goto("/")
    _settle(page)
    page.wait_for_function("document.fonts.check('16px FindparkCJK', '园区')")
    page.wait_for_timeout(500)
    assert _font_requests(page) == [SUBSET[1:]]
    assert page.evaluate(FACES) == {"FindparkCJK": "loaded", "FindparkCJKFull": "unloaded"}


def test_character_outside_the_subset_fetches_and_draws_the_full_font(page, shot):
    page.goto("/")
    _settle(page)
    assert _font_requests(page) == [SUBSET[1:]]
    with page.expect_response(lambda r: r.url.endswith(FULL)) as full:
        page.evaluate(f"""() => {{ const p = document.createElement('p'); p.id = 'rare';
            p.style.fontSize = '40px'; p.textContent = '园区{RARE}'; document.querySelector('main, body').prepend(p); }}""")
    assert full.value.status == 200 and len(full.value.body()) == (FONTS / "NotoSansSC-Regular.ttf").stat().st_size
    page.wait_for_function("Array.from(document.fonts).every(f => f.status === 'loaded')")
    assert page.evaluate(FACES) == {"FindparkCJK": "loaded", "FindparkCJKFull": "loaded"}

    stack = page.evaluate(STACK)
    rare = _px(page, RARE, stack)
    box = _px(page, RARE, '"FindparkCJK"')  # the subset alone: no glyph, a .notdef box
    assert box == _px(page, "\ue000", '"FindparkCJK"')  # the same box as a private-use character
    assert _ink(rare) > 50 and _diff(rare, box) > 20, (_ink(rare), _diff(rare, box))
    assert rare == _px(page, RARE, '"FindparkCJKFull"')  # drawn by the full font
    # the DOM text itself: every glyph from the web fonts (the rare one from the full face), none missing
    used = _platform_fonts(page, "#rare")
    assert {f["familyName"] for f in used} == {"Noto Sans SC"} and all(f["isCustomFont"] for f in used), used
    assert sum(f["glyphCount"] for f in used) == 3, used
    shot(page, "webfont_rare")
