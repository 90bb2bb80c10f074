"""WSGI-level repairs of what clients send.

``RawQueryFix``: a client that puts raw UTF-8 in the query string (``curl '…/parks?industry=生物医药'``, many
scripts) should be understood as if it had percent-encoded it. PEP 3333 servers hand the bytes over
latin-1-decoded, which werkzeug reads correctly; werkzeug's own development server (``findpark serve``,
``make run``) encodes them once more, so the app saw «ç\\x94\\x9f…» and the filter matched nothing. Here the
query's bytes are recovered (undoing that second encoding when it happened) and non-ASCII bytes are
percent-encoded, exactly as a browser would have sent them."""
from __future__ import annotations

from urllib.parse import quote

SAFE = "&=+%/:,;@!$'()*?~-._[]"


def query_bytes(qs: str) -> bytes:
    """The bytes the client sent, from a WSGI ``QUERY_STRING``."""
    try:
        raw = qs.encode("latin-1")
    except UnicodeEncodeError:  # a server that already decoded UTF-8: encode it back as such
        return qs.encode("utf-8")
    try:  # encoded twice (UTF-8 of the latin-1 reading of UTF-8 bytes)? then one level down is the original
        once = raw.decode("utf-8").encode("latin-1")
        once.decode("utf-8")
        return once
    except (UnicodeDecodeError, UnicodeEncodeError):
        return raw


class RawQueryFix:
    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        qs = environ.get("QUERY_STRING", "")
        if qs and not qs.isascii():
            environ["QUERY_STRING"] = quote(query_bytes(qs), safe=SAFE)
        return self.app(environ, start_response)
