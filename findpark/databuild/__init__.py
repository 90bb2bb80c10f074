"""``findpark build-data``: build data/*.geojson from the real sources in ../shared/data.

Real fields come from the sources; the rest are drawn by a seeded generator, listed in each record's
``synthetic`` property. Re-running gives byte-identical files.
"""
from .build import build_all  # noqa: F401
