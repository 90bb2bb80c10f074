"""The web pages' CJK font: the vendored Noto Sans SC (findpark/static/fonts/NotoSansSC-Regular.ttf, SIL OFL 1.1)
cut down to the characters findpark shows, as findpark/static/fonts/NotoSansSC-findpark.woff2 (about 1 MB instead
of 10.6). A build tool, not part of the installed package: run it from the checkout.

The character set is fixed blocks plus whatever the project itself contains:

- ASCII and Latin-1, General Punctuation, CJK Symbols and Punctuation, Halfwidth and Fullwidth Forms;
- all of GB 2312 (6,763 hanzi and its 682 symbols, enumerated with Python's ``gb2312`` codec);
- every character in findpark/templates/, findpark/static/js/*.js, findpark/web/translations/*.json, the
  siting profiles, the string literals of findpark/**/*.py, findpark/data/*.geojson, findpark/data/*.csv,
  findpark/examples/*.json and the taxonomy CSVs (every park name, industry label and GB/T 4754 name).
  The package folders are globbed, not the repo's top-level symlinks (static/, templates/, data/).

Characters the font has no glyph for are left out. A character outside the subset still renders: the CSS
puts a second face on the full TTF after this one in the font stack, which the browser fetches only then.

Run ``python -m tools.webfont`` (from the repo root) after adding text with a character outside GB 2312 (tests/test_webfont.py
fails and names it). It writes the subset and ``NotoSansSC-findpark.chars.txt``, the record of the characters
it holds (one code point range a line, so a diff shows what was added) and of the subset's SHA-256. The
output is byte-stable: the source font's head.modified is kept, nothing depends on the clock or the
machine. WOFF2 needs the ``brotli`` package (installed with the test extra); ``--flavor ttf`` or ``woff`` do not.
"""
from __future__ import annotations

import argparse
import hashlib
import importlib.util
import io
import re
import sys
import tokenize
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script (python tools/webfont.py): the checkout's findpark
    sys.path.insert(0, str(REPO))

from findpark.paths import FONT_DIR  # noqa: E402
SOURCE = FONT_DIR / "NotoSansSC-Regular.ttf"
STEM = "NotoSansSC-findpark"
CHARS_FILE = f"{STEM}.chars.txt"
FLAVORS = {"woff2": "woff2", "woff": "woff", "ttf": None}  # file extension -> fontTools flavor

BLOCKS = (
    (0x0020, 0x007E, "ASCII"),
    (0x00A0, 0x00FF, "Latin-1"),
    (0x2000, 0x206F, "General Punctuation"),
    (0x3000, 0x303F, "CJK Symbols and Punctuation"),
    (0xFF00, 0xFFEF, "Halfwidth and Fullwidth Forms"),
)

# (glob under the repo, how to read it): the text the pages can show
SOURCES = (
    ("findpark/templates/**/*.html", "text"),
    ("findpark/static/js/*.js", "text"),
    ("findpark/web/translations/*.json", "text"),
    ("findpark/siting/profiles/*.json", "text"),
    ("findpark/**/*.py", "python"),
    ("tools/*.py", "python"),
    ("findpark/data/*.geojson", "text"),
    ("findpark/data/*.csv", "text"),
    ("findpark/examples/*.json", "text"),
    ("findpark/taxonomy/*.csv", "text"),
)


def gb2312_chars() -> str:
    """Every character GB 2312 encodes in its 94x94 table (7,445: 6,763 hanzi and 682 symbols)."""
    out = []
    for hi in range(0xA1, 0xFF):
        for lo in range(0xA1, 0xFF):
            try:
                out.append(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return "".join(out)


def _python_strings(text: str):
    """(line, string literal source) of every string token in Python source (docstrings and f-strings too)."""
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type == tokenize.STRING or tok.type == getattr(tokenize, "FSTRING_MIDDLE", -1):
            yield tok.start[0], tok.string


def _chunks(path: Path, kind: str):
    text = path.read_text(encoding="utf-8")
    if kind == "python":
        yield from _python_strings(text)
    else:
        for n, line in enumerate(text.splitlines(), 1):
            yield n, line


def project_chars(repo: Path = REPO) -> dict[str, str]:
    """The characters in the project's own text, each with where it first occurs (``path:line``)."""
    found: dict[str, str] = {}
    for pattern, kind in SOURCES:
        for path in sorted(repo.glob(pattern)):
            if not path.is_file() or "__pycache__" in path.parts:
                continue
            rel = path.relative_to(repo).as_posix()
            for n, chunk in _chunks(path, kind):
                for ch in chunk:
                    if ch >= " " and ch not in found:
                        found[ch] = f"{rel}:{n}"
    return found


def required_chars(repo: Path = REPO) -> dict[str, str]:
    """Every character the web subset must hold, each with why: a block name, ``GB2312`` or ``path:line``."""
    need: dict[str, str] = {}
    for lo, hi, name in BLOCKS:
        for c in range(lo, hi + 1):
            need.setdefault(chr(c), name)
    for ch in gb2312_chars():
        need.setdefault(ch, "GB2312")
    for ch, where in project_chars(repo).items():
        need.setdefault(ch, where)
    return need


def font_codepoints(source: Path = SOURCE) -> set[int]:
    """The code points the font has a glyph for."""
    from fontTools.ttLib import TTFont

    with TTFont(str(source), lazy=True) as font:
        return set(font.getBestCmap())


def charset(repo: Path = REPO, source: Path = SOURCE) -> str:
    """The characters of the web subset, sorted: those of :func:`required_chars` that the font can draw."""
    have = font_codepoints(source)
    return "".join(sorted(ch for ch in required_chars(repo) if ord(ch) in have))


def subset_font(chars: str, source: Path = SOURCE, flavor: str | None = "woff2") -> tuple[bytes, int, str]:
    """The font cut down to ``chars``: its bytes in ``flavor`` (woff2, woff or None for plain TTF), its glyph
    count and the characters its cmap maps (``chars``, plus the odd one whose glyph a kept feature reaches).
    Deterministic: same font, characters and fontTools give the same bytes."""
    from fontTools import subset

    opts = subset.Options()
    opts.name_IDs = ["*"]  # keep the copyright (0), trademark (7) and OFL licence (13, 14) records
    opts.hinting = False  # the source has no fpgm; this drops its 'prep' (a few hundred bytes)
    opts.notdef_outline = True  # a character no font has shows as a box, not as nothing
    opts.flavor = flavor
    font = subset.load_font(str(source), opts)
    sub = subset.Subsetter(opts)
    sub.populate(text=chars)
    sub.subset(font)
    font.recalcTimestamp = False  # keep the source's head.modified: no clock in the output
    buf = io.BytesIO()
    subset.save_font(font, buf, opts)
    return buf.getvalue(), len(font.getGlyphOrder()), "".join(chr(c) for c in sorted(font.getBestCmap()))


def _ranges(codepoints: list[int]):
    start = prev = None
    for c in codepoints:
        if prev is not None and c == prev + 1:
            prev = c
            continue
        if start is not None:
            yield start, prev
        start = prev = c
    if start is not None:
        yield start, prev


def chars_record(chars: str, font_file: str, data: bytes, glyphs: int, source: Path = SOURCE) -> str:
    """The text of NotoSansSC-findpark.chars.txt: a header, then one code point range a line."""
    src = hashlib.sha256(source.read_bytes()).hexdigest()
    lines = [
        f"# The characters in {font_file}: written by `python -m tools.webfont`; do not edit.",
        f"# subset: {font_file} sha256 {hashlib.sha256(data).hexdigest()} ({len(data)} bytes)",
        f"# source: {source.name} sha256 {src}",
        f"# {len(chars)} characters, {glyphs} glyphs",
    ]
    for lo, hi in _ranges([ord(c) for c in chars]):
        shown = "".join(chr(c) for c in range(lo, hi + 1) if chr(c).isprintable() and not chr(c).isspace())
        rng = f"U+{lo:04X}" if lo == hi else f"U+{lo:04X}..U+{hi:04X}"
        lines.append(f"{rng} {shown}".rstrip() if hi - lo < 32 else rng)
    return "\n".join(lines) + "\n"


_RANGE = re.compile(r"^U\+([0-9A-F]{4,6})(?:\.\.U\+([0-9A-F]{4,6}))?(?:\s|$)")


def read_record(path: Path) -> tuple[str, dict[str, str]]:
    """(characters, header fields ``subset``/``source`` -> sha256) of a chars record file."""
    chars: list[str] = []
    header: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            m = re.match(r"# (subset|source): (\S+) sha256 ([0-9a-f]{64})", line)
            if m:
                header[m.group(1)] = m.group(3)
                header[m.group(1) + "_file"] = m.group(2)
            continue
        m = _RANGE.match(line)
        if not m:
            raise ValueError(f"{path}: not a code point range: {line!r}")
        lo = int(m.group(1), 16)
        hi = int(m.group(2), 16) if m.group(2) else lo
        chars.extend(chr(c) for c in range(lo, hi + 1))
    return "".join(chars), header


def check(record: Path | None = None, repo: Path = REPO, source: Path = SOURCE) -> list[str]:
    """What the recorded subset lacks, one line a character with where it comes from; [] when it covers all."""
    have_sub, _ = read_record(record or FONT_DIR / CHARS_FILE)
    have_sub = set(have_sub)
    have_font = font_codepoints(source)
    problems = []
    for ch, where in sorted(required_chars(repo).items()):
        if ch in have_sub:
            continue
        label = f"U+{ord(ch):04X} {ch} ({where})"
        if ord(ch) in have_font:
            problems.append(f"{label}: not in the web subset; run `python -m tools.webfont`")
        elif ":" in where:  # the project's own text, not one of the fixed blocks
            problems.append(f"{label}: {source.name} has no glyph for it, so no findpark font renders it")
    return problems


def build(out_dir: Path = FONT_DIR, flavor: str = "woff2", repo: Path = REPO, source: Path = SOURCE) -> dict:
    """Write ``{out_dir}/NotoSansSC-findpark.{flavor}`` and its chars record; a summary."""
    if flavor not in FLAVORS:
        raise ValueError(f"flavor must be one of {sorted(FLAVORS)}")
    if flavor == "woff2" and importlib.util.find_spec("brotli") is None:
        raise SystemExit("WOFF2 needs the brotli package: pip install brotli (or use --flavor ttf|woff)")
    data, glyphs, chars = subset_font(charset(repo, source), source, FLAVORS[flavor])
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    font_file = out_dir / f"{STEM}.{flavor}"
    font_file.write_bytes(data)
    record = out_dir / CHARS_FILE
    record.write_text(chars_record(chars, font_file.name, data, glyphs, source), encoding="utf-8")
    return {"font": font_file, "record": record, "bytes": len(data), "chars": len(chars), "glyphs": glyphs}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tools.webfont", description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=FONT_DIR, help="output folder (default findpark/static/fonts/)")
    ap.add_argument("--flavor", choices=sorted(FLAVORS), default="woff2", help="default woff2 (needs brotli)")
    ap.add_argument("--check", action="store_true",
                    help="write nothing; list the characters the committed subset lacks (exit 1 if any)")
    args = ap.parse_args(argv)
    if args.check:
        problems = check()
        print("\n".join(problems) or f"{CHARS_FILE}: covers every character findpark shows")
        return 1 if problems else 0
    r = build(args.out, args.flavor)
    print(f"{r['font']}: {r['bytes']:,} bytes, {r['chars']:,} characters, {r['glyphs']:,} glyphs "
          f"(from {SOURCE.name}, {SOURCE.stat().st_size:,} bytes); record {r['record'].name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
