"""The data contract: layers, their fields, types and allowed values.

Field names here are a contract with the API, the siting model and outside checks. The GeoPackage
backend derives its DDL from this module and the loader validates input against it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import shapely

from .. import vocab

# The allowed codes are the vocabulary's (findpark/vocab.py), in its order.
LEVELS = tuple(vocab.PARK_LEVELS)
LAND_USES = tuple(vocab.LAND_USES)
PLOT_STATUSES = tuple(vocab.PLOT_STATUSES)
EIA_CATEGORIES = tuple(vocab.EIA)  # 登记表 < 报告表 < 报告书
EIA_ZH = vocab.by_zh("eia")  # the Chinese names are accepted on load
AMENITY_KINDS = tuple(vocab.AMENITY_KINDS)


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # text | real | integer | bool | list | date
    required: bool = False
    enum: tuple | None = None
    min: float | None = None
    max: float | None = None
    pattern: str | None = None
    computed: bool = False  # set by the store from the geometry; input values are replaced
    doc: str = ""

    @property
    def sql_type(self) -> str:
        return {"text": "TEXT", "real": "REAL", "integer": "INTEGER", "bool": "BOOLEAN",
                "list": "TEXT", "date": "TEXT"}[self.type]


@dataclass(frozen=True)
class Layer:
    name: str
    geometry_type: str  # GeoPackage geometry_type_name
    fields: tuple
    description: str = ""
    by_name: dict = field(default_factory=dict, compare=False)

    def __post_init__(self):
        self.by_name.update({f.name: f for f in self.fields})

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.fields]

    def require(self, fields) -> None:
        """KeyError naming the first of ``fields`` this layer does not have."""
        for f in fields:
            if f not in self.by_name:
                raise KeyError(f"{self.name} has no field {f!r}")


def stored_geometries(layer: Layer, geoms) -> list:
    """The geometries as ``layer`` stores them: in a MULTIPOLYGON layer a Polygon is a one-part MultiPolygon
    (both backends write it so, and a read gives it back so)."""
    geoms = list(geoms)
    if not layer.geometry_type.startswith("MULTI"):
        return geoms
    return [shapely.MultiPolygon([g]) if g is not None and g.geom_type == "Polygon" else g for g in geoms]


PROVENANCE = (
    Field("source", "text", required=True, doc="what the record came from"),
    Field("as_of", "date", required=True, doc="date the source describes (ISO, YYYY or YYYY-MM allowed)"),
    Field("synthetic", "list", doc="names of fields that were generated rather than taken from a source"),
)

PARKS = Layer("parks", "MULTIPOLYGON", (
    Field("id", "text", required=True, pattern=r"^[A-Za-z0-9_.:-]{1,64}$", doc="catalogue code, e.g. G331018"),
    Field("name", "text", required=True),
    Field("level", "text", required=True, enum=LEVELS),
    Field("kind", "text", required=True, doc="经济技术开发区, 高新技术产业开发区, ..."),
    Field("province", "text"),
    Field("city", "text"),
    Field("district", "text"),
    Field("adcode", "text", required=True, pattern=r"^\d{6}$", doc="6-digit county code"),
    Field("leading_industries", "list", doc="主导产业 labels"),
    Field("industry_codes", "list", doc="GB/T 4754-2017 codes of the leading industries"),
    Field("core_area_ha", "real", min=0),
    Field("approval_date", "date"),
    Field("land_price_wan_per_mu", "real", min=0),
    Field("factory_rent_yuan_m2_day", "real", min=0),
    Field("vacant_factory_m2", "real", min=0),
    Field("tax_per_mu_wan", "real", min=0, doc="亩均税收, 万元/亩"),
    Field("output_per_mu_wan", "real", min=0, doc="亩均产值, 万元/亩"),
    Field("power_spare_kva", "real", min=0),
    Field("water_spare_t_day", "real", min=0),
    Field("boundary_approximate", "bool"),
    Field("area_mu", "real", computed=True, doc="geodesic area of the boundary"),
    *PROVENANCE,
), "Industrial parks / development zones")

PLOTS = Layer("plots", "POLYGON", (
    Field("id", "text", required=True, pattern=r"^[A-Za-z0-9_.:-]{1,64}$"),
    Field("park_id", "text", required=True),
    Field("area_mu", "real", computed=True, doc="geodesic, 1 mu = 10000/15 m²"),
    Field("land_use", "text", required=True, enum=LAND_USES),
    Field("status", "text", required=True, enum=PLOT_STATUSES),
    Field("far_min", "real", min=0),
    Field("far_max", "real", min=0),
    Field("height_limit_m", "real", min=0),
    Field("min_investment_wan_per_mu", "real", min=0, doc="投资强度 threshold"),
    Field("min_tax_wan_per_mu", "real", min=0, doc="亩均税收 threshold"),
    Field("price_wan_per_mu", "real", min=0),
    Field("power_kva", "real", min=0),
    Field("water_t_day", "real", min=0),
    Field("max_eia", "text", enum=EIA_CATEGORIES),
    Field("available_from", "date"),
    *PROVENANCE,
), "Land plots (地块) inside parks")

AMENITIES = Layer("amenities", "POINT", (
    Field("id", "text", required=True, pattern=r"^[A-Za-z0-9_.:-]{1,64}$"),
    Field("kind", "text", required=True, enum=AMENITY_KINDS),
    Field("name", "text", required=True),
    Field("lines", "list", doc="metro/rail lines at a station"),
    *PROVENANCE,
), "Transport hubs and services")

LAYERS = {layer.name: layer for layer in (PARKS, PLOTS, AMENITIES)}


# -- attribute tables (no geometry) ---------------------------------------------------------------------
# Declared here so every backend creates the same tables; the store imports no domain package.

@dataclass(frozen=True)
class Column:
    name: str
    type: str  # text | real | integer | bool | list (JSON text)
    doc: str = ""

    @property
    def sql_type(self) -> str:
        return {"text": "TEXT", "real": "REAL", "integer": "INTEGER", "bool": "INTEGER", "list": "TEXT"}[self.type]


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple
    pk: tuple
    description: str = ""
    indexes: tuple = ()  # column tuples to index

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


# The quarterly indicators a park reports (the 五力 evaluation's input), in this order. Their labels, units
# and directions belong to the evaluation (findpark.evaluation.schema.INDICATORS, which must list the same keys).
QUARTERLY_INDICATORS = (
    "tax_per_mu_wan", "output_per_mu_wan", "value_added_per_mu_wan", "new_investment_per_mu_wan",
    "land_supplied_mu", "land_developed_mu", "vacancy_rate", "rd_share", "hightech_firms", "chain_leader_firms",
    "leading_industry_share", "talent_per_10k", "service_facilities", "energy_per_output_tce_per_wan",
    "investment_attracted_wan", "new_projects",
)

META = Table("meta", (Column("key", "text"), Column("value", "text")), ("key",), "store metadata")
LOAD_LOG = Table("load_log", (Column("id", "integer"), Column("at", "text"), Column("files", "text"),
                              Column("counts", "text"), Column("messages", "text")), ("id",),
                 "what was loaded, when")
PARK_QUARTERLY = Table("park_quarterly", (
    Column("park_id", "text"), Column("quarter", "text", "YYYYQn"),
    *(Column(k, "real") for k in QUARTERLY_INDICATORS),
    Column("source", "text"), Column("as_of", "text"), Column("synthetic", "list"),
), ("park_id", "quarter"), "quarterly park indicators (五力 evaluation input)")
INQUIRIES = Table("inquiries", (
    Column("id", "text"), Column("created_at", "text"), Column("park_id", "text"), Column("plot_id", "text"),
    Column("company", "text"), Column("contact_name", "text"), Column("contact_phone", "text"),
    Column("contact_email", "text"), Column("project_summary", "text"), Column("industry", "text"),
    Column("confidential", "bool"), Column("token_sha256", "text"), Column("status", "text"),
    Column("assignee", "text", "username of the staff member handling it"),
    Column("updated_at", "text"), Column("token_expires_at", "text"), Column("token_revoked", "bool"),
    Column("adcode", "text", "the park's adcode, for district scopes"),
), ("id",), "inquiries (可询) from projects to parks", (("park_id",), ("created_at",)))
INQUIRY_EVENTS = Table("inquiry_events", (
    Column("id", "text"), Column("inquiry_id", "text"), Column("at", "text"), Column("actor", "text"),
    Column("kind", "text", "status | assign | note"), Column("from_status", "text"), Column("to_status", "text"),
    Column("assignee", "text"), Column("note", "text"),
), ("id",), "an inquiry's history: status changes, assignments, staff notes", (("inquiry_id",),))
USERS = Table("users", (
    Column("username", "text"), Column("role", "text", "staff | admin"),
    Column("scopes", "list", "adcode prefixes or park ids a staff member may see"),
    Column("password_hash", "text"), Column("disabled", "bool"), Column("created_at", "text"),
), ("username",), "staff and administrators")
API_TOKENS = Table("api_tokens", (
    Column("id", "text"), Column("username", "text"), Column("token_sha256", "text"), Column("created_at", "text"),
    Column("revoked_at", "text"), Column("last_used_at", "text"),
), ("id",), "API bearer tokens (stored hashed)", (("token_sha256",), ("username",)))
AUDIT_LOG = Table("audit_log", (
    Column("id", "text"), Column("at", "text"), Column("actor", "text"), Column("action", "text"),
    Column("target", "text", "e.g. inquiry:ID, user:NAME"), Column("detail", "text", "JSON"),
    Column("address", "text", "the client's address"),
), ("id",), "who viewed or changed personal data, when, from where", (("at",), ("target",)))

VERSIONS = Table("versions", (
    Column("number", "integer", "1, 2, 3 …; 0 is the state before the first versioned change"),
    Column("at", "text"), Column("author", "text"), Column("note", "text"),
    Column("kind", "text", "baseline | import | edit | restore | external (a change made outside, e.g. findpark load)"),
    Column("counts", "text", "JSON: layer → {added, changed, removed, unchanged}"),
    Column("totals", "text", "JSON: layer → records after this version"),
    Column("data_version", "integer", "the store's data_version right after this version"),
    Column("import_id", "text"), Column("restored_from", "integer"),
    Column("snapshot", "text", "name of the snapshot file holding this version's layers"),
), ("number",), "versions of the geodata: every import, quick edit and restore")
IMPORTS = Table("imports", (
    Column("id", "text"), Column("created_at", "text"), Column("updated_at", "text"), Column("author", "text"),
    Column("status", "text", "staged | applied | discarded"), Column("files", "list"), Column("crs", "text"),
    Column("replace", "bool", "the upload is the whole set of plots of its parks (others of theirs are removed)"),
    Column("base_version", "integer", "data_version the diff was computed against"),
    Column("ok", "bool", "no problems: it may be applied"),
    Column("report", "text", "JSON: problems, notes, warnings per feature"),
    Column("diff", "text", "JSON: added, changed (field by field), removed, unchanged per layer"),
    Column("batches", "text", "JSON: the validated records to write (geometry as WKB hex)"),
    Column("version", "integer", "the version it became when applied"),
), ("id",), "staged imports: validated uploads awaiting review (apply or discard)", (("created_at",),))

CHANGES = Table("changes", (
    Column("version", "integer", "the data_version a write created"),
    Column("layer", "text", "layer or table written; empty on the one marker row every version has"),
    Column("id", "text", "a record upserted or deleted; * when the whole layer changed"),
), ("version", "layer", "id"), "the change log: what each data_version touched (store/changes.py)")

TABLES = {t.name: t for t in (META, LOAD_LOG, PARK_QUARTERLY, INQUIRIES, INQUIRY_EVENTS, USERS, API_TOKENS,
                              AUDIT_LOG, VERSIONS, IMPORTS, CHANGES)}
# The store's own history of data_versions: not copied between stores (a copy is a new history).
LOCAL_TABLES = ("changes",)
# Personal or secret rows: never written into a version snapshot or a data export.
PRIVATE_TABLES = ("inquiries", "inquiry_events", "users", "api_tokens", "audit_log", "imports")

# Record ids (parks, plots, inquiries) as the API and the forms accept them. Written for both regex dialects
# that read them: ECMA-262 (the OpenAPI document, clients) and pydantic-core's Rust engine (the server).
ID_CHARS = r"[A-Za-z0-9_.:-]{1,64}"
ID_PATTERN = rf"^{ID_CHARS}$"
