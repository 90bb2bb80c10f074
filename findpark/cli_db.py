"""``findpark db …``: create/upgrade a store's schema and copy whole stores between backends."""
from __future__ import annotations

import time

import click

from .store import LAYERS, StoreError, open_store
from .store.schema import TABLES


def _redact(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url) if "://" in url else None
    if parts is not None and parts.password:
        return url.replace(f":{parts.password}@", ":***@", 1)
    return url


@click.group("db")
def db():
    """Store administration: schema upgrades and copies (GeoPackage ⇄ PostGIS)."""


@db.command("init")
@click.argument("url")
def init(url):
    """Create the schema at URL, or bring an older store up to date (adds the tables and columns declared
    since; idempotent, keeps the data)."""
    store = open_store(url)
    try:
        store.init()
        click.echo(f"ready: {_redact(store.url)} (data_version {store.data_version})")
    except StoreError as exc:
        raise click.ClickException(str(exc))
    finally:
        store.close()


@db.command("copy")
@click.argument("src")
@click.argument("dst")
@click.option("--replace", is_flag=True, help="Overwrite a destination that already holds data.")
def copy(src, dst, replace):
    """Copy every layer and table from SRC to DST (store URLs or .gpkg paths), all or nothing, counts checked.

    \b
    findpark db copy instance/findpark.gpkg 'postgresql://findpark@db.internal/findpark'
    findpark db copy 'postgresql:///findpark?host=/run/postgresql' backup.gpkg
    """
    from .store.copy import copy_store

    source, target = open_store(src), open_store(dst)
    try:
        if not source.exists():
            raise click.ClickException(f"no findpark store at {_redact(src)}")
        if target.exists() and not replace and any(target.count(n) for n in LAYERS):
            raise click.ClickException(f"{_redact(dst)} already holds data: pass --replace to overwrite it")
        t0 = time.perf_counter()
        counts = copy_store(source, target)
        took = time.perf_counter() - t0
    except StoreError as exc:
        raise click.ClickException(f"nothing copied: {exc}")
    finally:
        source.close()
        target.close()
    shown = ", ".join(f"{k} {counts[k]}" for k in [*LAYERS, *TABLES] if counts.get(k))
    click.echo(f"copied {shown} from {_redact(src)} to {_redact(dst)} in {took:.1f} s")
