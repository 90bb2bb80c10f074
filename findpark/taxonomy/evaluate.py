"""Precision and recall of the park search's industry matching on a labelled set built from the catalogue's own
主导产业 (``industry_eval.csv``): for each query, ``fits`` are the 主导产业 labels whose parks an officer would
accept for that industry, ``lists`` the labels that name the industry itself.

    precision = returned parks having a ``fits`` label / returned parks
    recall    = parks having a ``lists`` label that are returned / parks having a ``lists`` label

``python -m findpark.taxonomy.evaluate [parks.geojson]`` prints the table (default: the bundled parks); the
park search (``services.parks.industry_matches``) is this matcher's exact level.
"""
from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

from . import matching

HERE = Path(__file__).parent


def cases() -> list[dict]:
    with open(HERE / "industry_eval.csv", encoding="utf-8") as fh:
        return [{**r, "fits": set(r["fits"].split("|")), "lists": set(r["lists"].split("|"))}
                for r in csv.DictReader(fh)]


def evaluate(parks: list[dict]) -> list[dict]:
    out = []
    for case in cases():
        q = matching.parse(case["query"])
        returned = [p for p in parks if matching.park_matches(q, p)]
        good = [p for p in returned if case["fits"] & set(p.get("leading_industries") or ())]
        listing = [p for p in parks if case["lists"] & set(p.get("leading_industries") or ())]
        found = [p for p in listing if p in returned]
        out.append({"query": case["query"], "returned": len(returned), "relevant_returned": len(good),
                    "precision": len(good) / len(returned) if returned else 1.0,
                    "listing": len(listing), "recall": len(found) / len(listing) if listing else 1.0,
                    "false_positives": sorted({lab for p in returned if p not in good
                                               for lab in p.get("leading_industries") or ()})})
    return out


def main(argv=None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    from ..paths import DATA_DIR  # noqa: PLC0415  (paths sits below every room)

    path = Path(argv[0]) if argv else DATA_DIR / "parks.geojson"
    parks = [f["properties"] for f in json.loads(path.read_text("utf-8"))["features"]]
    rows = evaluate(parks)
    print("| query | returned | precision | parks listing it | recall |")
    print("|---|---:|---:|---:|---:|")
    for r in rows:
        prec = f"{r['precision']:.2f}" if r["returned"] else "–"
        rec = f"{r['recall']:.2f}" if r["listing"] else "–"
        print(f"| {r['query']} | {r['returned']} | {prec} | {r['listing']} | {rec} |")
    ret = sum(r["returned"] for r in rows)
    good = sum(r["relevant_returned"] for r in rows)
    print(f"| all (micro) | {ret} | {good / ret:.2f} | {sum(r['listing'] for r in rows)} | "
          f"{min(r['recall'] for r in rows):.2f} (min) |")


if __name__ == "__main__":
    main()
