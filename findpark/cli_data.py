"""``findpark import …``, ``versions``, ``restore``, ``backup``, ``restore-backup``, ``export``: the admin's data
workflow from the shell (the operator at the shell acts as an administrator; ``--author`` names them)."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from .store import StoreError, default_url, open_store

DB_OPTION = click.option("--db", envvar="FINDPARK_DB", default=None, help="Store URL or .gpkg path.")
AUTHOR = click.option("--author", default=lambda: os.environ.get("USER") or "cli", show_default="$USER",
                      help="Who does it (recorded in the version and the audit log).")


def _store(db):
    store = open_store(db or default_url())
    if not store.exists():
        click.echo(f"error: no findpark store at {db or default_url()} (findpark load creates one)", err=True)
        sys.exit(2)
    store.init()  # an older store gets the versions and imports tables
    return store


class _Cli:
    """The shell user: an administrator named by --author."""

    def __init__(self, name):
        self.username, self.role, self.scopes, self.is_admin = name, "admin", (), True

    def can_see_park(self, *_):
        return True


def _fail(exc, code=1):
    click.echo(f"error: {exc}", err=True)
    sys.exit(code)


def _print_import(imp: dict, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(imp, ensure_ascii=False, indent=1))
        return
    click.echo(f"import {imp['id']}  {imp['status']}  files {', '.join(imp['files'])}  datum "
               f"{imp['report'].get('datum') or imp['crs'] or '-'}")
    for name, c in imp["counts"].items():
        click.echo(f"  {name}: added {c['added']}, changed {c['changed']}, removed {c['removed']}, "
                   f"unchanged {c['unchanged']}")
        for ch in imp["diff"][name]["changed"][:20]:
            fields = "; ".join(f"{k} {a!r} → {b!r}" for k, (a, b) in ch["fields"].items())
            click.echo(f"    {ch['id']}: {fields}{' (geometry moved)' if ch['geometry'] else ''}")
    for w in imp["report"].get("warnings", []):
        click.echo(f"warning: {w['message']}", err=True)
    for n in imp["report"].get("notes", [])[:50]:
        click.echo(f"note: {n}", err=True)
    for p in imp["report"].get("problems", []):
        click.echo(f"  - {p}", err=True)


@click.group("import")
def import_():
    """Stage, review, apply or discard an import (a new version on apply)."""


@import_.command("stage")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@DB_OPTION
@click.option("--crs", default=None, help="Datum/CRS when the files declare none: EPSG:4326, gcj02, bd09, EPSG:4549 …")
@click.option("--layer", type=click.Choice(["parks", "plots", "amenities"]), default=None)
@click.option("--replace", is_flag=True, help="The files hold all plots of their parks: others of theirs are removed.")
@click.option("--json", "as_json", is_flag=True)
@AUTHOR
def stage(files, db, crs, layer, replace, as_json, author):
    """Validate FILES and show what they would change; prints the import id. Exit 1 when it has problems."""
    from .services import imports

    store = _store(db)
    ups = []
    try:
        for f in files:
            if not f.is_file():
                _fail(f"{f}: no such file", 2)
            ups.append((f.name, open(f, "rb")))
        imp = imports.stage(store, _Cli(author), ups, crs=crs, layer=layer, replace=replace, address="cli")
    except imports.ImportError_ as exc:
        _fail(exc, 1)
    finally:
        for _, fh in ups:
            fh.close()
    _print_import(imp, as_json)
    if not as_json:
        click.echo(imp["id"])
    if not imp["ok"]:
        click.echo(f"error: import {imp['id']} cannot be applied: {len(imp['report']['problems'])} problem(s)", err=True)
        sys.exit(1)


@import_.command("show")
@click.argument("import_id")
@DB_OPTION
@click.option("--json", "as_json", is_flag=True)
def show(import_id, db, as_json):
    """The report and the field-by-field diff of a staged import."""
    from .services import imports

    try:
        _print_import(imports.get(_store(db), None, import_id), as_json)
    except imports.ImportError_ as exc:
        _fail(exc, 2)


@import_.command("apply")
@click.argument("import_id")
@DB_OPTION
@click.option("--note", default="", help="What this version is (shown in the version list).")
@AUTHOR
def apply(import_id, db, note, author):
    """Apply a staged import in one transaction: a new version."""
    from .services import imports

    try:
        imp = imports.apply(_store(db), _Cli(author), import_id, note=note, address="cli")
    except imports.ImportError_ as exc:
        _fail(exc, 1)
    click.echo(f"applied import {import_id} as version {imp['version']}")


@import_.command("discard")
@click.argument("import_id")
@DB_OPTION
@AUTHOR
def discard(import_id, db, author):
    """Discard a staged import (writes no data)."""
    from .services import imports

    try:
        imports.discard(_store(db), _Cli(author), import_id, address="cli")
    except imports.ImportError_ as exc:
        _fail(exc, 1)
    click.echo(f"discarded import {import_id}")


@click.command("versions")
@DB_OPTION
@click.option("--json", "as_json", is_flag=True)
def versions_cmd(db, as_json):
    """List the data versions, newest first."""
    from .services import versions

    rows = versions.list_versions(_store(db))
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for v in rows:
        counts = " ".join(f"{k}+{c.get('added', 0)}~{c.get('changed', 0)}-{c.get('removed', 0)}"
                          for k, c in v["counts"].items() if isinstance(c, dict))
        click.echo(f"{v['number']:>4}  {v['at']}  {v['kind']:<8} {v['author']:<10} {counts:<28} "
                   f"{'' if v['restorable'] else '(no snapshot) '}{v['note']}")


@click.command("restore")
@click.argument("number", type=int)
@DB_OPTION
@click.option("--note", default="")
@AUTHOR
def restore(number, db, note, author):
    """Make version NUMBER current again (a new version)."""
    from .services import versions

    try:
        v = versions.restore(_store(db), number, author=author, note=note, address="cli")
    except (versions.VersionError, StoreError) as exc:
        _fail(exc, 1)
    click.echo(f"restored version {number} as version {v['number']}")


@click.command("backup")
@click.argument("dest", type=click.Path(path_type=Path))
@DB_OPTION
def backup(dest, db):
    """A consistent online copy of the whole store (users and audit log included) at DEST."""
    if dest.exists():
        _fail(f"{dest} exists; choose a new file", 2)
    try:
        _store(db).backup(str(dest))
    except StoreError as exc:
        _fail(exc, 1)
    click.echo(f"backed up to {dest}")


@click.command("restore-backup")
@click.argument("src", type=click.Path(path_type=Path))
@DB_OPTION
@click.option("--yes", is_flag=True, help="Replace the whole store without asking.")
def restore_backup(src, db, yes):
    """Replace the whole store with a backup made by `findpark backup`, after an integrity check; all or nothing."""
    from .store.copy import copy_store
    from .store.snapshots import verify_file

    try:
        verify_file(src)
    except StoreError as exc:
        _fail(f"nothing restored: {exc}", 1)
    if not yes and not click.confirm(f"replace every layer and table of the store with {src}?"):
        _fail("nothing restored", 1)
    target = open_store(db or default_url())
    source = open_store(f"gpkg:{src}")
    try:
        counts = copy_store(source, target)
    except StoreError as exc:
        _fail(f"nothing restored: {exc}", 1)
    finally:
        source.close()
    from .services import audit

    audit.record(target, os.environ.get("USER") or "cli", "backup_restore", f"backup:{Path(src).name}",
                 {"counts": counts}, "cli")
    click.echo("restored " + ", ".join(f"{k} {n}" for k, n in counts.items() if n) + f" from {src}")


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(["geojson", "gpkg", "xlsx"]), required=True)
@click.option("--layer", type=click.Choice(["parks", "plots", "amenities"]), default="plots", show_default=True,
              help="GeoJSON only: which layer.")
@click.option("--out", type=click.Path(path_type=Path), required=True)
@DB_OPTION
def export(fmt, layer, out, db):
    """Export the current data (GeoJSON of a layer, GeoPackage, or XLSX)."""
    from .reports import dataset

    store = _store(db)
    if fmt == "gpkg":
        dataset.write_gpkg(store, out)
    else:
        out.write_bytes(dataset.geojson_bytes(store, layer) if fmt == "geojson" else dataset.xlsx_bytes(store))
    click.echo(f"wrote {out}")


COMMANDS = (import_, versions_cmd, restore, backup, restore_backup, export)
