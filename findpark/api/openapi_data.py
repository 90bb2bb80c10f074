"""OpenAPI paths and schemas of the imports and versions endpoints (``api/data.py``), merged into the document
by ``openapi.py``."""
from __future__ import annotations

from .openapi_schemas import INT, STR, _array, _obj

STR_N = {"type": ["string", "null"]}
INT_N = {"type": ["integer", "null"]}
COUNTS = {"type": "object", "additionalProperties": _obj(["added", "changed", "removed", "unchanged"], {
    k: {"type": "integer", "minimum": 0} for k in ("added", "changed", "removed", "unchanged")})}
IMPORT = _obj(["id", "status", "files", "ok", "report", "diff", "counts"], {
    "id": STR, "created_at": STR, "updated_at": STR, "author": STR,
    "status": {"enum": ["staged", "applied", "discarded"]}, "files": _array(STR), "crs": STR_N,
    "replace": {"type": ["boolean", "null"]}, "base_version": INT_N, "ok": {"type": "boolean"}, "version": INT_N,
    "stale": {"type": "boolean"},
    "report": {"type": "object", "description": "problems (refuse the apply), notes, warnings "
                                                "(gcj02_signature, outside_park, outside_county), datum"},
    "diff": {"type": "object", "description": "layer → added ids, changed [{id, fields: {name: [old, new]}, "
                                              "geometry}], removed ids, unchanged count"},
    "counts": COUNTS}, extra=True)
VERSION = _obj(["number", "at", "author", "kind", "note", "counts", "totals", "restorable"], {
    "number": INT, "at": STR, "author": STR, "note": STR_N,
    "kind": {"enum": ["baseline", "import", "edit", "restore", "external"]},
    "counts": {"type": "object"}, "totals": {"type": "object"}, "data_version": INT, "import_id": STR_N,
    "restored_from": INT_N, "snapshot": STR_N, "restorable": {"type": "boolean"}}, extra=True)
IMPORT_ID = {"name": "id", "in": "path", "required": True, "description": "import id",
             "schema": {"type": "string", "pattern": "^[0-9a-f]{16}$"}}
NUMBER = {"name": "number", "in": "path", "required": True, "description": "version number",
          "schema": {"type": "integer", "minimum": 0, "maximum": 2147483647}}
UPLOAD = {"required": True, "content": {"multipart/form-data": {"schema": _obj(["file"], {
    "file": {"type": "string", "contentMediaType": "application/octet-stream",
             "description": "GeoJSON, a zipped Shapefile, a GeoPackage, XLSX or CSV (lon/lat or WKT); "
                            "may be repeated"},
    "crs": {"type": "string", "description": "datum/CRS when the file declares none: EPSG:4326, gcj02, bd09, "
                                             "EPSG:4549 …"},
    "layer": {"enum": ["parks", "plots", "amenities"]},
    "replace": {"enum": ["true", "false"], "description": "the files hold all plots of their parks"}})}}}


def paths(op, content, staff) -> dict:
    """``op``/``content`` are openapi.py's helpers; ``staff`` its bearer security requirement."""
    def imp(op_id, summary, errors, ok_status="200", desc="the import"):
        return op(op_id, summary, {"description": desc, **content(IMPORT)}, errors=errors, ok_status=ok_status,
                  tags=("data",), security=staff, parameters=[] if op_id == "stageImport" else [IMPORT_ID])

    stage = imp("stageImport", "Upload and stage an import: per-feature report and field-by-field diff "
                "(admins, or staff for parks in their scope); nothing is written to the data",
                (400, 401, 403, 413, 415, 422), "201", "staged (Location: the import)")
    stage["requestBody"] = UPLOAD
    return {
        "/api/v1/imports": {"post": stage},
        "/api/v1/imports/{id}": {"get": imp("getImport", "A staged import: status, report, diff", (401, 403, 404))},
        "/api/v1/imports/{id}/apply": {"post": imp(
            "applyImport", "Apply a staged import in one transaction: a new version (409 when the data changed "
            "since it was staged)", (401, 403, 404, 409, 422))},
        "/api/v1/imports/{id}/discard": {"post": imp("discardImport", "Discard a staged import (writes no data)",
                                                     (401, 403, 404, 409))},
        "/api/v1/versions": {"get": op(
            "listVersions", "Data versions, newest first (number, author, time, note, counts)",
            {"description": "versions", **content(_obj(["versions"], {"versions": _array(VERSION)}))},
            errors=(401, 403), tags=("data",), security=staff)},
        "/api/v1/versions/{number}/restore": {"post": op(
            "restoreVersion", "Admins: make an earlier version current again (itself a new version)",
            {"description": "the new version", **content(VERSION)}, parameters=[NUMBER],
            errors=(401, 403, 404, 409), tags=("data",), security=staff)},
    }
