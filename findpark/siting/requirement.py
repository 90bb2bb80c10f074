"""The project requirement (a contract shared by the API, the web form and the CLI), validated by pydantic.

Unknown fields are an error. ``normalise()`` resolves the industry to GB/T 4754 codes, Chinese EIA names
to ``registration|report_form|report``, district names to adcodes, and derives the land use when missing.
"""
from __future__ import annotations

from typing import Literal

from pydantic import (BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator,
                      model_validator)

from .. import taxonomy
from ..gazetteer import resolve_district
from ..store.schema import AMENITY_KINDS, EIA_CATEGORIES, EIA_ZH, LAND_USES

CRITERIA = ("industry", "land_fit", "cost", "transport", "utilities", "performance", "readiness")
EIA_RANK = {name: i for i, name in enumerate(EIA_CATEGORIES)}

# Land-use class a project of a family needs when the request does not say, and the classes a plot may
# have for a project of a class (a cleaner project may go on land zoned for a heavier class).
FAMILY_LAND_USE = {"化工": "M2", "金属冶金": "M2", "建材": "M2", "物流贸易": "W1", "现代服务": "M0"}
COMPATIBLE = {"M0": ("M0", "M1"), "M1": ("M1", "M2"), "M2": ("M2", "M3"), "M3": ("M3",), "W1": ("W1",)}

AmenityKind = Literal[AMENITY_KINDS]  # type: ignore[valid-type]


class Requirement(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str | None = Field(None, max_length=200)
    industry: str = Field(..., min_length=1, max_length=50,
                          description="catalogue label (生物医药) or GB/T 4754-2017 code (C27, C2710)")
    land_mu_min: float | None = Field(None, gt=0, le=100_000)
    land_mu_max: float | None = Field(None, gt=0, le=100_000)
    floor_m2: float | None = Field(None, gt=0, le=10_000_000)
    investment_wan: float | None = Field(None, ge=0, le=1e8)
    annual_tax_wan: float | None = Field(None, ge=0, le=1e7)
    power_kva: float | None = Field(None, ge=0, le=1e6)
    water_t_day: float | None = Field(None, ge=0, le=1e6)
    eia: str | None = Field(None, description="registration|report_form|report or 登记表/报告表/报告书")
    land_use: Literal["M0", "M1", "M2", "M3", "W1"] | None = None
    max_price_wan_per_mu: float | None = Field(None, gt=0, le=100_000)
    districts: list[str] | None = Field(None, max_length=200)
    max_distance_km: dict[AmenityKind, float] | None = None
    weights: dict[str, float] | None = None
    profile: str | None = Field(None, max_length=64)
    top_k: int = Field(10, ge=1, le=100)

    @field_validator("industry")
    @classmethod
    def _industry_known(cls, v: str) -> str:
        try:
            taxonomy.resolve(v)
        except KeyError:
            raise ValueError(f"unknown industry {v!r}: use a catalogue label such as 生物医药 or a GB/T 4754-2017 "
                             "code such as C27 or C2710") from None
        return v.upper() if taxonomy.is_code(v) else v

    @field_validator("eia")
    @classmethod
    def _eia(cls, v):
        if v is None:
            return v
        v = EIA_ZH.get(v, v)
        if v not in EIA_CATEGORIES:
            raise ValueError(f"must be one of {', '.join(EIA_CATEGORIES)} (or 登记表/报告表/报告书), got {v!r}")
        return v

    @field_validator("profile")
    @classmethod
    def _profile_known(cls, v):
        from .profiles import list_profiles  # profiles imports this module

        if v is not None and v not in list_profiles():
            raise ValueError(f"unknown profile {v!r}; profiles are {', '.join(list_profiles())}")
        return v

    @field_validator("land_mu_max")
    @classmethod
    def _max_not_below_min(cls, v, info: ValidationInfo):
        lo = info.data.get("land_mu_min")
        if v is not None and lo is not None and v < lo:
            raise ValueError(f"must be ≥ land_mu_min ({lo}), got {v}")
        return v

    @field_validator("districts")
    @classmethod
    def _districts_known(cls, v):
        for d in v or []:
            if not resolve_district(d):
                raise ValueError(f"unknown district {d!r}: use a 6-digit adcode (330109, 330100 for a city) or a "
                                 "county/city name (萧山区, 杭州市)")
        return v

    @field_validator("max_distance_km")
    @classmethod
    def _distances(cls, v):
        for kind, km in (v or {}).items():
            if not (0 < km <= 1000):
                raise ValueError(f"{kind}: distance must be > 0 and ≤ 1000 km, got {km}")
        return v

    @field_validator("weights")
    @classmethod
    def _weights(cls, v):
        if v is None:
            return v
        unknown = sorted(set(v) - set(CRITERIA))
        if unknown:
            raise ValueError(f"unknown criteria {', '.join(unknown)}; criteria are {', '.join(CRITERIA)}")
        for k, x in v.items():
            if not (x >= 0) or x == float("inf"):
                raise ValueError(f"{k}: weights must be finite and non-negative, got {x}")
        if sum(v.values()) <= 0:
            raise ValueError("at least one weight must be positive")
        return v

    @model_validator(mode="after")
    def _land_or_floor(self):
        if self.land_mu_min is None and self.land_mu_max is None and self.floor_m2 is None:
            raise ValueError("give land (land_mu_min and/or land_mu_max, 供地) or floor space (floor_m2, 供楼)")
        if self.weights is not None and self.profile is not None:
            raise ValueError("give weights or profile, not both")
        return self

    # -- derived -------------------------------------------------------------------------------
    @property
    def wants_land(self) -> bool:
        return self.land_mu_min is not None or self.land_mu_max is not None

    @property
    def wants_floor(self) -> bool:
        return self.floor_m2 is not None

    @property
    def industry_codes(self) -> tuple[str, ...]:
        return taxonomy.resolve(self.industry)

    @property
    def industry_label(self) -> str | None:
        return None if taxonomy.is_code(self.industry) else self.industry

    @property
    def family(self) -> str | None:
        return taxonomy.family(self.industry)

    @property
    def effective_land_use(self) -> str:
        return self.land_use or FAMILY_LAND_USE.get(self.family or "", "M1")

    @property
    def district_adcodes(self) -> tuple[str, ...] | None:
        if not self.districts:
            return None
        return tuple(sorted({a for d in self.districts for a in resolve_district(d)}))

    @property
    def allowed_land_uses(self) -> tuple[str, ...]:
        return COMPATIBLE[self.effective_land_use]


def format_errors(exc: ValidationError) -> list[dict]:
    """pydantic errors → [{"field": "land_mu_max", "message": "..."}], one per problem."""
    out = []
    for e in exc.errors():
        loc = ".".join(str(x) for x in e["loc"] if x != "[key]") or "request"
        msg = e["msg"].removeprefix("Value error, ")
        if e["type"] == "extra_forbidden":
            msg = "unknown field"
        out.append({"field": loc, "message": msg})
    return out
