"""The OpenAPI 3.1 document, generated from the same pydantic models that validate requests."""
from __future__ import annotations

from functools import lru_cache

from pydantic.json_schema import models_json_schema

from .. import __version__
from ..siting import CRITERIA, Requirement
from ..store.schema import AMENITY_KINDS, LAND_USES, LEVELS, PLOT_STATUSES
from . import models as m

REF = "#/components/schemas/{model}"
JSON, GEOJSON, PROBLEM = "application/json", "application/geo+json", "application/problem+json"


def _strip(schema: dict) -> dict:
    """Query parameters are never null: keep the non-null branch of Optional[...] and drop titles."""
    schema = {k: v for k, v in schema.items() if k != "title"}
    if "anyOf" in schema:
        options = [o for o in schema["anyOf"] if o.get("type") != "null"]
        if len(options) == 1:
            rest = {k: v for k, v in schema.items() if k != "anyOf"}
            schema = {**_strip(options[0]), **rest}
    return schema


def params(model) -> list[dict]:
    schema = model.model_json_schema()
    required = set(schema.get("required", []))
    out = []
    for name, prop in schema["properties"].items():
        p = {"name": name, "in": "query", "required": name in required, "schema": _strip(prop)}
        if "description" in prop:
            p["description"] = prop["description"]
            p["schema"].pop("description", None)
        out.append(p)
    return out


def path_param(name: str, description: str) -> dict:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": {"type": "string", "pattern": m.ID_PATTERN}}


def _obj(required: list, props: dict, extra: bool = True) -> dict:
    return {"type": "object", "required": required, "properties": props, "additionalProperties": extra}


NUM = {"type": "number"}
NUM_OR_NULL = {"type": ["number", "null"]}
STR = {"type": "string"}
STR_OR_NULL = {"type": ["string", "null"]}
LONLAT = {"type": ["array", "null"], "items": NUM, "minItems": 2, "maxItems": 2}
GEOMETRY = {"type": ["object", "null"], "required": ["type"], "properties": {"type": STR}}

RESPONSE_SCHEMAS = {
    "Problem": _obj(["type", "title", "status"], {
        "type": STR, "title": STR, "status": {"type": "integer"}, "detail": STR, "instance": STR,
        "invalid-params": {"type": "array", "items": _obj(["name", "reason"], {"name": STR, "reason": STR})}}),
    "Park": _obj(["id", "name", "level", "kind", "adcode", "source", "as_of", "synthetic"], {
        "id": STR, "name": STR, "level": {"enum": list(LEVELS)}, "kind": STR, "province": STR_OR_NULL,
        "city": STR_OR_NULL, "district": STR_OR_NULL, "adcode": STR,
        "leading_industries": {"type": "array", "items": STR}, "industry_codes": {"type": "array", "items": STR},
        "core_area_ha": NUM_OR_NULL, "tax_per_mu_wan": NUM_OR_NULL, "boundary_approximate": {"type": ["boolean", "null"]},
        "source": STR, "as_of": STR, "synthetic": {"type": "array", "items": STR}, "centroid": LONLAT,
        "bbox": {"type": ["array", "null"], "items": NUM}}),
    "Plot": _obj(["id", "park_id", "area_mu", "land_use", "status", "source", "as_of", "synthetic"], {
        "id": STR, "park_id": STR, "area_mu": NUM_OR_NULL, "land_use": {"enum": list(LAND_USES)},
        "status": {"enum": list(PLOT_STATUSES)}, "max_eia": {"type": ["string", "null"]},
        "available_from": STR_OR_NULL, "source": STR, "as_of": STR, "synthetic": {"type": "array", "items": STR},
        "centroid": LONLAT}),
    "Amenity": _obj(["id", "kind", "name", "source", "as_of"], {
        "id": STR, "kind": {"enum": list(AMENITY_KINDS)}, "name": STR, "source": STR, "as_of": STR, "location": LONLAT}),
    "Feature": _obj(["type", "geometry", "properties"], {
        "type": {"const": "Feature"}, "id": {"type": ["string", "integer"]}, "geometry": GEOMETRY,
        "properties": {"type": ["object", "null"]}}),
    "FeatureCollection": _obj(["type", "features"], {
        "type": {"const": "FeatureCollection"}, "features": {"type": "array", "items": {"$ref": REF.format(model="Feature")}},
        "numberMatched": {"type": "integer"}, "numberReturned": {"type": "integer"},
        "links": {"type": "array", "items": {"$ref": REF.format(model="Link")}}}),
    "Link": _obj(["href", "rel"], {"href": STR, "rel": STR, "type": STR, "title": STR}),
    "Scored": _obj(["score", "contributions", "reasons"], {
        "score": NUM, "contributions": {"type": "object", "additionalProperties": NUM},
        "criteria": {"type": "object", "additionalProperties": NUM}, "reasons": {"type": "array", "items": STR}}),
    "Excluded": _obj(["total", "by_reason"], {
        "total": {"type": "integer"}, "by_reason": {"type": "object", "additionalProperties": {"type": "integer"}},
        "examples": {"type": "object", "additionalProperties": {"type": "array", "items": STR}},
        "unit": {"enum": ["plots", "parks"]}}),
    "RecommendResponse": _obj(["request", "weights", "plots", "parks", "excluded"], {
        "request": {"type": "object"},
        "weights": {"type": "object", "properties": {c: NUM for c in CRITERIA}, "required": list(CRITERIA)},
        "profile": STR,
        "plots": {"type": "array", "items": {"allOf": [{"$ref": REF.format(model="Scored")}, _obj(
            ["rank", "plot_id", "park_id", "park_name", "stability", "area_mu", "centroid"],
            {"rank": {"type": "integer", "minimum": 1}, "plot_id": STR, "park_id": STR, "park_name": STR,
             "stability": {"type": "number", "minimum": 0, "maximum": 1}, "area_mu": NUM, "centroid": LONLAT})]}},
        "parks": {"type": "array", "items": {"allOf": [{"$ref": REF.format(model="Scored")}, _obj(
            ["rank", "park_id", "name", "best_plot_id", "n_eligible_plots"],
            {"rank": {"type": "integer", "minimum": 1}, "park_id": STR, "name": STR, "best_plot_id": STR_OR_NULL,
             "n_eligible_plots": {"type": "integer"}, "via": {"enum": ["plot", "floor_space"]}})]}},
        "excluded": {"$ref": REF.format(model="Excluded")}, "reference_date": STR,
        "data_version": {"type": "integer"}, "warnings": {"type": "array", "items": STR}}),
    "Indicator": _obj(["key", "label", "unit"], {"key": STR, "label": STR, "unit": STR,
                                                 "value": NUM_OR_NULL, "synthetic": {"type": "boolean"}}),
    "CompareResponse": _obj(["parks", "indicators"], {
        "parks": {"type": "array", "items": {"allOf": [{"$ref": REF.format(model="Park")}, _obj(
            ["indicators", "plots_summary"], {"indicators": {"type": "array", "items": {"$ref": REF.format(model="Indicator")}},
                                              "plots_summary": {"type": "object"}, "fit": {"type": "object"}})]}},
        "indicators": {"type": "array", "items": {"$ref": REF.format(model="Indicator")}},
        "requirement": {"type": "object"}}),
    "Inquiry": _obj(["id", "created_at", "park_id", "company", "confidential"], {
        "id": STR, "created_at": STR, "park_id": STR, "plot_id": STR_OR_NULL, "company": STR,
        "contact_name": STR_OR_NULL, "contact_phone": STR_OR_NULL, "contact_email": STR_OR_NULL,
        "project_summary": STR_OR_NULL, "industry": STR_OR_NULL, "confidential": {"type": "boolean"},
        "status": STR_OR_NULL, "token": {"type": "string", "description": "returned once, on creation"}}),
    "InquiryList": _obj(["inquiries", "total", "confidential_not_listed"], {
        "inquiries": {"type": "array", "items": _obj(["id", "park_id", "company"], {
            "id": STR, "created_at": STR, "park_id": STR, "plot_id": STR_OR_NULL, "company": STR,
            "industry": STR_OR_NULL, "project_summary": STR_OR_NULL, "status": STR_OR_NULL})},
        "total": {"type": "integer"}, "confidential_not_listed": {"type": "integer"},
        "limit": {"type": "integer"}, "offset": {"type": "integer"}}),
}


def _list(key: str, item: str) -> dict:
    return _obj([key, "total", "limit", "offset"], {key: {"type": "array", "items": {"$ref": REF.format(model=item)}},
                                                    "total": {"type": "integer"}, "limit": {"type": "integer"},
                                                    "offset": {"type": "integer"}})


def _content(schema_name: str | dict, *types: str) -> dict:
    schema = {"$ref": REF.format(model=schema_name)} if isinstance(schema_name, str) else schema_name
    return {"content": {t: {"schema": schema} for t in (types or (JSON,))}}


def _problem(description: str) -> dict:
    return {"description": description, **_content("Problem", PROBLEM)}


def op(summary: str, ok: dict, *, parameters=(), body: str | None = None, errors=(400,), ok_status="200",
       tags=("findpark",), description: str = "") -> dict:
    texts = {400: "invalid parameters or malformed JSON", 401: "token missing", 403: "token does not match",
             404: "not found", 413: "body larger than MAX_CONTENT_LENGTH", 415: "body is not application/json",
             422: "invalid body: every bad field in invalid-params", 503: "store unreachable"}
    responses = {ok_status: ok}
    for code in errors:
        responses[str(code)] = _problem(texts[code])
    out = {"summary": summary, "tags": list(tags), "parameters": list(parameters), "responses": responses}
    if description:
        out["description"] = description
    if body:
        out["requestBody"] = {"required": True, **_content(body)}
    return out


@lru_cache(maxsize=1)
def _document() -> dict:
    _, defs = models_json_schema([(Requirement, "validation"), (m.InquiryIn, "validation"),
                                  (m.CompareBody, "validation")], ref_template=REF)
    schemas = {**defs.get("$defs", {}), **RESPONSE_SCHEMAS,
               "ParkList": _list("parks", "Park"), "PlotList": _list("plots", "Plot"),
               "AmenityList": _list("amenities", "Amenity")}
    fc = "FeatureCollection"
    pid = path_param("id", "park id (catalogue code, e.g. G331018)")
    paths = {
        "/api/v1/parks": {"get": op("Search parks (可查)", {"description": "parks", **_content(
            {"oneOf": [{"$ref": REF.format(model="ParkList")}, {"$ref": REF.format(model=fc)}]}, JSON, GEOJSON)},
            parameters=params(m.ParksQuery), tags=("parks",))},
        "/api/v1/parks/{id}": {"get": op("One park with indicators, provenance and plots summary (可看)",
                                         {"description": "the park", **_content("Park", JSON, GEOJSON)},
                                         parameters=[pid, *params(m.FormatQuery)], errors=(400, 404), tags=("parks",))},
        "/api/v1/plots": {"get": op("Search plots", {"description": "plots", **_content(
            {"oneOf": [{"$ref": REF.format(model="PlotList")}, {"$ref": REF.format(model=fc)}]}, JSON, GEOJSON)},
            parameters=params(m.PlotsQuery), tags=("plots",))},
        "/api/v1/plots/{id}": {"get": op("One plot", {"description": "the plot", **_content("Plot", JSON, GEOJSON)},
                                         parameters=[path_param("id", "plot id"), *params(m.FormatQuery)],
                                         errors=(400, 404), tags=("plots",))},
        "/api/v1/amenities": {"get": op("Airports, stations …", {"description": "amenities", **_content(
            {"oneOf": [{"$ref": REF.format(model="AmenityList")}, {"$ref": REF.format(model=fc)}]}, JSON, GEOJSON)},
            parameters=params(m.AmenitiesQuery), tags=("amenities",))},
        "/api/v1/recommend": {"post": op("Rank plots and parks for a project (项目落位智能匹配)",
                                         {"description": "ranked plots and parks", **_content("RecommendResponse")},
                                         body="Requirement", errors=(400, 413, 415, 422), tags=("siting",))},
        "/api/v1/compare": {
            "get": op("2-4 parks side by side (可比)", {"description": "comparison", **_content("CompareResponse")},
                      parameters=params(m.CompareQuery), errors=(400, 404), tags=("parks",)),
            "post": op("2-4 parks side by side with a requirement: each park's best plot and why",
                       {"description": "comparison", **_content("CompareResponse")}, body="CompareBody",
                       errors=(400, 404, 413, 415, 422), tags=("parks",))},
        "/api/v1/inquiries": {
            "post": op("Leave an inquiry to a park (可询)", {"description": "created; keep the token to read it back",
                                                           **_content("Inquiry")},
                       body="InquiryIn", errors=(400, 413, 415, 422), ok_status="201", tags=("inquiries",)),
            "get": op("Inquiries (confidential ones are not listed)", {"description": "inquiries",
                                                                       **_content("InquiryList")},
                      parameters=params(m.InquiriesQuery), tags=("inquiries",))},
        "/api/v1/inquiries/{id}": {"get": op(
            "An inquiry, to whoever holds its token", {"description": "the inquiry", **_content("Inquiry")},
            parameters=[path_param("id", "inquiry id"), *params(m.TokenQuery),
                        {"name": "X-Inquiry-Token", "in": "header", "required": False, "schema": {"type": "string"}}],
            errors=(400, 401, 403, 404), tags=("inquiries",))},
        "/api/v1/profiles": {"get": op("Weight profiles", {"description": "profiles", **_content(
            _obj(["profiles"], {"profiles": {"type": "array", "items": _obj(["name", "weights"], {
                "name": STR, "title": STR, "description": STR, "weights": {"type": "object"}})}}))},
            errors=(), tags=("siting",))},
        "/api/v1/health": {"get": op("Store reachable, data version, counts", {"description": "healthy", **_content(
            _obj(["status", "data_version", "counts"], {"status": {"const": "ok"}, "data_version": {"type": "integer"},
                                                         "counts": {"type": "object"}, "backend": STR}))},
            errors=(503,), tags=("service",))},
        "/ogc": {"get": op("OGC API Features landing page", {"description": "landing page", **_content(
            _obj(["links"], {"title": STR, "links": {"type": "array", "items": {"$ref": REF.format(model="Link")}}}))},
            errors=(), tags=("ogc",))},
        "/ogc/conformance": {"get": op("Conformance classes", {"description": "conformance", **_content(
            _obj(["conformsTo"], {"conformsTo": {"type": "array", "items": STR}}))}, errors=(), tags=("ogc",))},
        "/ogc/collections": {"get": op("Collections", {"description": "collections", **_content(
            _obj(["collections", "links"], {"collections": {"type": "array", "items": {"type": "object"}},
                                            "links": {"type": "array"}}))}, errors=(), tags=("ogc",))},
        "/ogc/collections/{collectionId}": {"get": op(
            "A collection", {"description": "collection", **_content(_obj(["id", "links"], {"id": STR}))},
            parameters=[{"name": "collectionId", "in": "path", "required": True,
                         "schema": {"type": "string", "enum": ["parks", "plots", "amenities"]}}],
            errors=(404,), tags=("ogc",))},
        "/ogc/collections/{collectionId}/items": {"get": op(
            "Features of a collection, paged (next/prev links)", {"description": "features", **_content(fc, GEOJSON)},
            parameters=[{"name": "collectionId", "in": "path", "required": True,
                         "schema": {"type": "string", "enum": ["parks", "plots", "amenities"]}},
                        *params(m.OgcItemsQuery)], errors=(400, 404), tags=("ogc",))},
        "/ogc/collections/{collectionId}/items/{featureId}": {"get": op(
            "One feature", {"description": "feature", **_content("Feature", GEOJSON)},
            parameters=[{"name": "collectionId", "in": "path", "required": True,
                         "schema": {"type": "string", "enum": ["parks", "plots", "amenities"]}},
                        path_param("featureId", "feature id")], errors=(404,), tags=("ogc",))},
    }
    return {"openapi": "3.1.0",
            "info": {"title": "findpark 一键找园 API", "version": f"1 (findpark {__version__})",
                     "description": "Park search and project siting for Zhejiang. Errors are RFC 9457 problem "
                                    "details. Geometry is WGS84 lon/lat (RFC 7946)."},
            "paths": paths, "components": {"schemas": schemas}}


def build_spec(app=None) -> dict:
    return _document()
