"""GeoPackage geometry blobs (GPKG 1.4 §2.1.3) and the five SQL functions its R*Tree triggers call.

SpatiaLite cannot be loaded by this Python, so the triggers' ``ST_IsEmpty``/``ST_MinX``/... are
registered as deterministic Python functions that read the blob header (envelope) or, without one,
decode the WKB with shapely.
"""
from __future__ import annotations

import struct

import numpy as np
import shapely

_ENVELOPE_DOUBLES = {0: 0, 1: 4, 2: 6, 3: 6, 4: 8}


def encode(geom, srs_id: int = 4326) -> bytes | None:
    """shapely geometry → GeoPackage binary with an [minx, maxx, miny, maxy] envelope, little-endian."""
    if geom is None:
        return None
    if geom.is_empty:
        flags = 0b00010001  # empty flag, no envelope, little-endian
        return b"GP" + bytes([0, flags]) + struct.pack("<i", srs_id) + shapely.to_wkb(geom, byte_order=1)
    minx, miny, maxx, maxy = geom.bounds
    flags = 0b00000011  # envelope [minx,maxx,miny,maxy], little-endian
    header = b"GP" + bytes([0, flags]) + struct.pack("<i", srs_id) + struct.pack("<4d", minx, maxx, miny, maxy)
    return header + shapely.to_wkb(geom, byte_order=1, include_srid=False, output_dimension=2)


_ENVELOPES = {(little, n): struct.Struct(("<" if little else ">") + f"{n}d")
              for little in (0, 1) for n in set(_ENVELOPE_DOUBLES.values()) if n}
_HEAD = struct.Struct("<2sBBi4d")  # magic, version, flags, srs_id, [minx, maxx, miny, maxy]


def encode_many(geoms, srs_id: int = 4326) -> list:
    """``[encode(g) for g in geoms]``, byte for byte, with the WKB and the envelopes made in two shapely calls
    instead of per geometry (a 10^6-plot load writes a million of them)."""
    arr = np.empty(len(geoms), dtype=object)
    arr[:] = list(geoms)
    wkbs = shapely.to_wkb(arr, byte_order=1, include_srid=False, output_dimension=2)
    bounds = shapely.bounds(arr).tolist()
    empty = shapely.is_empty(arr).tolist()
    pack = _HEAD.pack
    out = []
    for g, w, (minx, miny, maxx, maxy), e in zip(arr, wkbs, bounds, empty):
        if g is None:
            out.append(None)
        elif e:
            out.append(encode(g, srs_id))
        else:
            out.append(pack(b"GP", 0, 0b00000011, srs_id, minx, maxx, miny, maxy) + w)
    return out


def _header(blob: bytes):
    if blob is None or len(blob) < 8 or blob[:2] != b"GP":
        raise ValueError("not a GeoPackage geometry blob")
    flags = blob[3]
    little = flags & 1
    env_code = (flags >> 1) & 0b111
    empty = bool(flags & 0b10000)
    n = _ENVELOPE_DOUBLES.get(env_code)
    if n is None:
        raise ValueError(f"invalid envelope code {env_code}")
    envelope = _ENVELOPES[little, n].unpack_from(blob, 8) if n else ()
    return 8 + 8 * n, envelope, empty


def wkb_offset(blob: bytes) -> int:
    return _header(blob)[0]


def decode(blob: bytes | None):
    if blob is None:
        return None
    off, _, _ = _header(blob)
    return shapely.from_wkb(blob[off:])


_WKB_OFFSET = {code: 8 + 8 * n for code, n in _ENVELOPE_DOUBLES.items()}
_WKB_OFFSETS = np.array([_WKB_OFFSET.get(code, -1) for code in range(8)], dtype=np.int64)  # by envelope code


def header_sizes(buf: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The header length of each blob laid end to end in ``buf`` (bytes, at ``starts``, ``lengths`` long):
    ``wkb_offset`` for many at once (``findpark.geo.wkb.centroids`` reads the WKB after it). ValueError naming
    the first blob that is not a GeoPackage geometry."""
    short = lengths < 8
    at = np.where(short, 0, starts)
    magic = (buf[at] == ord("G")) & (buf[np.minimum(at + 1, len(buf) - 1)] == ord("P")) if len(buf) else at > 0
    sizes = _WKB_OFFSETS[(buf[np.minimum(at + 3, len(buf) - 1)] >> 1) & 0b111] if len(buf) else at
    bad = short | ~magic | (sizes < 0) | (sizes > lengths)
    if bad.any():
        raise ValueError(f"not a GeoPackage geometry blob (feature {int(np.flatnonzero(bad)[0])} of the read)")
    return sizes


def decode_many(blobs) -> list:
    """Vectorised decode: strip each header (its length read from the flags byte), parse all WKB in one
    shapely call."""
    wkbs = []
    for b in blobs:
        if b is None:
            wkbs.append(None)
            continue
        off = _WKB_OFFSET.get((b[3] >> 1) & 0b111) if len(b) >= 8 and b[:2] == b"GP" else None
        if off is None:
            wkb_offset(b)  # raises with the reason
        wkbs.append(b[off:])
    return list(shapely.from_wkb(wkbs)) if wkbs else []


def _envelope(blob):
    if blob is None:
        return None
    _, env, empty = _header(blob)
    if empty:
        return None
    if env:
        return env[0], env[1], env[2], env[3]
    g = decode(blob)
    if g is None or g.is_empty:
        return None
    minx, miny, maxx, maxy = g.bounds
    return minx, maxx, miny, maxy


def st_isempty(blob):
    if blob is None:
        return None
    _, env, empty = _header(blob)
    if empty:
        return 1
    return 0 if env else int(decode(blob).is_empty)


def _coord(i):
    def f(blob):
        env = _envelope(blob)
        return None if env is None else env[i]
    return f


def register_functions(conn) -> None:
    """Register ST_IsEmpty, ST_MinX, ST_MaxX, ST_MinY, ST_MaxY on a sqlite3 connection."""
    conn.create_function("ST_IsEmpty", 1, st_isempty, deterministic=True)
    conn.create_function("ST_MinX", 1, _coord(0), deterministic=True)
    conn.create_function("ST_MaxX", 1, _coord(1), deterministic=True)
    conn.create_function("ST_MinY", 1, _coord(2), deterministic=True)
    conn.create_function("ST_MaxY", 1, _coord(3), deterministic=True)
