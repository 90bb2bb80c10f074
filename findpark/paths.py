"""Where things live: the repo's data/ folder and the shared source data beside the repo."""
from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    return Path(os.environ.get("FINDPARK_DATA_DIR", REPO / "data"))


def sources_dir() -> Path:
    """Raw sources for ``findpark build-data`` (default ../shared/data beside the repo)."""
    return Path(os.environ.get("FINDPARK_SOURCES", REPO.parent / "shared" / "data"))


BUNDLED_LAYERS = ("parks", "plots", "amenities")
