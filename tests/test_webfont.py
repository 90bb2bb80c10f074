"""The pages' CJK webfont (tools/webfont.py, findpark/static/fonts/NotoSansSC-findpark.*): the subset holds every
character the project shows, the committed files agree with each other and with the generator, and the
generator is byte-stable. Needs no brotli: the WOFF2 is tied to its character record by SHA-256 and the
subsetting is checked on the TTF flavour (WOFF2 only adds brotli over those bytes); with brotli installed one
more test regenerates the WOFF2 itself."""
from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from findpark.paths import DATA_DIR, FONT_DIR, STATIC_DIR
from tools import webfont

REPO = Path(__file__).resolve().parent.parent
FONTS = FONT_DIR
SUBSET = FONTS / "NotoSansSC-findpark.woff2"
RECORD = FONTS / webfont.CHARS_FILE
FULL = FONTS / "NotoSansSC-Regular.ttf"


@pytest.fixture(scope="module")
def record():
    chars, header = webfont.read_record(RECORD)
    return chars, header


@pytest.fixture(scope="module")
def full_cmap():
    return webfont.font_codepoints(FULL)


def test_subset_covers_every_character_the_project_shows(record, full_cmap):
    problems = webfont.check(RECORD)
    assert not problems, "the web font subset lacks:\n" + "\n".join(problems[:50])
    # and so, spelled out: every park name, industry label and GB/T 4754 name, every page string
    chars = set(record[0])
    parks = json.loads((DATA_DIR / "parks.geojson").read_text("utf-8"))["features"]
    names = "".join(f["properties"]["name"] for f in parks)
    labels = (REPO / "findpark" / "taxonomy" / "industry_labels.csv").read_text("utf-8")
    gbt = (REPO / "findpark" / "taxonomy" / "gbt4754_2017.csv").read_text("utf-8")
    en = (REPO / "findpark" / "web" / "translations" / "en.json").read_text("utf-8")
    for what, text in (("park names", names), ("industry labels", labels), ("GB/T 4754", gbt), ("en.json", en)):
        cjk = {c for c in text if "\u3000" <= c <= "\u9fff" or "\uff00" <= c <= "\uffef"}
        assert len(cjk) > 20 and cjk <= chars, (what, sorted(cjk - chars))
    # the fixed blocks: all of GB 2312 and printable ASCII
    assert set(webfont.gb2312_chars()) - chars <= {c for c in webfont.gb2312_chars() if ord(c) not in full_cmap}
    assert len([c for c in webfont.gb2312_chars() if "\u4e00" <= c <= "\u9fff"]) == 6763
    assert {chr(c) for c in range(0x20, 0x7F)} <= chars


def test_every_source_the_subset_scans_exists():
    """A folder that moves (findpark/static, findpark/templates, findpark/data …) must not drop out of the scan."""
    for pattern, _ in webfont.SOURCES:
        assert any(p.is_file() for p in REPO.glob(pattern)), pattern


def test_a_new_character_fails_naming_it_and_where_it_comes_from(tmp_path):
    """A park called 龘 (not in GB 2312) in the data, in a template and in a Python string: all reported."""
    (tmp_path / "findpark" / "data").mkdir(parents=True)
    (tmp_path / "findpark" / "data" / "parks.geojson").write_text(
        '{"type": "FeatureCollection",\n "features": [{"properties": {"name": "龘园产业园"}}]}\n', "utf-8")
    (tmp_path / "findpark" / "templates").mkdir()
    (tmp_path / "findpark" / "templates" / "new.html").write_text("<p>园区</p>\n<p>犇</p>\n", "utf-8")
    (tmp_path / "findpark" / "m.py").write_text('# 𠀀 a comment is no page text\nX = "喆"\n', "utf-8")
    problems = webfont.check(RECORD, repo=tmp_path)
    assert any(p.startswith("U+9F98 龘 (findpark/data/parks.geojson:2): not in the web subset") for p in problems), problems
    assert any(p.startswith("U+7287 犇 (findpark/templates/new.html:2)") for p in problems), problems
    assert any(p.startswith("U+5586 喆 (findpark/m.py:2)") for p in problems), problems
    assert len(problems) == 3, problems  # 园 and 区 are in GB 2312; the comment is not read
    # a character no Noto Sans SC glyph exists for is reported as such (not even the full font renders it)
    (tmp_path / "findpark" / "templates" / "new.html").write_text("<p>𠀀</p>\n", "utf-8")
    assert any("U+20000 𠀀 (findpark/templates/new.html:1): NotoSansSC-Regular.ttf has no glyph" in p
               for p in webfont.check(RECORD, repo=tmp_path))


def test_record_and_subset_belong_together(record, full_cmap):
    chars, header = record
    assert header["subset_file"] == SUBSET.name
    assert header["subset"] == hashlib.sha256(SUBSET.read_bytes()).hexdigest(), \
        "the WOFF2 is not the one its record describes: run `python -m tools.webfont`"
    assert header["source"] == hashlib.sha256(FULL.read_bytes()).hexdigest()
    assert len(chars) == len(set(chars)) and {ord(c) for c in chars} <= full_cmap
    # a WOFF2 of a TrueType font, whole (header and table directory are not compressed: no brotli needed)
    data = SUBSET.read_bytes()
    sig, flavor, length, num_tables = struct.unpack(">4sIIH", data[:14])
    assert (sig, flavor, length) == (b"wOF2", 0x00010000, len(data)) and num_tables >= 10
    assert 500_000 < len(data) < 1_500_000 and FULL.stat().st_size > 10_000_000
    # what the generator asks for today, plus the odd character whose glyph a kept feature reaches (the cmap's)
    asked = set(webfont.charset())
    assert asked <= set(chars) and len(set(chars) - asked) < 20, sorted(set(chars) ^ asked)[:20]


def test_css_serves_subset_then_full_font():
    css = (STATIC_DIR / "findpark.css").read_text("utf-8")
    faces = {re.search(r'font-family:\s*"([^"]+)"', f).group(1): f
             for f in re.findall(r"@font-face\s*\{[^}]*\}", css)}
    assert set(faces) == {"FindparkCJK", "FindparkCJKFull"}
    sub = faces["FindparkCJK"]
    assert sub.index('local("Noto Sans SC")') < sub.index('url("fonts/NotoSansSC-findpark.woff2") format("woff2")')
    assert 'url("fonts/NotoSansSC-Regular.ttf")' in faces["FindparkCJKFull"]
    assert "NotoSansSC-Regular.ttf" not in sub and "unicode-range" not in css
    for url in re.findall(r'url\("([^"]+)"\)', css):
        assert (STATIC_DIR / url).is_file(), url
    body = re.search(r"\nbody\s*\{[^}]*font-family:([^;]+);", css).group(1)
    stack = [f.strip().strip('"') for f in body.split(",")]
    assert stack.index("FindparkCJK") + 1 == stack.index("FindparkCJKFull") and stack[-1] == "sans-serif", stack
    assert "input, select, button, textarea { font: inherit; }" in css


def _generate(out: Path, flavor: str) -> Path:
    done = subprocess.run([sys.executable, "-m", "tools.webfont", "--out", str(out), "--flavor", flavor],
                          cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "7," in done.stdout and "characters" in done.stdout, done.stdout
    return out / f"{webfont.STEM}.{flavor}"


@pytest.mark.slow  # subsets the 10.6 MB font in a subprocess
def test_generation_is_deterministic(tmp_path, record):
    """Twice from the command line into two folders: the same bytes, font and record; the font holds exactly
    the recorded characters and keeps the source's timestamp."""
    a = _generate(tmp_path / "a", "ttf")
    b = _generate(tmp_path / "b", "ttf")
    assert a.read_bytes() == b.read_bytes()
    ra, rb = (p.parent / webfont.CHARS_FILE for p in (a, b))
    assert ra.read_bytes() == rb.read_bytes()
    chars, header = webfont.read_record(ra)
    assert chars == record[0], "the subset's characters are stale: run `python -m tools.webfont`"
    assert header["subset"] == hashlib.sha256(a.read_bytes()).hexdigest()
    with TTFont(str(a)) as sub, TTFont(str(FULL), lazy=True) as full:
        assert set(sub.getBestCmap()) == {ord(c) for c in chars}
        assert sub["head"].modified == full["head"].modified  # no clock in the output
        assert {n.nameID for n in sub["name"].names} >= {0, 1, 13, 14}  # copyright, family, OFL notice
        assert 7_800 < len(sub.getGlyphOrder()) < 9_000
        glyph = sub.getBestCmap()[ord("园")]
        assert sub["glyf"][glyph].numberOfContours > 0  # an outline, not an empty glyph


@pytest.mark.skipif(importlib.util.find_spec("brotli") is None,
                    reason="brotli not installed: the WOFF2 step is only checked via the TTF flavour and the SHA-256")
@pytest.mark.slow  # subsets the 10.6 MB font in a subprocess
def test_woff2_regenerates_to_the_committed_bytes(tmp_path):
    fresh = _generate(tmp_path, "woff2")
    assert fresh.read_bytes() == SUBSET.read_bytes(), "regenerated WOFF2 differs: run `python -m tools.webfont`"
    assert (tmp_path / webfont.CHARS_FILE).read_bytes() == RECORD.read_bytes()
