"""Chinese map datums.

GCJ-02 (AMap/Gaode, Tencent, WeChat) and BD-09 (Baidu) are obfuscated offsets of WGS84, not EPSG
systems, so pyproj cannot convert them.  These are the public approximation formulas; the inverse of
GCJ-02 is solved iteratively and lands within ~1 m of the true WGS84 point.  Outside mainland China
GCJ-02 equals WGS84.

Datum names accepted everywhere: ``wgs84`` (also EPSG:4326, CRS84, CGCS2000/EPSG:4490, which is within
centimetres of WGS84 for mapping), ``gcj02`` and ``bd09``.
"""
from __future__ import annotations

import math

import numpy as np
import shapely

_A = 6378245.0  # Krasovsky 1940 semi-major axis used by GCJ-02
_EE = 0.00669342162296594323
_X_PI = math.pi * 3000.0 / 180.0

DATUMS = ("wgs84", "gcj02", "bd09")
_ALIASES = {
    "wgs84": "wgs84", "wgs-84": "wgs84", "epsg:4326": "wgs84", "crs84": "wgs84", "ogc:crs84": "wgs84",
    "urn:ogc:def:crs:ogc:1.3:crs84": "wgs84", "urn:ogc:def:crs:epsg::4326": "wgs84",
    "cgcs2000": "wgs84", "epsg:4490": "wgs84", "urn:ogc:def:crs:epsg::4490": "wgs84",
    "gcj02": "gcj02", "gcj-02": "gcj02", "amap": "gcj02", "gaode": "gcj02",
    "bd09": "bd09", "bd-09": "bd09", "baidu": "bd09",
}


def normalise_datum(name: str) -> str | None:
    """Return ``wgs84``/``gcj02``/``bd09`` for a datum or CRS name, or None when it is not one of them."""
    return _ALIASES.get(str(name).strip().lower())


def _outside_china(lon, lat):
    return (lon < 72.004) | (lon > 137.8347) | (lat < 0.8293) | (lat > 55.8271)


def _delta(lon, lat):
    x = lon - 105.0
    y = lat - 35.0
    dlat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
            + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
            + (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
            + (160.0 * np.sin(y / 12.0 * np.pi) + 320 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0)
    dlon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
            + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
            + (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
            + (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0)
    radlat = lat / 180.0 * np.pi
    magic = 1 - _EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * np.cos(radlat) * np.pi)
    return dlon, dlat


def wgs84_to_gcj02(lon, lat):
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    dlon, dlat = _delta(lon, lat)
    out = _outside_china(lon, lat)
    return np.where(out, lon, lon + dlon), np.where(out, lat, lat + dlat)


def gcj02_to_wgs84(lon, lat, tol: float = 1e-9, max_iter: int = 30):
    """Iterative inverse of :func:`wgs84_to_gcj02` (fixed point; converges to < 1e-9 degree)."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    wlon, wlat = lon.copy(), lat.copy()
    for _ in range(max_iter):
        glon, glat = wgs84_to_gcj02(wlon, wlat)
        elon, elat = glon - lon, glat - lat
        wlon = wlon - elon
        wlat = wlat - elat
        if np.all(np.abs(elon) < tol) and np.all(np.abs(elat) < tol):
            break
    return wlon, wlat


def bd09_to_gcj02(lon, lat):
    x = np.asarray(lon, dtype=float) - 0.0065
    y = np.asarray(lat, dtype=float) - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta), z * np.sin(theta)


def gcj02_to_bd09(lon, lat):
    x = np.asarray(lon, dtype=float)
    y = np.asarray(lat, dtype=float)
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def to_wgs84(lon, lat, datum: str):
    """Convert coordinates in ``datum`` to WGS84."""
    d = normalise_datum(datum)
    if d == "wgs84":
        return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    if d == "gcj02":
        return gcj02_to_wgs84(lon, lat)
    if d == "bd09":
        return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))
    raise ValueError(f"unknown datum {datum!r}; expected one of {', '.join(DATUMS)}")


def from_wgs84(lon, lat, datum: str):
    """Convert WGS84 coordinates to ``datum`` (e.g. to draw on GCJ-02 tiles)."""
    d = normalise_datum(datum)
    if d == "wgs84":
        return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    if d == "gcj02":
        return wgs84_to_gcj02(lon, lat)
    if d == "bd09":
        return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))
    raise ValueError(f"unknown datum {datum!r}; expected one of {', '.join(DATUMS)}")


def geometry_to_wgs84(geom, datum: str):
    """Convert a shapely geometry (or array of them) from ``datum`` to WGS84, vertex by vertex."""
    if normalise_datum(datum) == "wgs84":
        return geom

    def _tx(coords):
        lon, lat = to_wgs84(coords[:, 0], coords[:, 1], datum)
        return np.column_stack([lon, lat])

    return shapely.transform(geom, _tx)
