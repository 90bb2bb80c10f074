"""The CJK font findpark vendors (static/fonts/NotoSansSC-Regular.ttf, SIL OFL 1.1), registered with
matplotlib and reportlab so Chinese renders in charts and PDFs on a machine with no CJK font installed.
No system font is ever looked up. Used by findpark.reports (the PDF base and the quarterly report's charts)."""
from __future__ import annotations

import base64
import io
import threading
from pathlib import Path

from .paths import FONT_DIR

FONT_PATH = FONT_DIR / "NotoSansSC-Regular.ttf"
PDF_FONT = "NotoSansSC"

_LOCK = threading.Lock()
_MPL_FONT: str | None = None


def font_path() -> Path:
    if not FONT_PATH.is_file():
        raise FileNotFoundError(f"the report font is missing: {FONT_PATH} (it ships with findpark)")
    return FONT_PATH


def mpl_font_name() -> str:
    """Register the vendored font with matplotlib (once) and return its family name."""
    global _MPL_FONT
    with _LOCK:
        if _MPL_FONT is None:
            from matplotlib import font_manager

            path = str(font_path())
            font_manager.fontManager.addfont(path)
            _MPL_FONT = font_manager.FontProperties(fname=path).get_name()
        return _MPL_FONT


def register_pdf_font() -> str:
    """Register the vendored font with reportlab (once; embedded as subsets when used); its name."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    with _LOCK:  # web requests may export PDFs from several threads at once
        if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(PDF_FONT, str(font_path())))
            for bold in (0, 1):
                for italic in (0, 1):
                    addMapping(PDF_FONT, bold, italic, PDF_FONT)  # one weight only: <b> stays regular
    return PDF_FONT


def font_subset_data_uri(text: str) -> str | None:
    """The vendored font cut down to the characters of ``text``, as a data URI for @font-face."""
    try:
        from fontTools import subset
    except ImportError:  # pragma: no cover - fontTools comes with matplotlib
        return None
    opts = subset.Options()
    opts.layout_features = ["*"]
    opts.name_IDs = ["*"]
    opts.notdef_outline = True
    font = subset.load_font(str(font_path()), opts)
    sub = subset.Subsetter(opts)
    ascii_ = {chr(c) for c in range(0x20, 0x7F)}  # all of printable ASCII: Latin text uses the same font
    sub.populate(text="".join(sorted(set(text) | ascii_)))
    sub.subset(font)
    buf = io.BytesIO()
    subset.save_font(font, buf, opts)
    return "data:font/ttf;base64," + base64.b64encode(buf.getvalue()).decode("ascii")
