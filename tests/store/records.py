"""Small valid records of each layer for the store tests."""
import shapely


def park(pid, lon=120.30, lat=30.30, d=0.02):
    return {"geometry": shapely.box(lon, lat, lon + d, lat + d), "id": pid, "name": f"园区{pid}", "level": "provincial",
            "kind": "经济开发区", "adcode": "330114", "leading_industries": ["生物医药", "新材料"],
            "industry_codes": ["C27"], "boundary_approximate": True, "core_area_ha": 12.5,
            "source": "test", "as_of": "2026", "synthetic": ["core_area_ha"]}


def plot(pid, park_id, lon, lat, d=0.001):
    return {"geometry": shapely.box(lon, lat, lon + d, lat + d), "id": pid, "park_id": park_id, "land_use": "M1",
            "status": "available", "area_mu": 12.0, "max_eia": "report_form", "available_from": "2027-01-01",
            "source": "test", "as_of": "2026", "synthetic": []}


def amenity(aid, lon, lat, kind="metro_station"):
    return {"geometry": shapely.Point(lon, lat), "id": aid, "kind": kind, "name": f"站{aid}", "lines": ["1号线", "5号线"],
            "source": "test", "as_of": "2026", "synthetic": []}
