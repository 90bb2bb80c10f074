"""The project requirement (a contract shared by the API, the web form and the CLI), validated by pydantic.

Unknown fields are an error. ``normalise()`` resolves the industry to GB/T 4754 codes, Chinese EIA names
to ``registration|report_form|report``, district names to adcodes, and derives the land use when missing.
"""
from __future__ import annotations

import math
import numbers
from typing import Annotated, Literal

from pydantic import (BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, ValidationInfo,
                      field_validator, model_validator)

from .. import taxonomy, vocab
from ..taxonomy import matching
from ..gazetteer import resolve_district
from ..store.schema import AMENITY_KINDS, EIA_CATEGORIES, LAND_USES
from .profiles import CRITERIA, list_profiles  # CRITERIA: the order of the weight vector

EIA_BY_ZH = vocab.by_zh("eia")  # 登记表 → registration …
EIA_RANK = {name: i for i, name in enumerate(EIA_CATEGORIES)}

# Land-use class a project of a family needs when the request does not say, and the classes a plot may
# have for a project of a class (a cleaner project may go on land zoned for a heavier class).
FAMILY_LAND_USE = {"化工": "M2", "金属冶金": "M2", "建材": "M2", "物流贸易": "W1", "现代服务": "M0"}
COMPATIBLE = {"M0": ("M0", "M1"), "M1": ("M1", "M2"), "M2": ("M2", "M3"), "M3": ("M3",), "W1": ("W1",)}

AmenityKind = Literal[AMENITY_KINDS]  # type: ignore[valid-type]
MAX_DISTANCE_KM = 1000
MAX_WEIGHT = 1e6
EiaName = Literal[EIA_CATEGORIES + tuple(EIA_BY_ZH)]  # type: ignore[valid-type]


# Numbers are JSON numbers: pydantic's lax mode would also take "80", true or 1e400 (→ inf).
def _number(v):
    if isinstance(v, bool) or not isinstance(v, numbers.Real):
        raise ValueError("must be a number")
    try:
        f = float(v)
    except OverflowError:
        raise ValueError("must be a finite number") from None
    if not math.isfinite(f):
        raise ValueError("must be a finite number")
    return f


def _integer(v):
    if isinstance(v, bool) or not isinstance(v, numbers.Real):
        raise ValueError("must be an integer")
    if not isinstance(v, numbers.Integral):
        if not float(v).is_integer():  # 10.0 is the JSON integer 10
            raise ValueError("must be an integer")
        return int(v)
    return int(v)


def number(**constraints):
    """A JSON number with ``Field`` constraints (inside the type, so they reach the schema of ``X | None``)."""
    return Annotated[float, Field(**constraints), BeforeValidator(_number)]


def integer(**constraints):
    return Annotated[int, Field(**constraints), BeforeValidator(_integer)]


def some_of(*fields: str) -> list[dict]:
    """JSON Schema: at least one of ``fields`` present and not null."""
    return [{"required": [f], "properties": {f: {"not": {"type": "null"}}}} for f in fields]


def _schema_extra(schema: dict) -> None:
    """The model-level rules that JSON Schema can state, so the document says exactly what is accepted."""
    schema["anyOf"] = some_of("land_mu_min", "land_mu_max", "floor_m2")
    schema["not"] = {"required": ["weights", "profile"],
                     "properties": {"weights": {"not": {"type": "null"}}, "profile": {"not": {"type": "null"}}}}
    schema["examples"] = EXAMPLES
    distances = next(o for o in schema["properties"]["max_distance_km"]["anyOf"] if o.get("type") == "object")
    distances["additionalProperties"].update(exclusiveMinimum=0, maximum=MAX_DISTANCE_KM)
    weights = next(o for o in schema["properties"]["weights"]["anyOf"] if o.get("type") == "object")
    weights["propertyNames"] = {"enum": list(CRITERIA)}
    weights["additionalProperties"].update(minimum=0, maximum=MAX_WEIGHT)
    weights["anyOf"] = [{"required": [c], "properties": {c: {"exclusiveMinimum": 0}}} for c in CRITERIA]


EXAMPLES = [
    {"name": "新能源汽车零部件项目", "industry": "汽车零部件", "land_mu_min": 80, "land_mu_max": 120, "power_kva": 5000,
     "investment_wan": 60000, "annual_tax_wan": 2000, "eia": "报告表",
     "max_distance_km": {"airport": 80, "rail_station": 40}},
    {"industry": "生物医药", "floor_m2": 5000, "districts": ["杭州市"], "profile": "rnd", "top_k": 5},
    {"industry": "C36", "land_mu_max": 60, "weights": {"industry": 2, "cost": 1, "transport": 1}},
]


class Requirement(BaseModel):
    """Unknown fields are an error. Rules beyond this schema (answered with 422): ``industry`` must be a
    catalogue label or a GB/T 4754-2017 code, ``districts`` known adcodes or names, ``profile`` a known
    profile, and ``land_mu_max`` ≥ ``land_mu_min``."""
    model_config = ConfigDict(extra="forbid", json_schema_extra=lambda schema: _schema_extra(schema))

    name: str | None = Field(None, max_length=200)
    industry: str = Field(..., min_length=1, max_length=50,
                          description="catalogue label (生物医药), trade name (芯片, 锂电) or GB/T 4754-2017 code "
                                      "(C27, C2710); several separated by 、 or a comma (汽车零部件、锂电池)")
    land_mu_min: number(gt=0, le=100_000) | None = Field(None)
    land_mu_max: number(gt=0, le=100_000) | None = Field(None, description="≥ land_mu_min")
    floor_m2: number(gt=0, le=10_000_000) | None = Field(None)
    investment_wan: number(ge=0, le=1e8) | None = Field(None)
    annual_tax_wan: number(ge=0, le=1e7) | None = Field(None)
    power_kva: number(ge=0, le=1e6) | None = Field(None)
    water_t_day: number(ge=0, le=1e6) | None = Field(None)
    eia: EiaName | None = Field(None, description="registration|report_form|report or 登记表/报告表/报告书")
    land_use: Literal[LAND_USES] | None = None  # type: ignore[valid-type]
    max_price_wan_per_mu: number(gt=0, le=100_000) | None = Field(None)
    districts: list[str] | None = Field(None, max_length=200,
                                        description="adcodes (330109; 330100 = a whole city) or names (萧山区, 杭州市)")
    max_distance_km: dict[AmenityKind, number()] | None = Field(None, description="amenity kind → km, > 0 and ≤ 1000")
    weights: dict[str, number()] | None = Field(
        None, description="criterion → relative weight (missing criteria count 0); at least one above 0")
    profile: str | None = Field(None, max_length=64)
    top_k: integer(ge=1, le=100) = 10

    @field_validator("name")
    @classmethod
    def _name(cls, v):
        return v.strip() if v is not None else v

    @field_validator("industry")
    @classmethod
    def _industry_known(cls, v: str) -> str:
        v = v.strip()
        try:
            q = matching.parse(v)
        except matching.UnknownIndustry as exc:
            raise ValueError(exc.message()) from None
        return "、".join(q.terms)

    @field_validator("eia")
    @classmethod
    def _eia(cls, v):
        return EIA_BY_ZH.get(v, v) if v is not None else v

    @field_validator("profile")
    @classmethod
    def _profile_known(cls, v):
        v = v.strip() if v is not None else v
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
        v = [d.strip() for d in v] if v is not None else v
        for d in v or []:
            if not resolve_district(d):
                raise ValueError(f"unknown district {d!r}: use a 6-digit adcode (330109, 330100 for a city) or a "
                                 "county/city name (萧山区, 杭州市)")
        return v

    # the rules on the values of these two maps are checked here, so an error names the map (the schema says
    # the same in _schema_extra)
    @field_validator("max_distance_km")
    @classmethod
    def _distances(cls, v):
        for kind, km in (v or {}).items():
            if not (0 < km <= MAX_DISTANCE_KM):
                raise ValueError(f"{kind}: distance must be > 0 and ≤ {MAX_DISTANCE_KM} km, got {km}")
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
            if not (0 <= x <= MAX_WEIGHT):
                raise ValueError(f"{k}: weights must be ≥ 0 and ≤ {MAX_WEIGHT:g} (they are relative), got {x}")
        if not any(x > 0 for x in v.values()):
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
    def industry_query(self) -> matching.Query:
        return matching.parse(self.industry)

    @property
    def industry_codes(self) -> tuple[str, ...]:
        return self.industry_query.codes

    @property
    def family(self) -> str | None:
        """The family of the first industry named (it decides the default land use)."""
        return taxonomy.family(self.industry_query.terms[0])

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
