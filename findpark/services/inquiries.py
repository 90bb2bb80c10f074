"""可询: inquiries from a project to a park. One model, one validation, one creation, one masking rule for
the inquiry form (``web.inquiry_page``) and ``POST/GET /api/v1/inquiries`` (``api.rest``).

An inquirer's contacts are personal information: the public fields (``PUBLIC_FIELDS``) never include them,
and a confidential inquiry's company and contacts are masked in staff lists (``masked``). The inquiry's token
is returned once at creation and stored only as its SHA-256.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import hmac
import secrets
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationError, field_validator, model_validator

from ..store.schema import ID_PATTERN
ParkId = Annotated[str, Field(pattern=ID_PATTERN)]
# at least one character that is neither a control character nor ASCII white space
NOT_BLANK = r"[^\x00-\x20\x7f]"
EMAIL_PART = r"[^@\x00-\x20\x7f]"
PUBLIC_FIELDS = ("id", "created_at", "park_id", "plot_id", "company", "industry", "project_summary", "status")
CONTACT_FIELDS = ("company", "contact_name", "contact_phone", "contact_email")
EXAMPLES = [
    {"park_id": "G331018", "plot_id": "G331018-001", "company": "某新能源汽车零部件有限公司", "contact_name": "王经理",
     "contact_phone": "+86 571 8888 0000", "project_summary": "电驱动总成项目, 用地约 80 亩, 投资 6 亿元",
     "industry": "汽车零部件"},
    {"park_id": "G331018", "company": "Example Bio Ltd", "contact_name": "Li", "contact_email": "li@example.com",
     "project_summary": "API 原料药中试", "confidential": True}]


def _trim(v):
    return v.strip(" \t\n\r\f\v") if isinstance(v, str) else v


class InquiryIn(BaseModel):
    """An inquiry (可询) from a project to a park. Give contact_phone or contact_email (or both). park_id must
    name a park and plot_id a plot of that park, else 422."""
    model_config = ConfigDict(extra="forbid", json_schema_extra={"anyOf": [
        {"required": ["contact_phone"], "properties": {"contact_phone": {"type": "string"}}},
        {"required": ["contact_email"], "properties": {"contact_email": {"type": "string"}}}],
        "examples": EXAMPLES})
    park_id: ParkId
    plot_id: ParkId | None = None
    company: str = Field(..., min_length=1, max_length=200, pattern=NOT_BLANK)
    contact_name: str = Field(..., min_length=1, max_length=100, pattern=NOT_BLANK)
    contact_phone: str | None = Field(None, pattern=r"^[0-9+() -]{5,30}$")
    contact_email: str | None = Field(None, max_length=254,
                                      pattern=rf"^{EMAIL_PART}{{1,64}}@{EMAIL_PART}{{1,190}}\.{EMAIL_PART}{{1,63}}$")
    project_summary: str = Field(..., min_length=1, max_length=4000, pattern=NOT_BLANK)
    industry: str | None = Field(None, max_length=50)
    confidential: StrictBool = Field(False, description="hide the company and contact in lists")

    @field_validator("company", "contact_name", "project_summary", "industry")
    @classmethod
    def _trimmed(cls, v):  # after validation: the length and pattern apply to what was sent
        return _trim(v)

    @model_validator(mode="after")
    def _contact(self):
        if self.contact_phone is None and self.contact_email is None:
            raise ValueError("give contact_phone or contact_email")
        return self


class InquiryRefused(ValueError):
    """The inquiry cannot be made: ``problems`` maps each field to its reason code and the value at fault:
    ``{"park_id": ("unknown_park", "G1"), "plot_id": ("unknown_plot", "G1-9")}``. Callers word them."""

    def __init__(self, problems: dict[str, tuple[str, str]]):
        super().__init__("; ".join(f"{k}: {v[0]}" for k, v in problems.items()))
        self.problems = problems


def check_references(store, park_id: str | None, plot_id: str | None) -> dict[str, tuple[str, str]]:
    """The park must exist, and the plot (if any) must be one of its plots."""
    problems: dict[str, tuple[str, str]] = {}
    if store.get("parks", park_id) is None:
        problems["park_id"] = ("unknown_park", park_id)
    if plot_id is not None:
        plot = store.get("plots", plot_id)
        if plot is None or plot["park_id"] != park_id:
            problems["plot_id"] = ("unknown_plot", plot_id)
    return problems


def validate(store, data: dict) -> InquiryIn:
    """The inquiry, or ``ValidationError`` (the model's rules) / ``InquiryRefused`` (unknown park or plot)."""
    inq = InquiryIn.model_validate(data)
    problems = check_references(store, inq.park_id, inq.plot_id)
    if problems:
        raise InquiryRefused(problems)
    return inq


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


TOKEN_DAYS = 180  # an inquirer's token stops working after this (and when staff revoke it)


def create(store, inq: InquiryIn) -> tuple[dict, str]:
    """Write the inquiry: (the stored record without its token hash, the token, to be shown once). The park's
    adcode is kept with it, so district-scoped staff find it."""
    token = secrets.token_urlsafe(24)
    now = _dt.datetime.now(_dt.timezone.utc)
    park = store.get("parks", inq.park_id) or {}
    rec = store.add_inquiry({**inq.model_dump(), "id": secrets.token_hex(8),
                             "created_at": now.isoformat(timespec="seconds"),
                             "updated_at": now.isoformat(timespec="seconds"),
                             "token_sha256": token_hash(token), "status": "new", "adcode": park.get("adcode"),
                             "token_expires_at": (now + _dt.timedelta(days=TOKEN_DAYS)).isoformat(timespec="seconds"),
                             "token_revoked": False})
    return without_secret(rec), token


SECRET_FIELDS = ("token_sha256",)


def without_secret(rec: dict) -> dict:
    return {k: v for k, v in rec.items() if k not in SECRET_FIELDS}


def token_matches(rec: dict, token: str) -> bool:
    """The inquirer's token: right, not revoked, not expired."""
    if not token or not rec.get("token_sha256") or rec.get("token_revoked"):
        return False
    expires = rec.get("token_expires_at")
    if expires and _dt.datetime.fromisoformat(expires) < _dt.datetime.now(_dt.timezone.utc):
        return False
    return hmac.compare_digest(token_hash(token), rec["token_sha256"])


def public(rec: dict) -> dict:
    """The fields anyone may see of a non-confidential inquiry (no contacts)."""
    return {k: rec[k] for k in PUBLIC_FIELDS}


def masked(rec: dict) -> dict:
    """A record for a staff list: a confidential inquiry shows neither company nor contacts."""
    out = without_secret(rec)
    if rec.get("confidential"):
        for k in CONTACT_FIELDS:
            out[k] = None
    return out


__all__ = ["InquiryIn", "InquiryRefused", "ValidationError", "validate", "check_references", "create", "public",
           "masked", "token_matches", "token_hash", "without_secret", "PUBLIC_FIELDS", "EXAMPLES"]
