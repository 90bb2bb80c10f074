"""The OpenAPI 3.1 document, generated from the same pydantic models that validate requests."""
from __future__ import annotations

from functools import lru_cache

from pydantic.json_schema import models_json_schema

from .. import __version__, vocab
from ..siting import CRITERIA, Requirement
from ..store.schema import LAYERS
from . import models as m
from .openapi_schemas import (GEOJSON, INT, JSON, PROBLEM, REF, RESPONSE_SCHEMAS, STR, _array, _collection,
                              _normalised_request, _obj, _ref, params, path_param)


def _list(key: str, item: str) -> dict:
    return _obj([key, "total", "limit", "offset"], {key: _array(_ref(item)), "total": {"type": "integer", "minimum": 0},
                                                    "limit": INT, "offset": INT})


def _content(schema: str | dict, *types: str) -> dict:
    schema = _ref(schema) if isinstance(schema, str) else schema
    return {"content": {t: {"schema": schema} for t in (types or (JSON,))}}


def _by_type(json_schema: str, geojson_schema: str) -> dict:
    """?format=json (application/json) or ?format=geojson (application/geo+json)."""
    return {"content": {JSON: {"schema": _ref(json_schema)}, GEOJSON: {"schema": _ref(geojson_schema)}}}


def _problem(description: str) -> dict:
    return {"description": description, **_content("Problem", PROBLEM)}


ERRORS = {400: "invalid parameters (each in invalid-params) or malformed JSON",
          401: "no token, or not a valid one (WWW-Authenticate says which kind)",
          403: "the token does not allow this (wrong role, wrong inquiry, expired or revoked)", 404: "not found",
          409: "conflict: the import was applied or discarded already, or the data changed since it was staged",
          413: "body larger than MAX_CONTENT_LENGTH", 415: "body is not application/json",
          422: "invalid body: every bad field in invalid-params", 429: "too many requests (see Retry-After)",
          503: "store unreachable"}
# Who may call: the public (no security), staff and admins with an API token (findpark users token NAME), the
# inquirer with the token returned when the inquiry was made.
SECURITY_SCHEMES = {
    "bearerAuth": {"type": "http", "scheme": "bearer",
                   "description": "a staff or admin API token (findpark users token NAME); revocable"},
    "inquiryToken": {"type": "apiKey", "in": "header", "name": "X-Inquiry-Token",
                     "description": "the token returned once when the inquiry was made; expires, revocable"},
}
PUBLIC, STAFF, INQUIRER_OR_STAFF = [], [{"bearerAuth": []}], [{"inquiryToken": []}, {"bearerAuth": []}]


def op(op_id: str, summary: str, ok: dict, *, parameters=(), body: str | None = None, errors=(400,),
       ok_status="200", tags=("findpark",), description: str = "", links: dict | None = None,
       security: list | None = None) -> dict:
    responses = {ok_status: ok}
    if links:
        ok["links"] = links
    for code in errors:
        responses[str(code)] = _problem(ERRORS[code])
    out = {"operationId": op_id, "summary": summary, "tags": list(tags), "parameters": list(parameters),
           "responses": responses}
    if description:
        out["description"] = description
    if body:
        out["requestBody"] = {"required": True, **_content(body)}
    if security is not None:
        out["security"] = security
    return out


BODY_ERRORS = (400, 413, 415, 422)
COLLECTION_ID = {"name": "collectionId", "in": "path", "required": True,
                 "schema": {"type": "string", "enum": list(LAYERS)}}


@lru_cache(maxsize=1)
def _document() -> dict:
    _, defs = models_json_schema([(Requirement, "validation"), (m.InquiryIn, "validation"),
                                  (m.CompareBody, "validation"), (m.InquiryChange, "validation")], ref_template=REF)
    defs = defs.get("$defs", {})
    schemas = {**defs, **RESPONSE_SCHEMAS, "NormalisedRequest": _normalised_request(defs["Requirement"]),
               "ParkList": _list("parks", "ParkListItem"), "ParkCollection": _collection(_ref("ParkFeature")),
               "PlotList": _list("plots", "Plot"), "PlotCollection": _collection(_ref("PlotFeature")),
               "AmenityList": _list("amenities", "Amenity"), "AmenityCollection": _collection(_ref("AmenityFeature")),
               "OgcFeature": {"anyOf": [_ref("ParkFeature"), _ref("PlotFeature"), _ref("AmenityFeature")]},
               "OgcFeatureCollection": _collection(_ref("OgcFeature"), ogc=True)}
    schemas["OgcItem"] = {"allOf": [_ref("OgcFeature"), {"required": ["links"],
                                                         "properties": {"links": _array(_ref("Link"))}}]}
    for name in ("ParkFeature", "PlotFeature", "AmenityFeature"):  # an OGC item also carries its links
        schemas[name]["properties"]["links"] = _array(_ref("Link"))
    inquiry_id = path_param("id", "inquiry id")
    paths = {
        "/api/v1/parks": {"get": op(
            "listParks", "Search parks (可查)", {"description": "parks", **_by_type("ParkList", "ParkCollection")},
            parameters=params(m.ParksQuery), tags=("parks",),
            links={"GetPark": {"operationId": "getPark", "parameters": {"id": "$response.body#/parks/0/id"}}})},
        "/api/v1/parks/{id}": {"get": op(
            "getPark", "One park with indicators, provenance and plots summary (可看)",
            {"description": "the park", **_by_type("ParkDetail", "ParkFeature")},
            parameters=[path_param("id", "park id (catalogue code)", "G331018"), *params(m.FormatQuery)],
            errors=(400, 404), tags=("parks",))},
        "/api/v1/evaluation": {"get": op(
            "getEvaluation", "五力 index and 亩均 grades of every park for a quarter (default the latest)",
            {"description": "the quarter's evaluation", **_content("Evaluation")},
            parameters=params(m.EvaluationQuery), errors=(400, 404), tags=("evaluation",))},
        "/api/v1/parks/{id}/evaluation": {"get": op(
            "getParkEvaluation", "One park's 五力 scores, grade, rank and history",
            {"description": "the park's evaluation", **_content("ParkEvaluation")},
            parameters=[path_param("id", "park id (catalogue code)", "G331018"), *params(m.EvaluationQuery)],
            errors=(400, 404), tags=("evaluation",))},
        "/api/v1/plots": {"get": op(
            "listPlots", "Search plots", {"description": "plots", **_by_type("PlotList", "PlotCollection")},
            parameters=params(m.PlotsQuery), tags=("plots",),
            links={"GetPlot": {"operationId": "getPlot", "parameters": {"id": "$response.body#/plots/0/id"}}})},
        "/api/v1/plots/{id}": {"get": op(
            "getPlot", "One plot", {"description": "the plot", **_by_type("PlotDetail", "PlotFeature")},
            parameters=[path_param("id", "plot id", "G331018-001"), *params(m.FormatQuery)],
            errors=(400, 404), tags=("plots",))},
        "/api/v1/amenities": {"get": op(
            "listAmenities", "Airports, stations …",
            {"description": "amenities", **_by_type("AmenityList", "AmenityCollection")},
            parameters=params(m.AmenitiesQuery), tags=("amenities",))},
        "/api/v1/recommend": {"post": op(
            "recommend", "Rank plots and parks for a project (项目落位智能匹配)",
            {"description": "ranked plots and parks", **_content("RecommendResponse")},
            body="Requirement", errors=BODY_ERRORS, tags=("siting",))},
        "/api/v1/compare": {
            "get": op("compareParks", "2-4 parks side by side (可比)",
                      {"description": "comparison", **_content("CompareResponse")},
                      parameters=params(m.CompareQuery), errors=(400, 404), tags=("parks",)),
            "post": op("compareParksFor", "2-4 parks side by side with a requirement: each park's best plot and why",
                       {"description": "comparison", **_content("CompareResponse")}, body="CompareBody",
                       errors=(*BODY_ERRORS, 404), tags=("parks",))},
        "/api/v1/inquiries": {
            "post": op("createInquiry", "Leave an inquiry to a park (可询)",
                       {"description": "created (Location: the inquiry); keep the token to read it back",
                        "headers": {"Location": {"required": True, "schema": STR}}, **_content("InquiryCreated")},
                       body="InquiryIn", errors=(*BODY_ERRORS, 429), ok_status="201", tags=("inquiries",),
                       security=PUBLIC,
                       links={"GetInquiry": {"operationId": "getInquiry", "parameters": {
                           "id": "$response.body#/id", "header.X-Inquiry-Token": "$response.body#/token"}}}),
            "get": op("listInquiries", "Staff: the inquiries in the token's scope, with contacts (audited). "
                      "Without a token: counts only, nothing personal",
                      {"description": "inquiries, or counts", **_content("InquiryList")},
                      parameters=params(m.InquiriesQuery), errors=(400, 401), tags=("inquiries",),
                      security=[{}, {"bearerAuth": []}])},
        "/api/v1/inquiries/{id}": {
            "get": op("getInquiry", "The inquirer (X-Inquiry-Token): the inquiry and its status history. Staff in "
                      "scope (bearer): everything, notes included (audited)",
                      {"description": "the inquiry", **_content("Inquiry")}, parameters=[inquiry_id],
                      errors=(400, 401, 403, 404), tags=("inquiries",), security=INQUIRER_OR_STAFF),
            "patch": op("changeInquiry", "Staff in scope: change the status, assign, add a note (audited)",
                        {"description": "the inquiry after the change", **_content("Inquiry")},
                        parameters=[inquiry_id], body="InquiryChange", errors=(*BODY_ERRORS, 401, 403, 404),
                        tags=("inquiries",), security=STAFF)},
        "/api/v1/audit": {"get": op(
            "auditLog", "Admins: who viewed or changed personal data, accounts and tokens, when, from where",
            {"description": "audit entries, newest first", **_content("AuditList")},
            parameters=params(m.AuditQuery), errors=(400, 401, 403), tags=("admin",), security=STAFF)},
        "/api/v1/profiles": {"get": op(
            "listProfiles", "Weight profiles", {"description": "profiles", **_content(
                _obj(["profiles"], {"profiles": _array(_obj(["name", "title", "description", "weights", "source"], {
                    "name": STR, "title": STR, "description": STR, "source": STR,
                    "weights": {"type": "object", "propertyNames": {"enum": list(CRITERIA)},
                                "additionalProperties": {"type": "number", "minimum": 0}}}))}))},
            errors=(), tags=("siting",))},
        "/api/v1/vocabulary": {"get": op(
            "vocabulary", "Every code's label (criteria, exclusion reasons, EIA, statuses, units …) in one language",
            {"description": "table → code → label", **_content(_obj(list(vocab.TABLES), {
                k: {"type": "object", "additionalProperties": STR} for k in vocab.TABLES}))},
            parameters=params(m.VocabularyQuery), tags=("findpark",))},
        "/api/v1/health": {"get": op(
            "health", "Store reachable, data version, counts", {"description": "healthy", **_content(
                _obj(["status", "findpark", "backend", "data_version", "counts"], {
                    "status": {"const": "ok"}, "findpark": STR, "backend": STR, "data_version": INT,
                    "counts": _obj(list(LAYERS), {k: {"type": "integer", "minimum": 0} for k in LAYERS})}))},
            errors=(503,), tags=("service",))},
        "/api/v1/openapi.json": {"get": op(
            "openapi", "This OpenAPI 3.1 document", {"description": "the API definition", **_content(
                _obj(["openapi", "info", "paths", "components"], {
                    "openapi": {"type": "string", "pattern": r"^3\.1\.[0-9]+$"}, "info": {"type": "object"},
                    "paths": {"type": "object"}, "components": {"type": "object"}}))},
            errors=(), tags=("service",))},
        "/api/v1/docs": {"get": op(
            "docs", "Human-readable API documentation",
            {"description": "an HTML page rendering this document", **_content(STR, "text/html")},
            errors=(), tags=("service",))},
        "/ogc": {"get": op(
            "ogcLanding", "OGC API Features landing page", {"description": "landing page", **_content(
                _obj(["title", "description", "links"], {"title": STR, "description": STR,
                                                         "links": _array(_ref("Link"))}))},
            errors=(), tags=("ogc",))},
        "/ogc/conformance": {"get": op(
            "ogcConformance", "Conformance classes", {"description": "conformance", **_content(
                _obj(["conformsTo"], {"conformsTo": _array(STR)}))}, errors=(), tags=("ogc",))},
        "/ogc/collections": {"get": op(
            "ogcCollections", "Collections", {"description": "collections", **_content(
                _obj(["links", "collections"], {"links": _array(_ref("Link")),
                                                "collections": _array(_ref("Collection"))}))},
            errors=(), tags=("ogc",))},
        "/ogc/collections/{collectionId}": {"get": op(
            "ogcCollection", "A collection", {"description": "collection", **_content("Collection")},
            parameters=[COLLECTION_ID], errors=(404,), tags=("ogc",))},
        "/ogc/collections/{collectionId}/items": {"get": op(
            "ogcItems", "Features of a collection, paged (next/prev links)",
            {"description": "features", **_content("OgcFeatureCollection", GEOJSON)},
            parameters=[COLLECTION_ID, *params(m.OgcItemsQuery)], errors=(400, 404), tags=("ogc",))},
        "/ogc/collections/{collectionId}/items/{featureId}": {"get": op(
            "ogcItem", "One feature", {"description": "feature", **_content("OgcItem", GEOJSON)},
            parameters=[COLLECTION_ID, path_param("featureId", "feature id", "G331018", "G331018-001", "airport-ZSHC")],
            errors=(404,), tags=("ogc",))},
    }
    from .openapi_data import paths as data_paths

    paths.update(data_paths(op, _content, STAFF))
    return {"openapi": "3.1.0",
            "info": {"title": "findpark 一键找园 API", "version": f"1 (findpark {__version__})",
                     "description": "Park search and project siting for Zhejiang. Errors are RFC 9457 problem "
                                    "details (application/problem+json). Geometry is WGS84 lon/lat (RFC 7946). "
                                    "Numbers: `score` is the model's value in [0, 1] (people see points: "
                                    "分 = 100 × score, one decimal); every float is rounded when the "
                                    "response is written: score, stability, contributions, criteria and "
                                    "weights to 4 decimals, coordinates (centroid, location, bbox, "
                                    "coordinates) to 7, every other float (亩, 万元, km …) to 6."},
            "security": PUBLIC, "paths": paths,
            "components": {"schemas": schemas, "securitySchemes": SECURITY_SCHEMES}}


def build_spec(app=None) -> dict:
    return _document()
