"""A store whose parks carry script-bearing names (stored XSS), made through the real loader: a copy of the
bundled store where the parks the example requirement ranks first are re-loaded (upsert by id) with names
such as ``<img src=x onerror=alert(1)>``. Used by tests/test_security.py and tests/browser/test_xss.py."""
from __future__ import annotations

import json
from pathlib import Path

from findpark.ingest import load_files
from findpark.paths import DATA_DIR, EXAMPLES_DIR
from findpark.store import open_store
from tests.conftest import copy_store

EVIL_NAMES = [
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(2)>',
    "</script><script>alert(3)</script>",
    "<b onmouseover=alert(4)>x</b>",
]


def example_requirement() -> dict:
    return json.loads((EXAMPLES_DIR / "auto_parts.json").read_text("utf-8"))


def make_evil_store(bundled_db, dest: Path) -> tuple[Path, dict[str, str]]:
    """(path of the store, {park id: evil name}); the first id is the example requirement's best park and the
    second the park of its best plot (when different), so /recommend shows them."""
    from findpark.siting import recommend

    path = copy_store(bundled_db, dest)
    store = open_store(path)
    try:
        result = recommend(store, example_requirement())
        ids = list(dict.fromkeys([result["parks"][0]["park_id"], result["plots"][0]["park_id"],
                                  *(p["park_id"] for p in result["parks"][1:])]))[:len(EVIL_NAMES)]
        renamed = dict(zip(ids, EVIL_NAMES))
        fc = json.loads((DATA_DIR / "parks.geojson").read_text("utf-8"))
        feats = [f for f in fc["features"] if f["properties"]["id"] in renamed]
        for f in feats:
            f["properties"]["name"] = renamed[f["properties"]["id"]]
        src = dest.with_name(dest.stem + "_evil_parks.geojson")
        src.write_text(json.dumps({**fc, "features": feats}, ensure_ascii=False), "utf-8")
        load_files(store, [src])
    finally:
        store.close()
    return path, renamed
