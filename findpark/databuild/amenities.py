"""Amenities: airports (OurAirports) and metro/rail stations (metromancn), in WGS84."""
from __future__ import annotations

import re

import shapely

AIRPORT_SOURCE = ("OurAirports runways.csv (davidmegginson/ourairports-data @1fb3eea, public domain); "
                  "point = mean of the runway-end coordinates")
METRO_SOURCE = ("metromancn/MetroMapOpenMiniProgram src/data/{key}.js @087310a (MIT, (c) 2019 metromancn); "
                "GCJ-02 converted to WGS84")
# Metro stations at national-rail stations, recognised by name; bus stations (客运/汽车) excluded.
RAIL_RE = re.compile(r"火车|高铁|^城站$|^金华(南)?站$")
RAIL_EXCLUDE = re.compile(r"东广场|客运|汽车")


def build_amenities(airports: list[dict], stations: list[dict]) -> list[dict]:
    out = []
    for a in airports:
        if not a["lat_wgs84"]:
            continue  # ZSJU, ZSZS, ZSLQ have no runway coordinates in OurAirports
        out.append({"geometry": shapely.Point(round(float(a["lon_wgs84"]), 7), round(float(a["lat_wgs84"]), 7)),
                    "id": f"airport-{a['icao']}", "kind": "airport", "name": a["name_zh"], "lines": [],
                    "source": AIRPORT_SOURCE, "as_of": "2025", "synthetic": []})
    for s in stations:
        point = shapely.Point(round(s["lon"], 7), round(s["lat"], 7))
        lines = [x for x in s["lines"].split("|") if x]
        src = METRO_SOURCE.format(key=s["city_key"])
        out.append({"geometry": point, "id": f"metro-{s['city_key']}-{s['station_id']}", "kind": "metro_station",
                    "name": s["name"], "lines": lines, "source": src, "as_of": "2024-12", "synthetic": []})
        if RAIL_RE.search(s["name"]) and not RAIL_EXCLUDE.search(s["name"]):
            out.append({"geometry": point, "id": f"rail-{s['city_key']}-{s['station_id']}", "kind": "rail_station",
                        "name": s["name"], "lines": lines,
                        "source": src + "; national-rail station recognised from the metro station's name",
                        "as_of": "2024-12", "synthetic": []})
    return out
