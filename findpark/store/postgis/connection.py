"""Connections of the PostGIS store: a psycopg_pool pool, one read snapshot per thread, one write path.

- URL: ``postgresql://[user[:password]@][host][:port]/dbname[?param=value…]`` (libpq's own parameters, e.g.
  ``host=/run/postgresql``), plus findpark's: ``schema`` (default ``public``: several stores may share one
  database in different schemas), ``pool_min``/``pool_max`` (connections per process, default 1/10) and
  ``pool_timeout`` (seconds to wait for a free connection, default 30).
- Reads outside a snapshot borrow a pooled connection (autocommit) for one statement.
- A snapshot is a ``REPEATABLE READ READ ONLY`` transaction on a connection the thread holds until it ends.
- Every write is one transaction on another pooled connection; ``atomic()`` and nested writes join it. Writes
  that bump ``data_version`` lock the meta row first, so concurrent writers (other workers or hosts) queue
  there instead of deadlocking.
- psycopg errors are translated into the store's own here (:func:`translated`).
"""
from __future__ import annotations

import contextlib
import functools
import os
import re
import threading
from urllib.parse import parse_qsl, urlencode, urlsplit

import psycopg
import psycopg_pool

from ..base import SnapshotMixin
from ..errors import DuplicateKeyError, IntegrityError, StoreError

OUR_PARAMS = {"schema": "public", "pool_min": "1", "pool_max": "10", "pool_timeout": "30"}
SCHEMA_RE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


@contextlib.contextmanager
def translated():
    """psycopg exceptions → :mod:`findpark.store.errors` (the driver's own never leave the store)."""
    try:
        yield
    except psycopg.errors.UniqueViolation as exc:
        raise DuplicateKeyError(_message(exc)) from None
    except psycopg.IntegrityError as exc:
        raise IntegrityError(_message(exc)) from None
    except (psycopg.Error, psycopg_pool.PoolTimeout) as exc:
        raise StoreError(_message(exc)) from None


def _message(exc) -> str:
    diag = getattr(exc, "diag", None)
    primary = getattr(diag, "message_primary", None) if diag is not None else None
    detail = getattr(diag, "message_detail", None) if diag is not None else None
    lines = str(exc).strip().splitlines()
    text = primary or (lines[0] if lines else type(exc).__name__)
    return f"{text} ({detail})" if detail else text


def driver_errors(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with translated():
            return fn(*args, **kwargs)
    return wrapper


def parse_url(url: str) -> tuple[str, dict]:
    """``(libpq conninfo URL, findpark options)``; bad findpark options raise StoreError naming them."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgresql", "postgres"):
        raise StoreError(f"not a PostgreSQL URL: {url!r}")
    query = parse_qsl(parts.query, keep_blank_values=True)
    ours = dict(OUR_PARAMS)
    rest = []
    for k, v in query:
        if k in OUR_PARAMS:
            ours[k] = v
        else:
            rest.append((k, v))
    if not SCHEMA_RE.match(ours["schema"]):
        raise StoreError(f"store URL parameter schema={ours['schema']!r}: use lower-case letters, digits and _")
    for k in ("pool_min", "pool_max", "pool_timeout"):
        try:
            ours[k] = float(ours[k]) if k == "pool_timeout" else int(ours[k])
        except ValueError:
            raise StoreError(f"store URL parameter {k}={ours[k]!r} is not a number") from None
        if ours[k] <= 0 and k != "pool_min":
            raise StoreError(f"store URL parameter {k} must be positive")
    conninfo = f"postgresql://{parts.netloc}{parts.path}" + (f"?{urlencode(rest)}" if rest else "")
    return conninfo, ours


def redact(url: str) -> str:
    """The URL without its password (for messages and logs)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return url.replace(f":{parts.password}@", ":***@", 1)


class Connections(SnapshotMixin):
    """Pool, snapshots and the write path shared by the PostGIS store's parts."""

    def __init__(self, url: str):
        self._url = url
        self._conninfo, opts = parse_url(url)
        self.schema = opts["schema"]
        self._pool_min, self._pool_max, self._pool_timeout = opts["pool_min"], opts["pool_max"], opts["pool_timeout"]
        self._pool: psycopg_pool.ConnectionPool | None = None
        self._pool_pid = None
        self._pool_lock = threading.Lock()
        self._local = threading.local()

    # -- the pool (one per process: a forked worker opens its own) ----------------------------------------------
    def _get_pool(self) -> psycopg_pool.ConnectionPool:
        pool = self._pool
        if pool is not None and self._pool_pid == os.getpid():
            return pool
        with self._pool_lock:
            if self._pool is None or self._pool_pid != os.getpid():
                self._local = threading.local()
                with translated():  # fail fast with the server's own reason (a pool would retry until timeout)
                    psycopg.connect(self._conninfo, connect_timeout=10).close()
                self._pool = psycopg_pool.ConnectionPool(
                    self._conninfo, min_size=min(self._pool_min, self._pool_max), max_size=self._pool_max,
                    timeout=self._pool_timeout, open=False, name="findpark",
                    kwargs={"autocommit": True, "application_name": "findpark",
                            "options": f"-c search_path={self.schema},public"})
                with translated():
                    self._pool.open(wait=True, timeout=self._pool_timeout)
                self._pool_pid = os.getpid()
            return self._pool

    def close(self) -> None:
        """Close the pool (the store reconnects when used again)."""
        with self._pool_lock:
            pool, self._pool = self._pool, None
            self._local = threading.local()
        if pool is not None and self._pool_pid == os.getpid():
            with contextlib.suppress(Exception):
                pool.close()

    @contextlib.contextmanager
    def _conn(self):
        """A connection for reading: the thread's snapshot or write connection when it has one, else a pooled one."""
        held = getattr(self._local, "tx_conn", None) or getattr(self._local, "snap_conn", None)
        if held is not None:
            yield held
            return
        with translated(), self._get_pool().connection() as conn:
            yield conn

    def _query(self, sql, params=(), *, binary: bool = False) -> list[tuple]:
        with self._conn() as conn, translated():
            cur = conn.cursor(binary=binary)
            cur.execute(sql, params)
            return cur.fetchall() if cur.description else []

    def _one(self, sql, params=()):
        rows = self._query(sql, params)
        return rows[0] if rows else None

    # -- writing ---------------------------------------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self):
        """One write transaction (nested ones join the outer). Inside a snapshot of this thread, the snapshot
        moves on after the commit (read your own writes)."""
        conn = getattr(self._local, "tx_conn", None)
        if conn is not None:
            yield conn
            return
        with translated(), self._get_pool().connection() as conn:
            self._local.tx_conn = conn
            try:
                with conn.transaction():
                    yield conn
            finally:
                self._local.tx_conn = None
        self._move_snapshot_on()

    # -- snapshots (SnapshotMixin.snapshot; the depth is kept by the mixin) ------------------------------------
    def _begin_snapshot(self) -> None:
        pool = self._get_pool()
        with translated():
            conn = pool.getconn()
            try:
                conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                conn.execute("SELECT 1")  # the snapshot is taken at the first statement: now
            except BaseException:
                pool.putconn(conn)
                raise
        self._local.snap_conn = conn

    def _end_snapshot(self) -> None:
        conn = getattr(self._local, "snap_conn", None)
        self._local.snap_conn = None
        if conn is None:
            return
        try:
            with contextlib.suppress(psycopg.Error):
                conn.execute("COMMIT")
        finally:
            pool = self._pool
            if pool is not None and self._pool_pid == os.getpid():
                pool.putconn(conn)
