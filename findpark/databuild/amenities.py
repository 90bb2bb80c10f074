"""Amenities: airports (OurAirports), metro/rail stations (metromancn), university campuses (教育部 2025 list +
cn-university-geocoder, MPL-2.0) and seaports (World Port Index, public domain), in WGS84.

A university's ``lines`` carries its flags (双一流, 985, 211) and its level (本科/专科); a port's its WPI
harbour size. ``name`` is the school and campus (浙江大学紫金港校区) or the port's Chinese name."""
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


UNIVERSITY_SOURCE = ("教育部《全国普通高等学校名单》(截至2025-06-20) + Naptie/cn-university-geocoder @8d0fdf5 univ_supp.json "
                     "(MPL-2.0); campus point GCJ-02 (inferred by the source, unverified, ±1 km) converted to WGS84")
PORT_SOURCE = ("World Port Index, NGA Pub. 150 (public domain; copy JamesRexMiller4/shapely_tut @1b4b568 WPI.csv); "
               "WGS84 at 1-arc-minute precision (±1.8 km)")
PORT_NAMES_ZH = {"Ningbo": "宁波港", "Zhen Hai": "镇海港", "Zhoushan": "舟山港 (定海)", "Zhapu": "乍浦港",
                 "Haimen": "海门港 (台州)", "Wenzhou": "温州港"}


def university_flags(r: dict) -> list[str]:
    flags = [f for f, col in (("双一流", "is_double_first_class"), ("985", "is985"), ("211", "is211"))
             if r.get(col) == "True"]
    return flags + [r["level"]] if r.get("level") else flags


def build_universities(rows: list[dict]) -> list[dict]:
    out = []
    for r in rows:
        idx = int(float(r["campus_idx"] or 0))
        name = r["name"] + (r["campus_name"] or "")
        out.append({"geometry": shapely.Point(round(r["lon"], 7), round(r["lat"], 7)),
                    "id": f"university-{r['moe_code']}-{idx}", "kind": "university", "name": name,
                    "lines": university_flags(r), "source": UNIVERSITY_SOURCE, "as_of": "2025-06", "synthetic": []})
    return out


def build_ports(rows: list[dict]) -> list[dict]:
    out = []
    for r in rows:
        wpi = int(float(r["World Port Index Number"]))
        name = PORT_NAMES_ZH.get(r["Main Port Name"], r["Main Port Name"])
        out.append({"geometry": shapely.Point(round(float(r["lon_wgs84"]), 7), round(float(r["lat_wgs84"]), 7)),
                    "id": f"port-wpi-{wpi}", "kind": "port", "name": name, "lines": [r["Harbor Size"]],
                    "source": PORT_SOURCE + f"; WPI {wpi} {r['Main Port Name']} ({r['UN/LOCODE']})",
                    "as_of": "2025", "synthetic": []})
    return out
