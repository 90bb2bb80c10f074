"""Request models of the API. The OpenAPI document is generated from these same models and every request
is validated against them, so the two cannot drift."""
from __future__ import annotations

import math
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..store.schema import AMENITY_KINDS, LAND_USES, LEVELS, PLOT_STATUSES

BBOX_RE = re.compile(r"^\s*-?\d+(\.\d+)?\s*(,\s*-?\d+(\.\d+)?\s*){3}$")
ID_PATTERN = r"^[A-Za-z0-9_.:-]{1,64}$"


def parse_bbox(text: str | None):
    """'minlon,minlat,maxlon,maxlat' → tuple, or ValueError naming the problem."""
    if text is None:
        return None
    parts = text.split(",")
    try:
        vals = [float(p) for p in parts]
    except ValueError:
        raise ValueError("bbox must be four numbers: minlon,minlat,maxlon,maxlat") from None
    if len(vals) != 4 or not all(math.isfinite(v) for v in vals):
        raise ValueError("bbox must be four finite numbers: minlon,minlat,maxlon,maxlat")
    minx, miny, maxx, maxy = vals
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise ValueError("bbox must satisfy -180 ≤ minlon ≤ maxlon ≤ 180 and -90 ≤ minlat ≤ maxlat ≤ 90 (WGS84 lon/lat)")
    return minx, miny, maxx, maxy


class Query(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class Paging(Query):
    limit: int = Field(50, ge=1, le=1000, description="page size")
    offset: int = Field(0, ge=0, le=10_000_000, description="items to skip")


class BboxMixin(Query):
    bbox: str | None = Field(None, description="minlon,minlat,maxlon,maxlat (WGS84); answered from the R*Tree index",
                             examples=["120.1,30.1,120.6,30.5"], max_length=200)

    @field_validator("bbox")
    @classmethod
    def _bbox(cls, v):
        parse_bbox(v)
        return v


class FormatQuery(Query):
    format: Literal["json", "geojson"] = "json"


class ParksQuery(Paging, BboxMixin):
    industry: str | None = Field(None, max_length=50, description="label (生物医药), GB/T 4754 code (C27) or fragment")
    district: str | None = Field(None, max_length=50, description="adcode or name (萧山区, 杭州市)")
    adcode: str | None = Field(None, pattern=r"^\d{2,6}$", description="county adcode, or a prefix (3301 = 杭州)")
    level: Literal[LEVELS] | None = None  # type: ignore[valid-type]
    min_available_mu: float | None = Field(None, ge=0, le=1e7, description="available land (status available), 亩")
    q: str | None = Field(None, max_length=100, description="name contains")
    format: Literal["json", "geojson"] = "json"


class PlotsQuery(Paging, BboxMixin):
    park_id: str | None = Field(None, pattern=ID_PATTERN)
    status: Literal[PLOT_STATUSES] | None = None  # type: ignore[valid-type]
    land_use: Literal[LAND_USES] | None = None  # type: ignore[valid-type]
    min_mu: float | None = Field(None, ge=0, le=1e7)
    max_mu: float | None = Field(None, ge=0, le=1e7)
    format: Literal["json", "geojson"] = "json"


class AmenitiesQuery(Paging, BboxMixin):
    kind: Literal[AMENITY_KINDS] | None = None  # type: ignore[valid-type]
    limit: int = Field(1000, ge=1, le=5000)
    format: Literal["json", "geojson"] = "json"


class CompareQuery(Query):
    ids: str = Field(..., description="2-4 park ids, comma-separated", examples=["G331018,G331019"], max_length=300)

    @field_validator("ids")
    @classmethod
    def _ids(cls, v):
        split_ids(v)
        return v


def split_ids(text) -> list[str]:
    ids = [s.strip() for s in (text.split(",") if isinstance(text, str) else text) if s.strip()]
    if not 2 <= len(ids) <= 4:
        raise ValueError("give 2-4 park ids")
    if len(set(ids)) != len(ids):
        raise ValueError("park ids repeat")
    for i in ids:
        if not re.match(ID_PATTERN, i):
            raise ValueError(f"{i!r} is not a park id")
    return ids


class CompareBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ids: list[str] = Field(..., min_length=2, max_length=4, description="2-4 park ids")
    requirement: dict | None = Field(None, description="a project requirement (see /recommend); adds each park's "
                                                       "best plot and why")

    @field_validator("ids")
    @classmethod
    def _ids(cls, v):
        return split_ids(v)


class InquiryIn(BaseModel):
    """An inquiry (可询) from a project to a park."""
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    park_id: str = Field(..., pattern=ID_PATTERN)
    plot_id: str | None = Field(None, pattern=ID_PATTERN)
    company: str = Field(..., min_length=1, max_length=200)
    contact_name: str = Field(..., min_length=1, max_length=100)
    contact_phone: str | None = Field(None, pattern=r"^[0-9+() -]{5,30}$")
    contact_email: str | None = Field(None, pattern=r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{1,63}$", max_length=254)
    project_summary: str = Field(..., min_length=1, max_length=4000)
    industry: str | None = Field(None, max_length=50)
    confidential: bool = Field(False, description="hide the company and contact in lists")

    @model_validator(mode="after")
    def _contact(self):
        if not self.contact_phone and not self.contact_email:
            raise ValueError("give contact_phone or contact_email")
        return self


class InquiriesQuery(Paging):
    park_id: str | None = Field(None, pattern=ID_PATTERN)


class TokenQuery(Query):
    token: str | None = Field(None, max_length=100, description="the token returned when the inquiry was made "
                                                                "(or header X-Inquiry-Token)")


class OgcItemsQuery(Query):
    bbox: str | None = Field(None, max_length=200, description="minlon,minlat,maxlon,maxlat (CRS84)")
    limit: int = Field(100, ge=1, le=10_000)
    offset: int = Field(0, ge=0, le=10_000_000)
    f: str | None = Field(None, max_length=20, description="output format; only json/geojson")

    @field_validator("bbox")
    @classmethod
    def _bbox(cls, v):
        parse_bbox(v)
        return v
