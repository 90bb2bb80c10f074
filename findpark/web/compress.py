"""gzip for text responses (HTML pages, JSON/GeoJSON from the API, JS, CSS), for clients that accept it.

Intranet links at county offices are often slow; the pages and the plots GeoJSON shrink 4-8× (measured in
tests/browser/test_home.py and benchmarks/home_map.py). Fonts (WOFF2 is already compressed) and images are
left alone. Static files are compressed once per version (ETag) and kept in memory. Off with
``FINDPARK_GZIP=0`` (e.g. behind a proxy that compresses).
"""
from __future__ import annotations

import gzip
import threading

from flask import Flask, Response, request

TYPES = {"text/html", "text/css", "text/javascript", "application/javascript", "application/json",
         "application/geo+json", "application/problem+json", "application/vnd.oai.openapi+json",
         "application/schema+json", "image/svg+xml", "text/plain", "text/csv"}
MIN_BYTES = 1024            # smaller bodies gain nothing
MAX_BYTES = 16 * 1024 ** 2  # larger ones are not ours to compress on the fly
LEVEL = 6

_static_cache: dict[tuple[str, str], bytes] = {}
_lock = threading.Lock()


def _accepts_gzip() -> bool:
    return request.accept_encodings["gzip"] > 0


def compress(resp: Response) -> Response:
    """The same response gzip-encoded when that is worth it and the client accepts it; else unchanged."""
    status = resp.status_code
    if (not 200 <= status < 500 or 300 <= status < 400 or status in (204, 206) or resp.mimetype not in TYPES
            or "Content-Encoding" in resp.headers or request.method == "HEAD" or not _accepts_gzip()):
        return resp
    file_backed = resp.direct_passthrough  # send_file (static/): read it once, cache by ETag
    if resp.is_streamed and not file_backed:
        return resp  # a generator: leave it streaming
    size = resp.content_length
    if size is not None and not MIN_BYTES <= size <= MAX_BYTES:
        return resp
    etag, weak = resp.get_etag()
    key = (request.path, etag) if file_backed and etag else None
    body = _static_cache.get(key) if key else None
    if body is None:
        resp.direct_passthrough = False
        data = resp.get_data()
        if not MIN_BYTES <= len(data) <= MAX_BYTES:
            return resp
        body = gzip.compress(data, compresslevel=LEVEL, mtime=0)
        if key:
            with _lock:
                _static_cache[key] = body
    else:  # the open file is not read: close it with the response
        resp.direct_passthrough = False
        close = getattr(resp.response, "close", None)
        if close is not None:
            resp.call_on_close(close)
    resp.set_data(body)
    resp.headers["Content-Encoding"] = "gzip"
    resp.headers.pop("Accept-Ranges", None)  # ranges of the encoded bytes are not offered
    resp.vary.add("Accept-Encoding")
    if etag:
        resp.set_etag(etag, weak=True)  # the same content, another encoding: a weak validator (RFC 9110 8.8.1)
    return resp


def init_app(app: Flask) -> None:
    if not app.config.get("GZIP", True):
        return
    app.after_request(compress)
