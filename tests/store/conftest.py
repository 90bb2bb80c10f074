"""Store fixtures parametrised by backend: every test taking ``store_url`` / ``store`` runs once per backend.

Adding a backend to the conformance suite is one line in ``BACKENDS`` (a :class:`Backend` whose ``url`` gives a
fresh, empty store URL and ``copy`` a (backup destination, URL to open that copy) pair).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import pytest

from findpark.store import open_store
from tests import pgcluster


class Backend(NamedTuple):
    url: Callable  # tmp_path -> URL of a fresh store (not yet initialised)
    copy: Callable  # tmp_path -> (backup destination, URL that opens the copy)


GPKG = Backend(url=lambda p: f"gpkg:{p / 'store.gpkg'}", copy=lambda p: (p / "copy.gpkg", f"gpkg:{p / 'copy.gpkg'}"))

# a fresh schema in the session's throwaway cluster (tests/pgcluster.py) per store
POSTGIS = Backend(url=lambda p: pgcluster.url(), copy=lambda p: (u := pgcluster.url(), u))

BACKENDS = {
    "gpkg": GPKG,
    "postgis": POSTGIS,
}


@pytest.fixture(params=sorted(BACKENDS))
def backend(request) -> Backend:
    return BACKENDS[request.param]


@pytest.fixture()
def store_url(backend, tmp_path) -> str:
    return backend.url(tmp_path)


@pytest.fixture()
def store(store_url):
    s = open_store(store_url)
    s.init()
    yield s
    s.close()


@pytest.fixture(scope="module", params=sorted(BACKENDS))
def loaded_store(request, tmp_path_factory):
    """A store of each backend holding the bundled data; tests must not write to it."""
    from findpark.bootstrap import bundled_files
    from findpark.ingest import load_files

    s = open_store(BACKENDS[request.param].url(tmp_path_factory.mktemp("loaded")))
    s.init()
    load_files(s, bundled_files(), replace=True)
    yield s
    s.close()

