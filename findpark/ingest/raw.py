"""What a reader gives: a file's features with labels, its declared CRS, and the problems and notes met."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

MAX_PROBLEMS = 200  # per file; the rest are counted


@dataclass
class RawLayer:
    path: Path
    features: list[dict]  # {"geometry": shapely|None, "properties": dict, "label": str}
    declared_crs: str | None
    layer_hint: str | None = None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    from_text: bool = False  # values are text (CSV): numbers are parsed by the validator

    def problem(self, msg: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(msg)
        elif len(self.problems) == MAX_PROBLEMS:
            self.problems.append(f"{self.path.name}: more problems not listed")


def _label(path: Path, i: int, props: dict) -> str:
    fid = props.get("id") if isinstance(props, dict) else None
    if isinstance(fid, str) and len(fid) > 80:
        fid = fid[:80] + "…"
    return f"{path.name} feature #{i}" + (f" (id={fid})" if fid is not None else "")
