"""A throwaway PostgreSQL + PostGIS cluster for the tests: started once per test process on a unix socket in a
temp directory, stopped at exit. Each store gets its own schema (``?schema=…``) in one database that has the
postgis extension, so a fresh store costs a CREATE SCHEMA, not an initdb or a CREATE EXTENSION.

Needs Debian's ``postgresql-15-postgis-3`` (``.ci/run`` installs it). ``initdb`` refuses root: as root the
cluster runs as the ``postgres`` user (``runuser``). Without PostgreSQL the PostGIS tests skip with the reason,
except under ``CI=true``, where they fail.
"""
from __future__ import annotations

import atexit
import glob
import itertools
import os
import shutil
import subprocess
import tempfile
import threading

import pytest

DBNAME = "findpark_test"
_lock = threading.Lock()
_state: dict = {}
_counter = itertools.count()


def _bindir() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return os.path.dirname(found[-1])
    initdb = shutil.which("initdb")
    return os.path.dirname(initdb) if initdb else None


def _as_pg(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def available() -> str | None:
    """None when a cluster can be started, else the reason it cannot."""
    bindir = _bindir()
    if bindir is None:
        return "PostgreSQL is not installed (apt-get install postgresql-15-postgis-3)"
    if not glob.glob(os.path.join(os.path.dirname(bindir), "..", "..", "..", "share", "postgresql", "*",
                                  "extension", "postgis.control")):
        return "PostGIS is not installed (apt-get install postgresql-15-postgis-3)"
    return None


def skip_or_fail(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"PostGIS tests cannot run under CI: {reason}")
    pytest.skip(reason)


def start() -> str:
    """The socket directory of the (started once) cluster with database ``findpark_test``."""
    with _lock:
        if "sock" in _state:
            return _state["sock"]
        reason = available()
        if reason:
            skip_or_fail(reason)
        bindir = _bindir()
        root = tempfile.mkdtemp(prefix="findpark-pg-")
        os.chmod(root, 0o755)
        data, sock = os.path.join(root, "data"), os.path.join(root, "sock")
        os.mkdir(sock)
        if os.geteuid() == 0:
            shutil.chown(root, "postgres")
            shutil.chown(sock, "postgres")
        run = dict(check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        subprocess.run(_as_pg([f"{bindir}/initdb", "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8",
                               "--locale=C"]), **run)
        opts = (f"-k {sock} -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                "-c max_connections=200 -c shared_buffers=128MB")
        subprocess.run(_as_pg([f"{bindir}/pg_ctl", "-D", data, "-o", opts, "-l", os.path.join(root, "log"), "-w",
                               "start"]), **run)
        _state.update(sock=sock, data=data, root=root, bindir=bindir)
        atexit.register(stop)
        import psycopg

        with psycopg.connect(f"host={sock} user=postgres dbname=postgres", autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {DBNAME}")
        with psycopg.connect(f"host={sock} user=postgres dbname={DBNAME}", autocommit=True) as conn:
            conn.execute("CREATE EXTENSION postgis")
        return sock


def stop() -> None:
    with _lock:
        if "sock" not in _state:
            return
        subprocess.run(_as_pg([f"{_state['bindir']}/pg_ctl", "-D", _state["data"], "-m", "immediate", "stop"]),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(_state["root"], ignore_errors=True)
        _state.clear()


def url(schema: str | None = None, **params) -> str:
    """A store URL in a fresh schema (or the one named)."""
    sock = start()
    schema = schema or f"t{os.getpid()}_{next(_counter)}"
    extra = "".join(f"&{k}={v}" for k, v in params.items())
    return f"postgresql:///{DBNAME}?host={sock}&user=postgres&schema={schema}{extra}"
