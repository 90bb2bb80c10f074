"""Where things live. Everything the app reads at run time ships inside the package (so a wheel installed
anywhere serves every page): the templates, static files (CSS, JS, fonts, vendored Leaflet), the bundled
data and the example requirement. The repo's top-level static/, templates/, data/ and examples/ are
symlinks to these folders. Only ``findpark build-data`` reads outside the package (its raw sources)."""
from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO = PACKAGE_DIR.parent  # the checkout (or site-packages when installed): only for sources_dir()

STATIC_DIR = PACKAGE_DIR / "static"
TEMPLATES_DIR = PACKAGE_DIR / "templates"
EXAMPLES_DIR = PACKAGE_DIR / "examples"
FONT_DIR = STATIC_DIR / "fonts"
BUNDLED_DATA_DIR = PACKAGE_DIR / "data"


def data_dir() -> Path:
    """The bundled data (parks, plots, amenities …); FINDPARK_DATA_DIR points elsewhere."""
    return Path(os.environ.get("FINDPARK_DATA_DIR", BUNDLED_DATA_DIR))


DATA_DIR = BUNDLED_DATA_DIR  # the default of data_dir(); call data_dir() to honour FINDPARK_DATA_DIR


def sources_dir() -> Path:
    """Raw sources for ``findpark build-data`` (default ../shared/data beside the repo)."""
    return Path(os.environ.get("FINDPARK_SOURCES", REPO.parent / "shared" / "data"))


BUNDLED_LAYERS = ("parks", "plots", "amenities")
