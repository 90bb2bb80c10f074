"""What an import would change, field by field, and the staged records' storable form.

``diff(store, batches, replace)`` compares validated records with the store by id: per layer ``added`` (ids),
``changed`` (``{"id", "fields": {name: [old, new]}, "geometry": bool}``), ``removed`` (ids: only when
``replace``: the plots of the upload's parks that the upload leaves out, or the rest of any other layer) and
``unchanged`` (a count). Computed fields (``area_mu``) follow the geometry and are not listed.
"""
from __future__ import annotations

import math

import shapely

from ..store.schema import LAYERS

GEOM_TOLERANCE = 1e-9  # degrees (~0.1 mm): coordinates that round-trip through a file stay "unchanged"
MAX_LISTED = 5000  # ids listed per kind; the counts are always exact


def _same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None:
            return a is b
        return math.isclose(float(a), float(b), rel_tol=1e-12, abs_tol=1e-12)
    if isinstance(a, (list, tuple)) or isinstance(b, (list, tuple)):
        return list(a or []) == list(b or [])
    return a == b


def _norm_geom(g):
    if g is not None and g.geom_type == "MultiPolygon" and len(g.geoms) == 1:
        return g.geoms[0]
    return g


def _json(v):
    return v if not isinstance(v, float) or math.isfinite(v) else None


def removed_ids(store, name: str, records: list[dict], replace: bool) -> list[str]:
    if not replace:
        return []
    ids = {r["id"] for r in records}
    if name == "plots":
        parks = sorted({r["park_id"] for r in records})
        current = store.read("plots", where={"park_id": parks}) if parks else []
        return sorted(r["id"] for r in current if r["id"] not in ids)
    return sorted(i for i in store.ids(name) if i not in ids)


def diff(store, batches: dict[str, list[dict]], replace: bool = False) -> dict:
    out = {}
    for name, records in batches.items():
        layer = LAYERS[name]
        fields = [f.name for f in layer.fields if not f.computed and f.name != "id"]
        ids = [r["id"] for r in records]
        current = {r["id"]: r for r in store.read(name, where={"id": ids})} if ids else {}
        added, changed, unchanged = [], [], 0
        for rec in records:
            old = current.get(rec["id"])
            if old is None:
                added.append(rec["id"])
                continue
            delta = {f: [_json(old.get(f)), _json(rec.get(f))] for f in fields if not _same(old.get(f), rec.get(f))}
            a, b = _norm_geom(old.get("geometry")), _norm_geom(rec.get("geometry"))
            moved = not (a is not None and b is not None and shapely.equals_exact(a, b, tolerance=GEOM_TOLERANCE))
            if delta or moved:
                changed.append({"id": rec["id"], "fields": delta, "geometry": moved})
            else:
                unchanged += 1
        removed = removed_ids(store, name, records, replace)
        out[name] = {"added": added[:MAX_LISTED], "changed": changed[:MAX_LISTED], "removed": removed[:MAX_LISTED],
                     "unchanged": unchanged,
                     "counts": {"added": len(added), "changed": len(changed), "removed": len(removed),
                                "unchanged": unchanged}}
    return out


def counts(d: dict) -> dict:
    """layer → {added, changed, removed, unchanged}."""
    return {name: dict(v["counts"]) for name, v in d.items()}


# -- staged records as JSON (geometry as WKB hex: exact, compact) ------------------------------------------------
def dump_batches(batches: dict[str, list[dict]]) -> dict:
    return {name: [{**{k: v for k, v in r.items() if k != "geometry"},
                    "geometry": shapely.to_wkb(r["geometry"], hex=True) if r.get("geometry") is not None else None}
                   for r in recs] for name, recs in batches.items()}


def load_batches(data: dict) -> dict[str, list[dict]]:
    return {name: [{**r, "geometry": shapely.from_wkb(r["geometry"]) if r.get("geometry") else None}
                   for r in recs] for name, recs in data.items()}
