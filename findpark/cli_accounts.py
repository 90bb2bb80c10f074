"""``findpark users …``, ``findpark audit``, ``findpark inquiries purge``: accounts, the audit log and retention,
a thin click layer over ``findpark.services.accounts``/``audit``/``desk`` (registered on the main command)."""
from __future__ import annotations

import json
import sys

import click

from . import vocab
from .services import accounts, audit, desk
from .store import StoreError, default_url, open_store

DB_OPTION = click.option("--db", envvar="FINDPARK_DB", default=None,
                         help="Store URL or .gpkg path (default instance/findpark.gpkg, or $FINDPARK_DB).")


def _open(db):
    store = open_store(db or default_url())
    if not store.exists():
        raise click.ClickException(f"no findpark store at {store.url}: run `findpark load` first")
    store.init()  # adds the account tables to a store made by an older findpark
    return store


def _fail(exc: Exception):
    click.echo(f"error: {exc}", err=True)
    sys.exit(2)


@click.group()
def users():
    """Staff and admin accounts (scoped by adcode prefix or park id) and their API tokens."""


@users.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(accounts.ROLES), required=True)
@click.option("--scope", "scopes", multiple=True, help="An adcode prefix (3301 = 杭州市, 330109 = 萧山区) or a "
              "park id; repeat for several. Staff need at least one.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (first line).")
@DB_OPTION
def users_add(name, role, scopes, password_stdin, db):
    """Add a user. Without --password-stdin the user can only sign in through SSO or use API tokens."""
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    store = _open(db)
    try:
        user = accounts.add_user(store, name, role, scopes, password)
    except accounts.AccountError as exc:
        _fail(exc)
    audit.record(store, "cli", "user_add", f"user:{name}", {"role": role, "scopes": list(user.scopes)})
    click.echo(f"added {user.username} ({vocab.label('role', role)}; scope: {', '.join(user.scopes) or 'all'})")


@users.command("list")
@click.option("--json", "as_json", is_flag=True)
@DB_OPTION
def users_list(as_json, db):
    """List users (never their password hashes)."""
    rows = accounts.list_users(_open(db))
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for r in rows:
        click.echo(f"{r['username']:<20} {r['role']:<6} {'disabled' if r['disabled'] else 'active':<8} "
                   f"{','.join(r['scopes']) or '*'}")


def _set_disabled(name: str, db, disabled: bool) -> None:
    store = _open(db)
    try:
        accounts.set_disabled(store, name, disabled)
    except accounts.AccountError as exc:
        _fail(exc)
    audit.record(store, "cli", "user_disable" if disabled else "user_enable", f"user:{name}")
    click.echo(f"{'disabled' if disabled else 'enabled'} {name}")


@users.command("disable")
@click.argument("name")
@DB_OPTION
def users_disable(name, db):
    """Disable a user: no sign-in, and every API token of theirs stops working."""
    _set_disabled(name, db, True)


@users.command("enable")
@click.argument("name")
@DB_OPTION
def users_enable(name, db):
    """Enable a disabled user again (their revoked tokens stay revoked)."""
    _set_disabled(name, db, False)


@users.command("password")
@click.argument("name")
@DB_OPTION
def users_password(name, db):
    """Set a user's password from standard input (first line)."""
    store = _open(db)
    try:
        accounts.set_password(store, name, sys.stdin.readline().rstrip("\r\n"))
    except accounts.AccountError as exc:
        _fail(exc)
    audit.record(store, "cli", "user_password", f"user:{name}")
    click.echo(f"password set for {name}")


@users.command("token")
@click.argument("name")
@DB_OPTION
def users_token(name, db):
    """Print a new API token for NAME, once (only its SHA-256 is stored). Revoke it with `users revoke-token`."""
    store = _open(db)
    try:
        tid, token = accounts.new_token(store, name)
    except accounts.AccountError as exc:
        _fail(exc)
    audit.record(store, "cli", "token_new", f"user:{name}", {"token_id": tid})
    click.echo(f"token id {tid} for {name}; the token is shown only now:", err=True)
    click.echo(token)


@users.command("tokens")
@click.argument("name", required=False)
@DB_OPTION
def users_tokens(name, db):
    """List API tokens (ids, owners, dates; never the tokens)."""
    for t in accounts.list_tokens(_open(db), name):
        click.echo(f"{t['id']}  {t['username']:<20} created {t['created_at']}  "
                   f"{'revoked ' + t['revoked_at'] if t['revoked_at'] else 'active'}")


@users.command("revoke-token")
@click.argument("token_id")
@DB_OPTION
def users_revoke_token(token_id, db):
    store = _open(db)
    try:
        accounts.revoke_token(store, token_id)
    except accounts.AccountError as exc:
        _fail(exc)
    audit.record(store, "cli", "token_revoke", f"token:{token_id}")
    click.echo(f"revoked {token_id}")


@click.command("audit")
@click.option("--actor", default=None)
@click.option("--action", type=click.Choice(audit.ACTIONS), default=None)
@click.option("--target", default=None, help="e.g. inquiry:ID or user:NAME")
@click.option("--since", default=None, help="ISO date or time, e.g. 2026-11-01")
@click.option("--limit", type=click.IntRange(1, 100_000), default=100, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@DB_OPTION
def audit_cmd(actor, action, target, since, limit, as_json, db):
    """The audit log, newest first: who viewed or changed personal data, accounts and tokens."""
    rows, total = audit.entries(_open(db), actor=actor, action=action, target=target, since=since, limit=limit)
    if as_json:
        click.echo(json.dumps({"entries": rows, "total": total}, ensure_ascii=False, indent=1))
        return
    for r in rows:
        click.echo(f"{r['at']}  {r['actor']:<14} {r['action']:<20} {r['target'] or '':<28} {r['address'] or '-':<15} "
                   f"{json.dumps(r['detail'], ensure_ascii=False)}")
    click.echo(f"{len(rows)} of {total} entries", err=True)


@click.group()
def inquiries():
    """Inquiries (可询): retention."""


@inquiries.command("purge")
@click.option("--older-than", "days", type=int, required=True, help="Delete inquiries made more than DAYS ago.")
@DB_OPTION
def inquiries_purge(days, db):
    """Delete old inquiries and their history (retention of personal information); the audit log keeps the count."""
    try:
        n = desk.purge(_open(db), days)
    except (desk.DeskError, StoreError) as exc:
        _fail(exc)
    click.echo(f"purged {n} inquiries older than {days} days")


COMMANDS = (users, audit_cmd, inquiries)
