"""The audit log: who viewed or changed personal data (an inquirer's contacts), accounts or tokens, when, what,
from where. Written in the same transaction as the change it records (``store.atomic()``), read by admins
(``findpark audit``, ``/admin/audit``, ``GET /api/v1/audit``)."""
from __future__ import annotations

import datetime as _dt
import json
import secrets

from .. import vocab
from ..store import Range

ACTIONS = tuple(vocab.AUDIT_ACTIONS)  # the codes are stable; their labels are the vocabulary's


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="microseconds")


def record(store, actor: str | None, action: str, target: str = "", detail: dict | None = None,
           address: str | None = None) -> dict:
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    return store.insert_row("audit_log", {
        "id": secrets.token_hex(8), "at": _now(), "actor": actor or "anonymous", "action": action,
        "target": target, "detail": json.dumps(detail or {}, ensure_ascii=False, sort_keys=True),
        "address": address})


def entries(store, *, actor: str | None = None, action: str | None = None, target: str | None = None,
            since: str | None = None, until: str | None = None, limit: int = 200, offset: int = 0
            ) -> tuple[list[dict], int]:
    """(newest first page, total). ``since``/``until`` are ISO dates or times (inclusive)."""
    where: dict = {}
    if actor:
        where["actor"] = actor
    if action:
        where["action"] = action
    if target:
        where["target"] = target
    if since or until:
        where["at"] = Range(since, (until + "\uffff") if until else None)
    rows = store.select_rows("audit_log", where=where, order_by=["-at"], limit=limit, offset=offset)
    out = [{**r, "detail": json.loads(r["detail"] or "{}")} for r in rows]
    return out, store.count_rows("audit_log", where=where)
