"""Readers for the raw source files (each documented by its SOURCE.md), converting datums on read."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import shapely
from shapely.geometry import shape

from ..geo.datum import geometry_to_wgs84, to_wgs84


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def devzones(src: Path) -> list[dict]:
    return read_csv(src / "devzones-2018-zhejiang" / "zhejiang_devzones_2018.csv")


def counties_wgs84(src: Path) -> dict[str, dict]:
    """Zhejiang county polygons, GCJ-02 in the source → WGS84. adcode → {props, geometry}."""
    doc = json.loads((src / "admin-boundaries-zhejiang" / "zhejiang_counties_amap_gcj02.geojson").read_text("utf-8"))
    out = {}
    for f in doc["features"]:
        geom = shapely.make_valid(geometry_to_wgs84(shape(f["geometry"]), "gcj02"))
        out[f["properties"]["adcode"]] = {"properties": f["properties"], "geometry": geom}
    return out


def cities_wgs84(src: Path) -> dict[str, dict]:
    doc = json.loads((src / "admin-boundaries-zhejiang" / "zhejiang_cities_amap_gcj02.geojson").read_text("utf-8"))
    return {f["properties"]["adcode"]: {"properties": f["properties"],
                                         "geometry": shapely.make_valid(geometry_to_wgs84(shape(f["geometry"]), "gcj02"))}
            for f in doc["features"]}


def airports(src: Path) -> list[dict]:
    return read_csv(src / "airports-zhejiang" / "zhejiang_airports.csv")


def metro_stations(src: Path) -> list[dict]:
    rows = read_csv(src / "metro-stations-zhejiang" / "zhejiang_metro_stations.csv")
    for r in rows:
        lon, lat = to_wgs84(float(r["lng_gcj02"]), float(r["lat_gcj02"]), "gcj02")
        r["lon"], r["lat"] = float(lon), float(lat)
    return rows


def universities(src: Path) -> list[dict]:
    """The MoE 2025 list's Zhejiang campuses with a point (GCJ-02 in the source, converted to WGS84 here)."""
    folder = src / "universities-zhejiang"
    if not folder.exists():
        return []
    rows = [r for r in read_csv(folder / "zhejiang_universities_moe2025_campuses.csv") if r["lon_gcj02"]]
    for r in rows:
        lon, lat = to_wgs84(float(r["lon_gcj02"]), float(r["lat_gcj02"]), "gcj02")
        r["lon"], r["lat"] = float(lon), float(lat)
    return rows


def ports(src: Path) -> list[dict]:
    """World Port Index (NGA Pub. 150) ports in Zhejiang; WGS84 in the source."""
    path = src / "ports-wpi-zhejiang" / "wpi_zhejiang_ports.csv"
    return read_csv(path) if path.exists() else []
