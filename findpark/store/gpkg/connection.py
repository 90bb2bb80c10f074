"""Connections of the GeoPackage store: one read connection per thread, one write connection behind a lock.

WAL, ``synchronous=NORMAL`` and a busy timeout let readers and the writer work at once; every write is one
``BEGIN IMMEDIATE`` transaction. A snapshot is a read transaction (``BEGIN`` … ``COMMIT``) on the thread's
read connection. sqlite3 errors are translated into the store's own errors here (:func:`translated`).
"""
from __future__ import annotations

import contextlib
import functools
import sqlite3
import threading
from pathlib import Path

from ..base import SnapshotMixin
from ..errors import DuplicateKeyError, IntegrityError, StoreError
from . import binary


@contextlib.contextmanager
def translated():
    """sqlite3 exceptions → :mod:`findpark.store.errors` (the driver's own never leave the store)."""
    try:
        yield
    except sqlite3.IntegrityError as exc:
        msg = str(exc)
        if msg.startswith("UNIQUE constraint failed") or "PRIMARY KEY" in msg:
            raise DuplicateKeyError(msg) from exc
        raise IntegrityError(msg) from exc
    except sqlite3.Error as exc:
        raise StoreError(str(exc)) from exc


def driver_errors(fn):
    """Decorator: run ``fn`` under :func:`translated`."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with translated():
            return fn(*args, **kwargs)
    return wrapper


BUSY_TIMEOUT_MS = 10_000  # how long a connection waits for the write lock
WRITER_CACHE_KIB = 256 * 1024  # the write connection's page cache (SQLite's default: 2 MB)
WAL_TRUNCATE_BYTES = 64 << 20  # a commit leaving a WAL this big checkpoints it and truncates it
MMAP_SIZE = 1 << 31  # bytes of the file mapped (SQLite caps it at its compile-time maximum)


class Connections(SnapshotMixin):
    """Connection handling shared by the GeoPackage store's parts (layers, attribute tables)."""

    def __init__(self, path):
        self._path = Path(path)
        self._local = threading.local()
        self._write_lock = threading.RLock()
        self._writer: sqlite3.Connection | None = None
        self._all_conns: list[sqlite3.Connection] = []

    def _connect(self) -> sqlite3.Connection:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        with translated():
            conn = sqlite3.connect(self._path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                                   check_same_thread=False)
            try:
                conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
                # reads through a memory map of the file, not read() calls into a 2 MB page cache: a whole-
                # layer read in id order (the index scan jumps about the table) at 10^6 plots 4.2 → 2.6 s.
                # The mapped pages are the OS's file cache, shared by every connection and process.
                conn.execute(f"PRAGMA mmap_size = {MMAP_SIZE}")
            except BaseException:
                conn.close()
                raise
        binary.register_functions(conn)
        self._all_conns.append(conn)
        return conn

    def _reader(self) -> sqlite3.Connection:
        if getattr(self._local, "tx_depth", 0) and self._writer is not None:
            return self._writer  # inside this thread's write transaction: read its own uncommitted writes
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._connect()
        return conn

    def close(self) -> None:
        """Close every connection (the store reconnects when used again)."""
        for conn in self._all_conns:
            with contextlib.suppress(Exception):
                conn.close()
        self._all_conns.clear()
        self._local = threading.local()
        self._writer = None

    # -- writing ---------------------------------------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self):
        """The single write path: one writer at a time, ``BEGIN IMMEDIATE`` … ``COMMIT`` or rollback.
        Nested (inside ``atomic()`` or another transaction of this thread) it joins the outer transaction.
        Inside a snapshot of this thread, the snapshot moves on after the commit (read your own writes)."""
        depth = getattr(self._local, "tx_depth", 0)
        with translated(), self._write_lock:
            if self._writer is None:
                self._writer = self._connect()
                # a big write's dirty pages stay in memory rather than spilling to the WAL and being written
                # again each time the R*Tree or an index touches them (the page cache grows only as used)
                self._writer.execute(f"PRAGMA cache_size = -{WRITER_CACHE_KIB}")
            conn = self._writer
            if depth:
                self._local.tx_depth = depth + 1
                try:
                    yield conn
                finally:
                    self._local.tx_depth = depth
                return
            conn.execute("BEGIN IMMEDIATE")
            self._local.tx_depth = 1
            try:
                yield conn
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            else:
                conn.execute("COMMIT")
                self._truncate_wal(conn)
            finally:
                self._local.tx_depth = 0
        self._move_snapshot_on()

    def _truncate_wal(self, conn) -> None:
        """After a big write, fold the WAL into the file and empty it, if no reader holds an older snapshot
        (no waiting: otherwise the next big write tries again). Without it a load of 10^6 plots leaves a ~1 GB
        WAL beside the file until some later checkpoint restarts it, and readers take the pages it holds from
        it by read() calls rather than from the memory map."""
        wal = self._path.with_name(self._path.name + "-wal")
        try:
            if wal.stat().st_size < WAL_TRUNCATE_BYTES:
                return
        except OSError:
            return
        try:
            conn.execute("PRAGMA busy_timeout = 0")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        except sqlite3.Error:
            pass
        finally:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

    # -- snapshots (SnapshotMixin.snapshot; the depth is kept by the mixin) ------------------------------------
    def _begin_snapshot(self) -> None:
        conn = self._reader()
        with translated():
            conn.execute("BEGIN")
            # A deferred BEGIN takes its read mark at the first read: take it now, so the snapshot is the
            # state at entry (sqlite_master exists in every database, initialised or not).
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()

    def _end_snapshot(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None and conn.in_transaction:
            with translated():
                conn.execute("COMMIT")
