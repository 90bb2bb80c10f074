"""Request models of the API. The OpenAPI document is generated from these same models and every request
is validated against them, so the two cannot drift."""
from __future__ import annotations

import math
import re
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, field_validator

from ..siting import Requirement
from ..siting.requirement import some_of
from ..services.inquiries import InquiryIn, ParkId  # noqa: F401  (part of the API's models)
from ..store.schema import AMENITY_KINDS, ID_CHARS, ID_PATTERN, LAND_USES, LEVELS, PLOT_STATUSES
from ..vocab import AUDIT_ACTIONS, INQUIRY_STATUSES

# Patterns are written for both regex dialects that read them: ECMA-262 (the OpenAPI document, clients)
# and pydantic-core's Rust engine (the server), so no \d (Unicode digits in Rust) and no lookaround.
_LON = r"-?(180(\.0+)?|(1[0-7][0-9]|[1-9]?[0-9])(\.[0-9]+)?)"
_LAT = r"-?(90(\.0+)?|[1-8]?[0-9](\.[0-9]+)?)"
BBOX_PATTERN = rf"^{_LON},{_LAT},{_LON},{_LAT}$"
BBOX_RE = re.compile(BBOX_PATTERN)
FORMATS = Literal["json", "geojson"]


def parse_bbox(text: str | None):
    """'minlon,minlat,maxlon,maxlat' → tuple, or ValueError naming the problem."""
    if text is None:
        return None
    if not BBOX_RE.fullmatch(text):
        raise ValueError("bbox must be four decimal numbers minlon,minlat,maxlon,maxlat (WGS84 lon/lat, "
                         "-180 ≤ lon ≤ 180, -90 ≤ lat ≤ 90, no spaces)")
    minx, miny, maxx, maxy = (float(p) for p in text.split(","))
    if not (minx <= maxx and miny <= maxy):
        raise ValueError("bbox must satisfy minlon ≤ maxlon and minlat ≤ maxlat")
    return minx, miny, maxx, maxy


# -- query-string numbers ---------------------------------------------------------------------------
# pydantic's lax parsing would read '1_0', ' 5 ', '1.0' (as an int), 'true' or 'NaN' out of a query string;
# the API reads what the document says: an ASCII decimal integer, or a finite decimal number.
def _wire_int(v):
    if isinstance(v, str):
        if not v.isascii() or "_" in v or v != v.strip():
            raise ValueError("must be an integer")
        try:
            return int(v)
        except ValueError:
            raise ValueError("must be an integer") from None
    if isinstance(v, bool) or not isinstance(v, int):
        raise ValueError("must be an integer")
    return v


def _wire_float(v):
    if isinstance(v, str):
        if not v.isascii() or "_" in v or v != v.strip():
            raise ValueError("must be a number")
        try:
            v = float(v)
        except ValueError:
            raise ValueError("must be a number") from None
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise ValueError("must be a number")
    if not math.isfinite(v):
        raise ValueError("must be a finite number")
    return v


def wire_int(**constraints):
    """A query-string integer with ``Field`` constraints (inside the type, so ``X | None`` keeps them in the
    schema)."""
    return Annotated[int, Field(**constraints), BeforeValidator(_wire_int)]


def wire_float(**constraints):
    return Annotated[float, Field(**constraints), BeforeValidator(_wire_float)]


class Query(BaseModel):
    """Query parameters, read as sent: no whitespace stripping (a pattern or enum sees the raw text);
    parameters the model does not know are ignored, as HTTP servers do."""
    model_config = ConfigDict(extra="ignore")


class Paging(Query):
    limit: wire_int(ge=1, le=1000) = Field(50, description="page size")
    offset: wire_int(ge=0, le=10_000_000) = Field(0, description="items to skip")


class BboxMixin(Query):
    bbox: str | None = Field(None, description="minlon,minlat,maxlon,maxlat (WGS84); answered from the R*Tree "
                                               "index. minlon ≤ maxlon and minlat ≤ maxlat, else 400",
                             examples=["120.1,30.1,120.6,30.5"], max_length=200, pattern=BBOX_PATTERN)

    @field_validator("bbox")
    @classmethod
    def _bbox(cls, v):
        parse_bbox(v)
        return v


class FormatQuery(Query):
    format: FORMATS = "json"


class VocabularyQuery(Query):
    lang: Literal["zh", "en"] = Field("zh", description="zh: the Chinese labels staff read; en: the English ones")


class ParksQuery(Paging, BboxMixin):
    industry: str | None = Field(None, max_length=50, description="label (生物医药), GB/T 4754 code (C27) or fragment")
    district: str | None = Field(None, max_length=50, description="adcode or name (萧山区, 杭州市)")
    adcode: str | None = Field(None, pattern=r"^[0-9]{2,6}$", description="county adcode, or a prefix (3301 = 杭州)")
    level: Literal[LEVELS] | None = None  # type: ignore[valid-type]
    min_available_mu: wire_float(ge=0, le=1e7) | None = Field(None,
                                                              description="available land (status available), 亩")
    q: str | None = Field(None, max_length=100, description="name contains")
    format: FORMATS = "json"


class PlotsQuery(Paging, BboxMixin):
    park_id: str | None = Field(None, pattern=ID_PATTERN)
    status: Literal[PLOT_STATUSES] | None = None  # type: ignore[valid-type]
    land_use: Literal[LAND_USES] | None = None  # type: ignore[valid-type]
    min_mu: wire_float(ge=0, le=1e7) | None = None
    max_mu: wire_float(ge=0, le=1e7) | None = Field(None, description="≥ min_mu when both are given, else 400")
    format: FORMATS = "json"


class AmenitiesQuery(Paging, BboxMixin):
    kind: Literal[AMENITY_KINDS] | None = None  # type: ignore[valid-type]
    limit: wire_int(ge=1, le=5000) = 1000
    format: FORMATS = "json"


class CompareQuery(Query):
    # documented as what it is: an array of ids in the query string's comma form (style form, explode false)
    ids: Annotated[str, WithJsonSchema({"type": "array", "items": {"type": "string", "pattern": ID_PATTERN},
                                        "minItems": 2, "maxItems": 4, "uniqueItems": True,
                                        "examples": [["G331018", "G331019"]]})] = Field(
        ..., description="2-4 distinct park ids, comma-separated: ids=G331018,G331019")

    @field_validator("ids")
    @classmethod
    def _ids(cls, v):
        split_ids(v)
        return v


def split_ids(text) -> list[str]:
    """'A,B' or ['A', 'B'] → 2-4 distinct park ids, or ValueError."""
    ids = text.split(",") if isinstance(text, str) else list(text)
    if not 2 <= len(ids) <= 4:
        raise ValueError("give 2-4 park ids")
    for i in ids:
        if not re.fullmatch(ID_CHARS, i):
            raise ValueError(f"{i!r} is not a park id")
    if len(set(ids)) != len(ids):
        raise ValueError("park ids repeat")
    return ids


COMPARE_EXAMPLES = [
    {"ids": ["G331018", "G331019"]},
    {"ids": ["G331018", "G331019", "G331107"], "requirement": {"industry": "汽车零部件", "land_mu_min": 30,
                                                               "land_mu_max": 120, "power_kva": 2000}}]


def _compare_schema(schema: dict) -> None:
    """The requirement of a comparison must ask for land: it picks each park's best plot."""
    req = schema["properties"]["requirement"]
    req["anyOf"] = [{"allOf": [o, {"anyOf": some_of("land_mu_min", "land_mu_max")}]} if "$ref" in o else o
                    for o in req["anyOf"]]
    schema["examples"] = COMPARE_EXAMPLES


class CompareBody(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=lambda schema: _compare_schema(schema))
    ids: list[ParkId] = Field(..., min_length=2, max_length=4, description="2-4 distinct park ids",
                              json_schema_extra={"uniqueItems": True})
    requirement: Requirement | None = Field(None, description="a project requirement (see /recommend); adds each "
                                                              "park's best plot and why")

    @field_validator("ids")
    @classmethod
    def _ids(cls, v):
        return split_ids(v)

    @field_validator("requirement")
    @classmethod
    def _land(cls, v):
        if v is not None and not v.wants_land:
            raise ValueError("give land (land_mu_min and/or land_mu_max): a comparison picks each park's best plot")
        return v


class EvaluationQuery(Query):
    quarter: str | None = Field(None, pattern=r"^20[0-9]{2}Q[1-4]$", description="e.g. 2025Q3; default the latest",
                                examples=["2025Q3"])


class InquiriesQuery(Paging):
    park_id: str | None = Field(None, pattern=ID_PATTERN)
    status: Literal[tuple(INQUIRY_STATUSES)] | None = None  # type: ignore[valid-type]
    max_age_days: wire_int(ge=1, le=36500) | None = Field(None, description="only inquiries made in the last N days")


class InquiryChange(BaseModel):
    """A staff change to an inquiry in scope: a new status (along 新建 → 已分派 → 已联系 → 已考察 → 已签约 | 已关闭),
    an assignee (a user who may see the park), a dated note; any combination, applied in that order."""
    model_config = ConfigDict(extra="forbid")
    status: Literal[tuple(INQUIRY_STATUSES)] | None = None  # type: ignore[valid-type]
    assignee: str | None = Field(None, min_length=2, max_length=64)
    note: str | None = Field(None, min_length=1, max_length=2000)


class AuditQuery(Paging):
    actor: str | None = Field(None, max_length=64)
    action: Literal[tuple(AUDIT_ACTIONS)] | None = None  # type: ignore[valid-type]
    target: str | None = Field(None, max_length=200, description="e.g. inquiry:ID, user:NAME")


class OgcItemsQuery(BboxMixin):
    limit: wire_int(ge=1, le=10_000) = 100
    offset: wire_int(ge=0, le=10_000_000) = 0
    f: FORMATS | None = Field(None, description="output format: GeoJSON either way")
