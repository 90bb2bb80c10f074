"""Weight profiles: JSON files in findpark/siting/profiles/ (and $FINDPARK_PROFILES for saved ones)."""
from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

from .. import vocab

CRITERIA = tuple(vocab.CRITERIA)  # the criteria codes, in the order of the weight vector

BUILTIN = Path(__file__).parent / "profiles"
NAME_RE = re.compile(r"^[a-z0-9_-]{1,64}$")


def _dirs() -> list[Path]:
    extra = os.environ.get("FINDPARK_PROFILES")
    return [BUILTIN] + ([Path(extra)] if extra else [])


def list_profiles() -> dict[str, dict]:
    """All profiles; re-read when a profile folder or file changes (looked at most once a second)."""
    now = time.monotonic()
    if _CACHE and now - _CACHE["checked"] < 1.0 and _CACHE["dirs"] == _dirs():
        return _CACHE["profiles"]
    key = tuple((str(d), d.stat().st_mtime_ns if d.exists() else 0,
                 tuple(p.stat().st_mtime_ns for p in sorted(d.glob("*.json")))) for d in _dirs())
    if _CACHE.get("key") != key:
        _CACHE.update(key=key, profiles=_read_profiles())
    _CACHE.update(checked=now, dirs=_dirs())
    return _CACHE["profiles"]


_CACHE: dict = {}


def _read_profiles() -> dict[str, dict]:
    out = {}
    for d in _dirs():
        for path in sorted(d.glob("*.json")):
            doc = json.loads(path.read_text("utf-8"))
            out[path.stem] = {"name": path.stem, "title": doc.get("title", path.stem),
                              "description": doc.get("description", ""), "weights": doc["weights"],
                              "source": doc.get("source", "")}
    return out


def get_profile(name: str) -> dict:
    profiles = list_profiles()
    if name not in profiles:
        raise KeyError(f"unknown profile {name!r}; profiles are {', '.join(profiles)}")
    return profiles[name]


def weights_for(req) -> tuple[dict, str]:
    """The request's weights (missing criteria count 0) or its profile's (default: 'default')."""
    if req.weights is not None:
        return {c: float(req.weights.get(c, 0.0)) for c in CRITERIA}, "custom"
    name = req.profile or "default"
    w = get_profile(name)["weights"]
    return {c: float(w.get(c, 0.0)) for c in CRITERIA}, name


def save_profile(name: str, weights: dict, *, title: str = "", description: str = "", source: str = "",
                 directory: str | Path | None = None) -> Path:
    """Write a profile JSON (to $FINDPARK_PROFILES or ``directory``). Weights are normalised to sum to 1."""
    if not NAME_RE.match(name):
        raise ValueError("profile names are lower-case letters, digits, - and _")
    unknown = set(weights) - set(CRITERIA)
    if unknown or any(v < 0 for v in weights.values()) or sum(weights.values()) <= 0:
        raise ValueError(f"weights must be non-negative over {', '.join(CRITERIA)} and not all zero")
    total = sum(weights.values())
    directory = Path(directory or os.environ.get("FINDPARK_PROFILES") or BUILTIN)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.json"
    doc = {"title": title or name, "description": description, "source": source,
           "weights": {c: round(weights.get(c, 0.0) / total, 6) for c in CRITERIA}}
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    _CACHE.clear()
    return path
