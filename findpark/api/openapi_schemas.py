"""Building blocks of the OpenAPI 3.1 document: JSON Schemas of the responses (requests come from the
pydantic models in ``models.py``) and small helpers; ``openapi.py`` assembles the paths."""
from __future__ import annotations

from ..services import parkinfo
from ..evaluation.schema import DIMENSIONS as _DIMENSIONS
from ..siting import CRITERIA
from ..store.schema import EIA_CATEGORIES, LAND_USES, LAYERS, PLOT_STATUSES
from . import models as m
from ..vocab import AUDIT_ACTIONS, INQUIRY_STATUSES

REF = "#/components/schemas/{model}"
JSON, GEOJSON, PROBLEM = "application/json", "application/geo+json", "application/problem+json"


def _strip(schema: dict) -> dict:
    """Query parameters are never null: keep the non-null branch of Optional[...] and drop titles."""
    schema = {k: v for k, v in schema.items() if k != "title" and not (k == "default" and v is None)}
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
        if p["schema"].get("type") == "array":  # a list in one parameter, comma-separated
            p.update(style="form", explode=False)
        if "description" in prop:
            p["description"] = prop["description"]
            p["schema"].pop("description", None)
        out.append(p)
    return out


def path_param(name: str, description: str, *examples: str) -> dict:
    schema = {"type": "string", "pattern": m.ID_PATTERN}
    if examples:
        schema["examples"] = list(examples)
    return {"name": name, "in": "path", "required": True, "description": description, "schema": schema}


def _obj(required: list, props: dict, extra: bool = False) -> dict:
    """An object with exactly these properties (``extra``: others allowed too)."""
    return {"type": "object", "required": list(required), "properties": props, "additionalProperties": extra}


def _ref(name: str) -> dict:
    return {"$ref": REF.format(model=name)}


def _nullable(schema: dict) -> dict:
    out = dict(schema)
    out["type"] = [schema["type"], "null"]
    if "enum" in out:
        out["enum"] = [*out["enum"], None]
    return out


def _array(items: dict, **kw) -> dict:
    return {"type": "array", "items": items, **kw}


NUM = {"type": "number"}
INT = {"type": "integer"}
NUM_OR_NULL = {"type": ["number", "null"]}
STR = {"type": "string"}
STR_OR_NULL = {"type": ["string", "null"]}
BOOL = {"type": "boolean"}
DATE = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
LONLAT = {"type": ["array", "null"], "items": NUM, "minItems": 2, "maxItems": 2,
          "description": "[lon, lat] WGS84 (a point on the surface of a polygon)"}
BBOX = {"type": ["array", "null"], "items": NUM, "minItems": 4, "maxItems": 4,
        "description": "[minlon, minlat, maxlon, maxlat]"}
CRITERIA_NUMS = _obj(CRITERIA, {c: NUM for c in CRITERIA})
INDICATOR_KEYS = [k for k, _, _ in parkinfo.INDICATORS]


def _field(f) -> dict:
    """A store field (``findpark.store.schema``) as JSON Schema, as the store returns it."""
    schema = {"text": {"type": "string"}, "real": {"type": "number"}, "integer": {"type": "integer"},
              "bool": {"type": "boolean"}, "list": _array(STR), "date": {"type": "string", "pattern": DATE}}[f.type]
    schema = dict(schema)
    if f.enum:
        schema["enum"] = list(f.enum)
    if f.min is not None:
        schema["minimum"] = f.min
    if f.max is not None:
        schema["maximum"] = f.max
    if f.pattern and f.type == "text":
        schema["pattern"] = f.pattern.replace(r"\d", "[0-9]")
    if not f.required and f.type != "list":  # a missing list is read as []
        schema = _nullable(schema)
    if f.doc:
        schema["description"] = f.doc
    return schema


def _record(layer: str, *, extra_required: dict | None = None, extra_optional: dict | None = None,
            geometry_members: bool = True) -> dict:
    """A record of a layer: every field of the contract (null when unknown), plus the given members.
    ``geometry_members``: the JSON form's centroid and bbox (or location, for points)."""
    lay = LAYERS[layer]
    props = {f.name: _field(f) for f in lay.fields}
    required = list(props)
    if geometry_members:
        geo = {"location": LONLAT} if lay.geometry_type == "POINT" else {"centroid": LONLAT, "bbox": BBOX}
        props.update(geo)
        required += list(geo)
    props.update(extra_required or {})
    required += list(extra_required or {})
    props.update(extra_optional or {})
    return _obj(required, props)


POSITION = _array(NUM, minItems=2, maxItems=3)
RING = _array(POSITION, minItems=4)


def _geometry(type_: str, coordinates: dict) -> dict:
    return _obj(["type", "coordinates"], {"type": {"const": type_}, "coordinates": coordinates})


GEOMETRY = {"oneOf": [
    _geometry("Point", POSITION), _geometry("MultiPoint", _array(POSITION)),
    _geometry("LineString", _array(POSITION, minItems=2)), _geometry("MultiLineString", _array(_array(POSITION, minItems=2))),
    _geometry("Polygon", _array(RING)), _geometry("MultiPolygon", _array(_array(RING))),
    {"type": "null"}], "description": "RFC 7946 geometry (WGS84 lon/lat), null when the record has none"}


def _feature(properties: dict, *, links: bool = False) -> dict:
    props = {"type": {"const": "Feature"}, "id": STR, "geometry": GEOMETRY, "properties": properties}
    if links:
        props["links"] = _array(_ref("Link"))
    return _obj(["type", "id", "geometry", "properties", *(["links"] if links else [])], props)


def _collection(feature: dict, *, ogc: bool = False) -> dict:
    props = {"type": {"const": "FeatureCollection"}, "features": _array(feature),
             "numberMatched": {"type": "integer", "minimum": 0}, "numberReturned": {"type": "integer", "minimum": 0}}
    if ogc:
        props.update(timeStamp=STR, links=_array(_ref("Link")))
    return _obj(list(props), props)


def _counts(keys) -> dict:
    return {"type": "object", "propertyNames": {"enum": list(keys)},
            "additionalProperties": {"type": "integer", "minimum": 0}}


AVAILABILITY = {"available_mu": {"type": "number", "minimum": 0}, "n_available_plots": {"type": "integer", "minimum": 0}}
PARK_DETAIL = {"indicators": _array(_ref("Indicator")), "plots_summary": _ref("PlotsSummary")}
SCORED = {"score": NUM, "contributions": CRITERIA_NUMS, "criteria": CRITERIA_NUMS, "reasons": _array(STR)}
ASSESSED = {"strengths": _array(STR), "weaknesses": _array(STR)}  # the reasons split, on ranked results
RELAXATION = _obj(["constraint", "field", "from", "to", "unlocks", "text"], {
    "constraint": STR, "field": STR, "from": {}, "to": {}, "unlocks": {"type": "integer", "minimum": 1}, "text": STR})
INQUIRY = {"id": STR, "created_at": STR, "park_id": STR, "plot_id": STR_OR_NULL, "company": STR,
           "contact_name": STR, "contact_phone": STR_OR_NULL, "contact_email": STR_OR_NULL,
           "project_summary": STR, "industry": STR_OR_NULL, "confidential": BOOL,
           "status": {"enum": list(INQUIRY_STATUSES)}}
INQUIRY_MORE = {"assignee": STR_OR_NULL, "updated_at": STR_OR_NULL, "token_expires_at": STR_OR_NULL,
                "token_revoked": {"type": ["boolean", "null"]}, "adcode": STR_OR_NULL}
INQUIRY_EVENT = {"id": STR, "inquiry_id": STR, "at": STR, "actor": STR, "kind": {"enum": ["status", "assign", "note"]},
                 "from_status": STR_OR_NULL, "to_status": STR_OR_NULL, "assignee": STR_OR_NULL, "note": STR_OR_NULL}


def _normalised_request(requirement: dict) -> dict:
    """The request as /recommend echoes it: the Requirement's fields that were given, normalised, and the
    values derived from them."""
    props = dict(requirement["properties"])
    # industry_codes may be empty: the catalogue label 在建 (under construction) names no industry
    props.update(industry_codes=_array(STR), industry_family=STR,
                 land_use={"enum": list(LAND_USES)}, allowed_land_uses=_array({"enum": list(LAND_USES)}, minItems=1),
                 district_adcodes=_array(STR))
    props["eia"] = {"enum": list(EIA_CATEGORIES)}
    return _obj(["industry", "industry_codes", "land_use", "allowed_land_uses", "top_k"], props)


QUARTER = {"type": "string", "pattern": r"^20[0-9]{2}Q[1-4]$"}
GRADE = {"enum": list("ABCD")}
DIM_SCORES = _obj(list(_DIMENSIONS), {d: {"type": "number", "minimum": 0, "maximum": 100} for d in _DIMENSIONS})
EVAL_ENTRY = {"park_id": STR, "name": STR_OR_NULL, "rank": {"type": "integer", "minimum": 1}, "grade": GRADE,
              "scores": DIM_SCORES, "index": {"type": "number", "minimum": 0, "maximum": 100},
              "previous_index": NUM_OR_NULL, "index_change": NUM_OR_NULL,
              "rank_change": {"type": ["integer", "null"]}, "at_risk": BOOL}
PROVENANCE = _obj(["sources", "synthetic", "as_of"], {"sources": _array(STR), "synthetic": BOOL, "as_of": STR})

RESPONSE_SCHEMAS = {
    "Problem": _obj(["type", "title", "status", "detail", "instance"], {
        "type": STR, "title": STR, "status": {"type": "integer", "minimum": 400, "maximum": 599}, "detail": STR,
        "instance": STR, "invalid-params": _array(_obj(["name", "reason"], {"name": STR, "reason": STR}), minItems=1)}),
    "Park": _record("parks", extra_optional={**AVAILABILITY, **PARK_DETAIL}),
    "ParkListItem": {"allOf": [_ref("Park"), {"required": list(AVAILABILITY)}]},
    "ParkDetail": {"allOf": [_ref("Park"), {"required": list(PARK_DETAIL)}]},
    "ParkFeature": _feature(_record("parks", extra_optional={**AVAILABILITY, **PARK_DETAIL}, geometry_members=False)),
    "Plot": _record("plots", extra_optional={"park_name": STR_OR_NULL}),
    "PlotDetail": {"allOf": [_ref("Plot"), {"required": ["park_name"]}]},
    "PlotFeature": _feature(_record("plots", extra_optional={"park_name": STR_OR_NULL}, geometry_members=False)),
    "Amenity": _record("amenities"),
    "AmenityFeature": _feature(_record("amenities", geometry_members=False)),
    "PlotsSummary": _obj(["n_plots", "by_status", "available_mu", "n_available", "largest_available_mu",
                          "available_land_uses"], {
        "n_plots": {"type": "integer", "minimum": 0}, "by_status": _counts(PLOT_STATUSES),
        "available_mu": {"type": "number", "minimum": 0}, "n_available": {"type": "integer", "minimum": 0},
        "largest_available_mu": {"type": "number", "minimum": 0}, "available_land_uses": _counts(LAND_USES)}),
    "Indicator": _obj(["key", "label", "unit"], {"key": {"enum": INDICATOR_KEYS}, "label": STR, "unit": STR,
                                                 "value": NUM_OR_NULL, "synthetic": BOOL}),
    "Link": _obj(["href", "rel"], {"href": STR, "rel": STR, "type": STR, "title": STR}),
    "Excluded": _obj(["total", "by_reason", "examples", "unit"], {
        "total": {"type": "integer", "minimum": 0},
        "by_reason": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 1}},
        "examples": {"type": "object", "additionalProperties": _array(STR, maxItems=3)},
        "unit": {"enum": ["plots", "parks"]},
        "only": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 1}},
        "scope": _obj(["candidates", "eligible"], {"candidates": {"type": "integer", "minimum": 0},
                                                   "eligible": {"type": "integer", "minimum": 0}})}),
    "RecommendResponse": _obj(["request", "weights", "profile", "plots", "parks", "excluded", "reference_date",
                               "data_version", "warnings"], {
        "request": _ref("NormalisedRequest"),
        "weights": CRITERIA_NUMS,
        "profile": STR,
        "plots": _array(_obj(["rank", "plot_id", "park_id", "park_name", *SCORED, "stability", "area_mu", "centroid"], {
            "rank": {"type": "integer", "minimum": 1}, "plot_id": STR, "park_id": STR, "park_name": STR, **SCORED,
            **ASSESSED,
            "stability": {"type": "number", "minimum": 0, "maximum": 1}, "area_mu": NUM, "centroid": LONLAT})),
        "parks": _array(_obj(["rank", "park_id", "name", *SCORED, "best_plot_id", "n_eligible_plots", "via",
                              "centroid"], {
            "rank": {"type": "integer", "minimum": 1}, "park_id": STR, "name": STR, **SCORED, **ASSESSED,
            "best_plot_id": STR_OR_NULL, "n_eligible_plots": {"type": "integer", "minimum": 0},
            "via": {"enum": ["plot", "floor_space"]}, "centroid": LONLAT})),
        "excluded": _ref("Excluded"), "excluded_parks": _ref("Excluded"),
        "reference_date": {"type": "string", "pattern": DATE}, "data_version": INT, "warnings": _array(STR),
        "eligible": {"type": "integer", "minimum": 0}, "relaxations": _array(RELAXATION),
        "share_url": STR}),
    "Fit": _obj(["best_plot_id", "score", "contributions", "reasons", "n_eligible_plots", "excluded"], {
        "best_plot_id": STR_OR_NULL, "score": NUM_OR_NULL, "contributions": {"oneOf": [CRITERIA_NUMS, {"type": "null"}]},
        "reasons": _array(STR), "n_eligible_plots": {"type": "integer", "minimum": 0}, "excluded": _ref("Excluded")}),
    "CompareResponse": _obj(["parks", "indicators"], {
        "parks": _array(_record("parks", extra_required=PARK_DETAIL, extra_optional={"fit": _ref("Fit")}),
                        minItems=2, maxItems=4),
        "indicators": _array(_ref("Indicator")),
        "requirement": _ref("NormalisedRequest")}),
    "Inquiry": _obj(list(INQUIRY), {**INQUIRY, **INQUIRY_MORE, "history": _array(_obj(["at", "status"], {
        "at": STR, "status": {"enum": list(INQUIRY_STATUSES)}})), "events": _array(_ref("InquiryEvent"))}),
    "InquiryEvent": _obj(["id", "inquiry_id", "at", "actor", "kind"], INQUIRY_EVENT),
    "InquiryCreated": _obj([*INQUIRY, "token"], {**INQUIRY, **INQUIRY_MORE, "token": {
        "type": "string", "description": "returned once, on creation: send it as X-Inquiry-Token to read the inquiry"}}),
    "InquiryList": _obj(["inquiries", "total"], {
        "inquiries": _array(_ref("Inquiry")), "total": {"type": "integer", "minimum": 0},
        "limit": INT, "offset": INT, "detail": STR,
        "counts": _obj(["total", "by_status"], {"total": {"type": "integer", "minimum": 0}, "by_status": {
            "type": "object", "additionalProperties": {"type": "integer", "minimum": 0}}})}),
    "AuditList": _obj(["entries", "total", "limit", "offset"], {
        "entries": _array(_obj(["id", "at", "actor", "action", "target", "detail"], {
            "id": STR, "at": STR, "actor": STR, "action": {"enum": list(AUDIT_ACTIONS)}, "target": STR_OR_NULL,
            "detail": {"type": "object"}, "address": STR_OR_NULL})),
        "total": {"type": "integer", "minimum": 0}, "limit": INT, "offset": INT}),
    "EvaluationEntry": _obj(list(EVAL_ENTRY), EVAL_ENTRY),
    "Evaluation": _obj(["quarter", "parks", "cutoffs", "grade_counts", "quarters", "dimensions", "provenance"], {
        "quarter": QUARTER, "parks": _array(_ref("EvaluationEntry")),
        "cutoffs": {"type": "object", "additionalProperties": NUM, "propertyNames": {"enum": list("ABCD")}},
        "grade_counts": _obj(list("ABCD"), {g: {"type": "integer", "minimum": 0} for g in "ABCD"}),
        "quarters": _array(QUARTER),
        "dimensions": _array(_obj(["name", "key", "weights"], {"name": STR, "key": STR,
                                                                "weights": {"type": "object", "additionalProperties": NUM}})),
        "provenance": PROVENANCE}),
    "ParkEvaluation": _obj(["quarter", *EVAL_ENTRY, "cutoffs", "n_parks", "history", "provenance"], {
        "quarter": QUARTER, **EVAL_ENTRY,
        "cutoffs": {"type": "object", "additionalProperties": NUM, "propertyNames": {"enum": list("ABCD")}},
        "n_parks": {"type": "integer", "minimum": 1},
        "history": _array(_obj(["quarter", "rank", "grade", "index", "scores"], {
            "quarter": QUARTER, "rank": {"type": "integer", "minimum": 1}, "grade": GRADE,
            "index": NUM, "scores": DIM_SCORES})),
        "provenance": PROVENANCE}),
    "Collection": _obj(["id", "title", "description", "itemType", "crs", "extent", "links"], {
        "id": {"enum": list(LAYERS)}, "title": STR, "description": STR, "itemType": {"const": "feature"},
        "crs": _array(STR), "extent": _obj(["spatial"], {"spatial": _obj(["bbox", "crs"], {
            "bbox": _array(_array(NUM, minItems=4, maxItems=4), minItems=1), "crs": STR})}),
        "links": _array(_ref("Link"))}),
}
