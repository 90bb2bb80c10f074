"""Parks: the 120 Zhejiang zones of the 2018 national catalogue, with approximate boundaries."""
from __future__ import annotations

import math

import numpy as np
import shapely

from ..geo.datum import to_wgs84
from ..geo.measure import LocalProjection, area_mu
from .. import taxonomy
from .synth import LAND_PRICE, RENT, TAX_PER_MU, rng_for, tier, uniform

SOURCE = ("中国开发区审核公告目录(2018年版, 国家发展改革委等六部门公告2018年第4号), Zhejiang rows via "
          "kaiwulaw/china-industrial-zones-atlas data/enriched.csv @358d79bb")
AS_OF = "2018-02"
LEVELS = {"国务院": "national", "省政府": "provincial"}
SYNTHETIC_FIELDS = ["land_price_wan_per_mu", "factory_rent_yuan_m2_day", "vacant_factory_m2", "tax_per_mu_wan",
                    "output_per_mu_wan", "power_spare_kva", "water_spare_t_day"]


def park_point(row: dict, counties: dict) -> tuple[float, float, str]:
    """Best WGS84 point for a zone and a note on where it came from."""
    if row["geocode_flag"].startswith("wrong"):
        lon, lat = to_wgs84(float(row["fallback_lon_gcj02"]), float(row["fallback_lat_gcj02"]), "gcj02")
        note = f"fallback point inside {row['fallback_county']} (catalogue geocode flagged {row['geocode_flag']})"
    else:
        lon, lat = to_wgs84(float(row["lon_gcj02"]), float(row["lat_gcj02"]), "gcj02")
        note = "AMap geocode (GCJ-02, converted to WGS84)"
        if row["geocode_flag"].startswith("coarse"):
            note += f"; coarse: {row['geocode_flag']}"
    lon, lat = float(lon), float(lat)
    county = counties[row["best_adcode"]]["geometry"]
    if not county.contains(shapely.Point(lon, lat)):
        p = county.representative_point()
        lon, lat = p.x, p.y
        note += "; moved to a point inside the county (the converted point fell outside it)"
    return lon, lat, note


def compact_polygon(rng, area_m2: float, n: int = 14):
    """An irregular, roughly round polygon of a given area centred on (0, 0), in metres."""
    angles = np.sort(rng.uniform(0, 2 * np.pi, n))
    radii = rng.uniform(0.82, 1.18, n)
    poly = shapely.Polygon(np.column_stack([radii * np.cos(angles), radii * np.sin(angles)]))
    poly = shapely.make_valid(poly) if not poly.is_valid else poly
    return shapely.affinity.scale(poly, *(2 * [math.sqrt(area_m2 / poly.area)]), origin=(0, 0))


def boundary(row: dict, lon: float, lat: float, county, taken) -> tuple:
    """Approximate boundary: a compact polygon of the core area around the point, clipped to the county
    and to parks already placed; grown (up to 4 times) to recover the area lost to clipping."""
    proj = LocalProjection(lon, lat)
    county_m = proj.to_metres(county)
    taken_m = proj.to_metres(taken) if taken is not None and not taken.is_empty else None
    target = float(row["core_area_ha"]) * 10_000
    rng = rng_for("park-shape", row["zone_code"])
    base = compact_polygon(rng, target)
    def clipped(scale):
        shape_m = shapely.affinity.scale(base, scale, scale, origin=(0, 0)).intersection(county_m)
        if taken_m is not None:
            shape_m = shape_m.difference(taken_m)
        if shape_m.geom_type != "Polygon":
            parts = [g for g in getattr(shape_m, "geoms", []) if g.geom_type == "Polygon"]
            shape_m = max(parts, key=lambda g: g.area) if parts else shapely.Polygon()
        return shape_m

    # The base polygon is star-shaped around the point, so the clipped area grows with the scale:
    # bisect the scale in [1, 3] for the catalogue area (capped at 3x the radius).
    shape_m = clipped(1.0)
    if shape_m.area < 0.99 * target:
        lo, hi = 1.0, 3.0
        if clipped(hi).area <= target:
            lo = hi
        for _ in range(14):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if clipped(mid).area < target else (lo, mid)
        shape_m = clipped(lo)
    geom = proj.to_lonlat(shape_m)
    geom = shapely.set_precision(geom, 1e-7)
    return geom


def build_parks(rows: list[dict], counties: dict) -> list[dict]:
    parks, taken = [], None
    for row in rows:
        lon, lat, point_note = park_point(row, counties)
        county = counties[row["best_adcode"]]["geometry"]
        geom = boundary(row, lon, lat, county, taken)
        taken = geom if taken is None else taken.union(geom)
        labels = taxonomy.split_labels(row["leading_industries"])
        codes = sorted({c for lab in labels for c in taxonomy.labels()[lab].codes})
        t = tier(row["best_adcode"])
        rng = rng_for("park", row["zone_code"])
        hi_tech = 1.2 if row["zone_type"] == "高新技术产业开发区" else 1.0
        tax = uniform(rng, TAX_PER_MU[t], hi_tech)
        mu = area_mu(geom)
        y, m = row["approval_date"].split(".")
        parks.append({
            "geometry": geom,
            "id": row["zone_code"],
            "name": row["zone_name"],
            "level": LEVELS[row["approval_level"]],
            "kind": row["zone_type"],
            "province": row["province"],
            "city": row["best_city"],
            "district": row["best_district"],
            "adcode": row["best_adcode"],
            "leading_industries": labels,
            "industry_codes": codes,
            "core_area_ha": float(row["core_area_ha"]),
            "approval_date": f"{int(y):04d}-{int(m):02d}",
            "land_price_wan_per_mu": uniform(rng, LAND_PRICE[t]),
            "factory_rent_yuan_m2_day": uniform(rng, RENT[t], nd=2),
            "vacant_factory_m2": float(round(rng.uniform(0, 0.04) * mu * 666.67 * rng.uniform(0.8, 1.6), -2)),
            "tax_per_mu_wan": tax,
            "output_per_mu_wan": round(tax * float(rng.uniform(12, 25)), 0),
            "power_spare_kva": float(round(rng.uniform(2, 12) * math.sqrt(mu) * 10, -2)),
            "water_spare_t_day": float(round(rng.uniform(0.5, 3) * math.sqrt(mu) * 10, -1)),
            "boundary_approximate": True,
            "area_mu": round(mu, 3),
            "source": f"{SOURCE}; location: {point_note}; boundary: approximate, a compact polygon of the "
                      "catalogue core area around that point, clipped to its county",
            "as_of": AS_OF,
            "synthetic": SYNTHETIC_FIELDS + ["geometry"],
        })
    return parks
