"""Centroids straight from WKB, in bulk, without building a geometry object per feature.

A store hands out a million plot polygons as WKB; building a shapely geometry for each (~2 µs) and then its
centroid (~1.7 µs) is most of what a full rebuild of the siting arrays costs at 10^6 plots. Plots are simple
polygons, so the common case is read with numpy: little-endian ``Polygon`` with one ring of at most
``MAX_POINTS`` points, its coordinates read as float64 views of the joined buffer (one per byte alignment), and
the centroid summed the way GEOS sums it (triangles fanned from the ring's first point, ``Σ a·(p0+pi+pi+1) / 3
/ Σ a``, added in GEOS's order), so the results are GEOS's own to the last bit. Anything else (holes,
multipolygons, big-endian, degenerate rings, other types) goes to shapely.

A store whose blobs carry a header before the WKB (the GeoPackage's) passes ``header``: a function of the
joined bytes, the blobs' starts and lengths that returns each header's length (and raises for a bad blob).
"""
from __future__ import annotations

import numpy as np
import shapely

MAX_POINTS = 256  # longer rings go to shapely (the kernel loops over a ring's vertices)
CHUNK = 100_000  # features per pass: bounds the joined buffer and the index arrays


def centroids(blobs, *, header=None) -> tuple[np.ndarray, np.ndarray]:
    """(lon, lat) of the centroid of each WKB geometry (after ``header(buf, starts, lengths)`` bytes of each,
    when given); NaN for None/empty."""
    n = len(blobs)
    lon, lat = np.full(n, np.nan), np.full(n, np.nan)
    for a in range(0, n, CHUNK):
        part = blobs[a:a + CHUNK]
        lon[a:a + len(part)], lat[a:a + len(part)] = _chunk(part, header)
    return lon, lat


def _u32(buf: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Little-endian uint32 at byte offsets ``at`` of ``buf``."""
    b = buf[at[:, None] + np.arange(4)].astype(np.uint32)
    return b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16) | (b[:, 3] << 24)


def _chunk(blobs, header):
    n = len(blobs)
    present = np.fromiter((b is not None for b in blobs), dtype=bool, count=n)
    items = [b for b in blobs if b is not None]
    lengths = np.fromiter(map(len, items), dtype=np.int64, count=len(items))
    buf = np.frombuffer(b"".join(items), dtype=np.uint8)
    starts = np.zeros(len(items), dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    skip = np.zeros(len(items), dtype=np.int64) if header is None else header(buf, starts, lengths)
    ok = lengths >= skip + 13
    at = np.where(ok, starts + skip, 0)
    if len(buf):
        ok &= buf[at] == 1  # little-endian
        ok &= _u32(buf, at + 1) == 3  # Polygon (2D)
        ok &= _u32(buf, at + 5) == 1  # one ring
        npts = _u32(buf, at + 9).astype(np.int64)
        ok &= (npts >= 4) & (npts <= MAX_POINTS) & (lengths == skip + 13 + 16 * npts)
    else:
        npts = np.zeros(0, dtype=np.int64)
    x = np.full(len(items), np.nan)
    y = np.full(len(items), np.nan)
    raw = buf.tobytes() if len(buf) else b""
    cs = at + 13  # where each fast blob's coordinates start
    for r in range(8):  # read the doubles at each byte alignment as one float64 view (no copy, no byte mask)
        grp = np.flatnonzero(ok & (cs % 8 == r))
        if not len(grp):
            continue
        dbl = np.frombuffer(raw, dtype="<f8", offset=r, count=(len(raw) - r) // 8)
        m = npts[grp]
        first = np.zeros(len(grp), dtype=np.int64)
        np.cumsum(m[:-1], out=first[1:])
        at_pt = np.repeat((cs[grp] - r) // 8, m) + 2 * (np.arange(int(m.sum())) - np.repeat(first, m))
        x[grp], y[grp], good = _ring_centroids(dbl[at_pt], dbl[at_pt + 1], first, m)
        ok[grp[~good]] = False
    slow = np.flatnonzero(~ok)
    if len(slow):
        wkb = [items[i][skip[i]:] for i in slow]
        geoms = shapely.from_wkb(wkb)
        pts = shapely.centroid(geoms)
        full = ~shapely.is_empty(pts) & ~shapely.is_missing(pts)
        x[slow[full]], y[slow[full]] = shapely.get_x(pts[full]), shapely.get_y(pts[full])
    lon, lat = np.full(n, np.nan), np.full(n, np.nan)
    lon[present], lat[present] = x, y
    return lon, lat


def _ring_centroids(x: np.ndarray, y: np.ndarray, first: np.ndarray, m: np.ndarray):
    """GEOS's area centroid of closed rings (coordinates x, y; ring k is [first[k], first[k]+m[k])): the
    triangles (p0, pi, pi+1) for i in 0..m-2, p0 the ring's first point. Also whether the ring has area
    (the others have a line centroid: the caller asks shapely)."""
    ring = np.repeat(np.arange(len(m)), m)
    x0, y0 = x[first][ring], y[first][ring]
    # pairs (p_i, p_i+1) inside each ring: drop the pair that would start at a ring's last point
    last = first + m - 1
    pair = np.ones(len(x), dtype=bool)
    pair[last] = False
    i = np.flatnonzero(pair)
    x1, y1, x2, y2 = x[i], y[i], x[i + 1], y[i + 1]
    bx, by = x0[i], y0[i]
    area2 = (x1 - bx) * (y2 - by) - (x2 - bx) * (y1 - by)
    # GEOS: cg3 += sign*area2*(p0+p1+p2), areasum2 += sign*area2; the sign cancels in the ratio
    sx = area2 * (bx + x1 + x2)
    sy = area2 * (by + y1 + y2)
    seg = first - np.arange(len(m))  # each ring has m-1 pairs: its pairs start here in i-order
    areasum2, cx, cy = (np.zeros(len(m)) for _ in range(3))
    for mv in np.unique(m):  # rings of one length: a (rings, pairs) matrix summed column by column, in order,
        rings = np.flatnonzero(m == mv)  # as GEOS adds (numpy's own sum is pairwise: other last bits)
        at = seg[rings][:, None] + np.arange(mv - 1)
        a, vx, vy = area2[at], sx[at], sy[at]
        ta, tx, ty = np.zeros(len(rings)), np.zeros(len(rings)), np.zeros(len(rings))
        for j in range(mv - 1):
            ta += a[:, j]
            tx += vx[:, j]
            ty += vy[:, j]
        areasum2[rings], cx[rings], cy[rings] = ta, tx, ty
    good = areasum2 != 0
    with np.errstate(invalid="ignore", divide="ignore"):
        return cx / 3 / areasum2, cy / 3 / areasum2, good
