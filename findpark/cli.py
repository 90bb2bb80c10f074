"""``findpark``: a thin click layer over the library."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from . import vocab
from .cli_accounts import COMMANDS as ACCOUNT_COMMANDS
from .store import LoadError, StoreError, default_url, open_store

DB_OPTION = click.option("--db", envvar="FINDPARK_DB", default=None,
                         help="Store: a .gpkg path, gpkg:PATH or postgresql://… (default instance/findpark.gpkg, or $FINDPARK_DB).")


def _store_url(db):
    return db or default_url()


@click.group()
@click.version_option(package_name="findpark")
def main():
    """findpark 一键找园: park search and project siting for investment promotion."""


@main.command("build-data")
@click.option("--sources", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Raw source folder (default ../shared/data beside the repo, or $FINDPARK_SOURCES).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default data/).")
def build_data(sources, out):
    """Build data/{parks,plots,amenities,boundaries}.geojson from the real sources."""
    from .databuild import build_all
    from .paths import data_dir, sources_dir

    src = sources or sources_dir()
    if not (src / "devzones-2018-zhejiang").is_dir():
        raise click.ClickException(f"no source data at {src} (expected devzones-2018-zhejiang/ and friends); "
                                   "pass --sources")
    counts = build_all(src, out or data_dir())
    click.echo(" ".join(f"{k}={v}" for k, v in counts.items()) + f" → {out or data_dir()}")


@main.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@DB_OPTION
@click.option("--crs", default=None, help="CRS/datum of the input when the file does not declare one: "
              "EPSG:4326, EPSG:4490, a projected EPSG code, gcj02 or bd09.")
@click.option("--layer", type=click.Choice(["parks", "plots", "amenities"]), default=None,
              help="Layer of the input (default: from the file name or its \"layer\" member).")
@click.option("--replace", is_flag=True, help="Empty the loaded layers first (default: upsert by id).")
def load(files, db, crs, layer, replace):
    """Load feature files into the store, all or nothing. Without FILES: the bundled data (replacing)."""
    from .bootstrap import load_bundled
    from .ingest import load_files

    store = open_store(_store_url(db))
    try:
        if files:
            report = load_files(store, list(files), crs=crs, layer=layer, replace=replace)
        else:  # the bundled layers (replacing) and their quarterly indicator history
            report = load_bundled(store)
    except LoadError as exc:
        click.echo(f"error: nothing was loaded; {len(exc.problems)} problem(s):", err=True)
        for p in exc.problems:
            click.echo(f"  - {p}", err=True)
        sys.exit(1)
    except StoreError as exc:
        raise click.ClickException(str(exc))
    finally:
        store.close()  # its connections now, not whenever they are collected (a GeoPackage checkpoints then)
    for note in report.notes:
        click.echo(f"note: {note}", err=True)
    click.echo("loaded " + ", ".join(f"{n} {k}" for k, n in report.counts.items()) + f" into {store.url}")


@main.command()
@DB_OPTION
@click.option("--industry", default=None, help="Label (生物医药), GB/T 4754 code (C27) or fragment.")
@click.option("--district", default=None, help="adcode (330109, 330100) or name (萧山, 杭州市).")
@click.option("--level", type=click.Choice(list(vocab.PARK_LEVELS)))
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def parks(db, industry, district, level, as_json):
    """List parks, filtered."""
    from .bootstrap import ensure_store
    from .services import parkinfo
    from .services.parks import ParkFilter, search, unknown_industry

    store = ensure_store(_store_url(db))
    unknown = unknown_industry(industry, parkinfo.parks(store))
    if unknown is not None:
        click.echo(f"error: industry: {unknown.message()}", err=True)
        sys.exit(2)
    rows, _ = search(store, ParkFilter(industry=industry, district=district, level=level))
    if as_json:
        out = [{k: v for k, v in r.items() if k != "geometry"} for r in rows]
        click.echo(json.dumps(out, ensure_ascii=False, indent=1))
        return
    for r in rows:
        click.echo(f"{r['id']:<9} {r['name']:<24} {r['level']:<10} {r['city']}{r['district'] or ''}  "
                   f"{'、'.join(r['leading_industries'])}")
    click.echo(f"{len(rows)} park(s)", err=True)


def _assessment(item: dict) -> None:
    """A ranked result's strengths and weak points, in the vocabulary's words (as on the page and in the exports)."""
    for kind, key in (("strength", "strengths"), ("weakness", "weaknesses")):
        if item.get(key):
            click.echo(f"       {vocab.label('assessment', kind)}: " + "; ".join(item[key]))


@main.command()
@click.argument("request_file", type=click.File("r", encoding="utf-8"))
@DB_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the response JSON instead of a table.")
def recommend(request_file, db, as_json):
    """Rank plots and parks for a project requirement (JSON file, or - for stdin)."""
    from pydantic import ValidationError

    from .bootstrap import ensure_store
    from .siting import format_errors, recommend as run

    try:
        request = json.load(request_file)
    except json.JSONDecodeError as exc:
        click.echo(f"error: {request_file.name}: not valid JSON ({exc})", err=True)
        sys.exit(2)
    if not isinstance(request, dict):
        click.echo("error: request: must be a JSON object", err=True)
        sys.exit(2)
    store = ensure_store(_store_url(db))
    try:
        resp = run(store, request)
    except ValidationError as exc:
        click.echo("error: invalid request:", err=True)
        for e in format_errors(exc):
            click.echo(f"  {e['field']}: {e['message']}", err=True)
        sys.exit(2)
    if as_json:
        click.echo(json.dumps(resp, ensure_ascii=False, indent=1))
        return
    req = resp["request"]
    click.echo(f"项目 {req.get('name') or ''}  行业 {req['industry']} ({'|'.join(req['industry_codes'])})  "
               f"权重 {resp['profile']}  数据版本 {resp['data_version']}  参考日期 {resp['reference_date']}")
    click.echo("\n地块排名 (※ = 模拟数据)")
    for p in resp["plots"]:
        click.echo(f"{p['rank']:>3}  {p['plot_id']:<13} {p['park_name']:<16} 得分 {p['score']:.3f}  "
                   f"稳定性 {p['stability']:.0%}  {p['area_mu']:.1f} 亩")
        click.echo("       得分构成 " + "  ".join(f"{vocab.label('criterion', c)} {v:.3f}"
                                            for c, v in p["contributions"].items() if v > 0))
        _assessment(p)
    click.echo("\n园区排名")
    for p in resp["parks"]:
        click.echo(f"{p['rank']:>3}  {p['park_id']:<9} {p['name']:<16} 得分 {p['score']:.3f}  "
                   f"最佳地块 {p['best_plot_id'] or '(标准厂房)'}  符合地块 {p['n_eligible_plots']}")
        _assessment(p)
    ex = resp["excluded"]
    unit = vocab.label('unit', ex.get('unit', 'plots'))
    click.echo(f"\n符合全部条件 {resp['eligible']} {unit}")
    click.echo(f"排除 {ex['total']} {unit}: "
               + ", ".join(f"{vocab.label('exclusion', k)} {v}" for k, v in ex["by_reason"].items())
               + f"  ({vocab.label('exclusion_count', 'first')})")
    if ex.get("only"):
        click.echo(f"{vocab.label('exclusion_count', 'only')}: "
                   + ", ".join(f"{vocab.label('exclusion', k)} {v}" for k, v in ex["only"].items()))
    if resp["relaxations"]:
        click.echo(f"\n{vocab.label('exclusion_count', 'relaxations')}")
        for r in resp["relaxations"]:
            click.echo(f"  {r['text']}")
    if resp.get("share_url"):
        click.echo(f"\n链接 {resp['share_url']}")
    for w in resp["warnings"]:
        click.echo(f"warning: {w}", err=True)


@main.command()
@click.option("--json", "as_json", is_flag=True)
def profiles(as_json):
    """List the weight profiles."""
    from .siting.profiles import list_profiles

    profs = list_profiles()
    if as_json:
        click.echo(json.dumps(profs, ensure_ascii=False, indent=1))
        return
    for p in profs.values():
        w = "  ".join(f"{k}={v:g}" for k, v in p["weights"].items())
        click.echo(f"{p['name']:<14} {p['title']}\n{'':<14} {w}")


@main.group()
def indicators():
    """Quarterly park indicators (input of the 五力 evaluation)."""


@indicators.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@DB_OPTION
@click.option("--replace", is_flag=True, help="Empty the indicator table first.")
def indicators_load(file, db, replace):
    """Load a CSV or XLSX of quarterly indicators, all or nothing."""
    from .bootstrap import ensure_store
    from .evaluation.loader import load_indicators

    store = ensure_store(_store_url(db))
    try:
        n = load_indicators(store, file, replace=replace)
    except LoadError as exc:
        click.echo(f"error: nothing was loaded; {len(exc.problems)} problem(s):", err=True)
        for p in exc.problems:
            click.echo(f"  - {p}", err=True)
        sys.exit(1)
    click.echo(f"loaded {n} park-quarter rows; quarters now {', '.join(store.quarters())}")


@main.command("evaluate")
@click.option("--quarter", default=None, help="Quarter to report, e.g. 2025Q3 (default: the latest loaded).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("reports"), show_default=True,
              help="Folder for evaluation_<quarter>.html and .pdf.")
@DB_OPTION
def evaluate_cmd(quarter, out, db):
    """Write the quarterly 五力 evaluation report (HTML and PDF)."""
    from .bootstrap import ensure_store
    from .reports.quarterly import write_report

    store = ensure_store(_store_url(db))
    try:
        paths = write_report(store, quarter=quarter, out_dir=out)
    except LookupError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    click.echo(str(paths["html"]))
    click.echo(str(paths["pdf"]))


@main.command()
@DB_OPTION
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--debug", is_flag=True)
def serve(db, host, port, debug):
    """Serve the web app (builds the store from the bundled data if it does not exist yet)."""
    from .app import create_app
    from .bootstrap import ensure_store

    from threadpoolctl import threadpool_limits

    # Scoring matrices are N x 7: BLAS threads only add hand-offs, and on a busy 2-core server each threaded
    # matmul can stall for milliseconds waiting for its worker (benchmarks/recommend_bench.py).
    threadpool_limits(1, user_api="blas")
    from .web.basemap import TileConfigError, settings_from_env, tile_config

    try:
        tile_config(settings_from_env(os.environ))
    except TileConfigError as exc:
        raise click.UsageError(str(exc)) from None
    url = _store_url(db)
    store = ensure_store(url)
    click.echo(f"store {store.url}: {store.count('parks')} parks, {store.count('plots')} plots, "
               f"{store.count('amenities')} amenities", err=True)
    store.close()
    create_app({"DB": url}).run(host=host, port=port, debug=debug)


from .cli_db import db as _db  # noqa: E402  (findpark db init|copy)

main.add_command(_db)

if __name__ == "__main__":
    main()

for _command in ACCOUNT_COMMANDS:  # findpark users …, findpark audit, findpark inquiries purge
    main.add_command(_command)

from .cli_data import COMMANDS as _DATA_COMMANDS  # noqa: E402  (import, versions, restore, backup, export)

for _command in _DATA_COMMANDS:
    main.add_command(_command)
