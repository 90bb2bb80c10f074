"""The inquiry desk (可询, staff side): who may see which inquiry, the workflow 新建 → 已分派 → 已联系 → 已考察 →
已签约 | 已关闭 with an assignee and dated notes, the inquirer's view of the history, retention.

Every view of an inquiry's contacts and every change is written to the audit log in the same transaction
(``store.atomic()``). Staff see only inquiries of parks in their scope (``User.can_see_park``); a confidential
inquiry is a commercial secret and is treated the same way (only in-scope staff see it at all).
No Flask here: pages and API call these with the signed-in ``User`` and the client's address.
"""
from __future__ import annotations

import datetime as _dt
import secrets

from .. import vocab
from . import audit
from .accounts import User, get_user
from .inquiries import without_secret

STATUSES = tuple(vocab.INQUIRY_STATUSES)  # new, assigned, contacted, visited, signed, closed
FLOW = ("new", "assigned", "contacted", "visited", "signed")
TERMINAL = ("signed", "closed")
MAX_NOTE = 2000


class DeskError(ValueError):
    """A change the desk refuses; ``field`` names the input at fault, the message says why."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


class NotVisible(LookupError):
    """No such inquiry for this user (it does not exist, or it is outside the user's scope: the same answer)."""


def _now() -> str:  # microseconds: events made in one second keep their order
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="microseconds")


def allowed_next(status: str) -> tuple[str, ...]:
    """Forward along the flow (skipping steps is allowed: a lead may sign without a visit), or 已关闭."""
    if status in TERMINAL:
        return ()
    later = FLOW[FLOW.index(status) + 1:] if status in FLOW else FLOW[1:]
    return (*later, "closed")


def visible(user: User, rec: dict) -> bool:
    return user.can_see_park(rec.get("park_id"), rec.get("adcode"))


def _get(store, user: User, inquiry_id: str) -> dict:
    rec = store.get_inquiry(inquiry_id)
    if rec is None or not visible(user, rec):
        raise NotVisible(inquiry_id)
    return rec


def list_for(store, user: User, *, status: str | None = None, park_id: str | None = None,
             max_age_days: int | None = None, min_age_days: int | None = None, limit: int = 50, offset: int = 0,
             address: str | None = None) -> tuple[list[dict], int]:
    """(page newest first, total) of the inquiries the user may see, with contacts; the listing is audited."""
    if status is not None and status not in STATUSES:
        raise DeskError("status", f"status: one of {', '.join(STATUSES)}")
    rows, _ = store.list_inquiries(park_id=park_id, limit=None)
    now = _dt.datetime.now(_dt.timezone.utc)

    def age_days(r):
        return (now - _dt.datetime.fromisoformat(r["created_at"])).total_seconds() / 86400

    out = [r for r in rows if visible(user, r) and (status is None or r["status"] == status)
           and (max_age_days is None or age_days(r) <= max_age_days)
           and (min_age_days is None or age_days(r) >= min_age_days)]
    page = [without_secret(r) for r in out[offset:offset + limit]]
    if page:
        audit.record(store, user.username, "inquiry_list", f"inquiries:{len(page)}",
                     {"ids": [r["id"] for r in page]}, address)
    return page, len(out)


def view(store, user: User, inquiry_id: str, address: str | None = None) -> dict:
    """The whole inquiry with contacts, its events (notes included): an audited view."""
    rec = _get(store, user, inquiry_id)
    audit.record(store, user.username, "inquiry_view", f"inquiry:{inquiry_id}", {"park_id": rec["park_id"]}, address)
    return {**without_secret(rec), "events": events(store, inquiry_id)}


def events(store, inquiry_id: str, *, public: bool = False) -> list[dict]:
    """The inquiry's history, oldest first. ``public`` (the inquirer's token view): status changes only, with
    neither notes nor staff names."""
    rows = store.select_rows("inquiry_events", where={"inquiry_id": inquiry_id}, order_by=["at"])
    if public:
        return [{"at": r["at"], "status": r["to_status"]} for r in rows if r["kind"] == "status"]
    return rows


def _event(store, inquiry_id: str, actor: str, kind: str, **kw) -> None:
    store.insert_row("inquiry_events", {"id": secrets.token_hex(8), "inquiry_id": inquiry_id, "at": _now(),
                                        "actor": actor, "kind": kind, **kw})


def change_status(store, user: User, inquiry_id: str, to: str, note: str | None = None,
                  address: str | None = None) -> dict:
    rec = _get(store, user, inquiry_id)
    if to not in STATUSES:
        raise DeskError("status", f"status: one of {', '.join(STATUSES)}")
    if to not in allowed_next(rec["status"]):
        raise DeskError("status", f"status: {rec['status']} cannot become {to} "
                                  f"(allowed: {', '.join(allowed_next(rec['status'])) or 'none, it is final'})")
    note = _clean_note(note)
    with store.atomic():
        store.update_rows("inquiries", {"id": inquiry_id}, {"status": to, "updated_at": _now()})
        _event(store, inquiry_id, user.username, "status", from_status=rec["status"], to_status=to, note=note)
        audit.record(store, user.username, "inquiry_status", f"inquiry:{inquiry_id}",
                     {"from": rec["status"], "to": to}, address)
    return store.get_inquiry(inquiry_id)


def assign(store, user: User, inquiry_id: str, assignee: str, address: str | None = None) -> dict:
    """Give the inquiry to a staff member who may see it; a new inquiry becomes 已分派."""
    rec = _get(store, user, inquiry_id)
    target = get_user(store, assignee or "")
    if target is None or target.disabled:
        raise DeskError("assignee", f"assignee: no active user {assignee!r}")
    if not visible(target, rec):
        raise DeskError("assignee", f"assignee: {assignee} may not see park {rec['park_id']} (outside their scope)")
    changes = {"assignee": assignee, "updated_at": _now()}
    with store.atomic():
        if rec["status"] == "new":
            changes["status"] = "assigned"
            _event(store, inquiry_id, user.username, "status", from_status="new", to_status="assigned")
        store.update_rows("inquiries", {"id": inquiry_id}, changes)
        _event(store, inquiry_id, user.username, "assign", assignee=assignee)
        audit.record(store, user.username, "inquiry_assign", f"inquiry:{inquiry_id}", {"assignee": assignee}, address)
    return store.get_inquiry(inquiry_id)


def _clean_note(note: str | None) -> str | None:
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise DeskError("note", f"note: at most {MAX_NOTE} characters")
    return note or None


def add_note(store, user: User, inquiry_id: str, note: str, address: str | None = None) -> dict:
    _get(store, user, inquiry_id)
    note = _clean_note(note)
    if not note:
        raise DeskError("note", "note: empty")
    with store.atomic():
        _event(store, inquiry_id, user.username, "note", note=note)
        store.update_rows("inquiries", {"id": inquiry_id}, {"updated_at": _now()})
        audit.record(store, user.username, "inquiry_note", f"inquiry:{inquiry_id}", {"chars": len(note)}, address)
    return store.get_inquiry(inquiry_id)


def revoke_token(store, user: User, inquiry_id: str, address: str | None = None) -> None:
    _get(store, user, inquiry_id)
    with store.atomic():
        store.update_rows("inquiries", {"id": inquiry_id}, {"token_revoked": True, "updated_at": _now()})
        audit.record(store, user.username, "inquiry_token_revoke", f"inquiry:{inquiry_id}", {}, address)


def purge(store, older_than_days: int, actor: str = "cli", address: str | None = None) -> int:
    """Delete inquiries (and their history) created more than ``older_than_days`` ago: retention (PIPL:
    keep personal information no longer than needed). The audit log keeps the count, not the content."""
    if older_than_days < 1:
        raise DeskError("older_than", "older-than: at least 1 day")
    cutoff = (_dt.datetime.now(_dt.timezone.utc) - _dt.timedelta(days=older_than_days)).isoformat(timespec="seconds")
    rows, _ = store.list_inquiries(limit=None)
    old = [r["id"] for r in rows if r["created_at"] < cutoff]
    with store.atomic():
        if old:
            store.delete_rows("inquiry_events", {"inquiry_id": old})
            store.delete_rows("inquiries", {"id": old})
        audit.record(store, actor, "inquiry_purge", "inquiries", {"older_than_days": older_than_days,
                                                                  "deleted": len(old)}, address)
    return len(old)


def counts(store) -> dict:
    """What anonymous callers may know: how many inquiries there are, by status (no content)."""
    rows, total = store.list_inquiries(limit=None)
    by = {s: 0 for s in STATUSES}
    for r in rows:
        by[r["status"]] = by.get(r["status"], 0) + 1
    return {"total": total, "by_status": by}
