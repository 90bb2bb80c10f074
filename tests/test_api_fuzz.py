"""The HTTP API against its own OpenAPI document.

* the document at /api/v1/openapi.json is a valid OpenAPI 3.1 document (openapi-spec-validator);
* schemathesis runs over every documented operation with a fixed seed, positive and negative
  (schema-violating) data: no 5xx, every status code, content type and body as documented, and invalid
  input is rejected with a 4xx;
* plain tests for the error contract: RFC 9457 problem details for 400, 404, 405, 413, 415 and 422.
"""
from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance
from schemathesis.config import InferenceAlgorithm
from schemathesis.core.result import Ok

from findpark import taxonomy
from findpark.siting.profiles import list_profiles
from findpark.store import open_store
from tests.conftest import copy_store
from findpark.app import create_app

PROBLEM = "application/problem+json"
# Fixed, so CI is deterministic; set FINDPARK_FUZZ_SEED / FINDPARK_FUZZ_EXAMPLES for a longer exploratory run.
SEED = int(os.environ.get("FINDPARK_FUZZ_SEED", "20240917"))
MAX_EXAMPLES = int(os.environ.get("FINDPARK_FUZZ_EXAMPLES", "60"))
MIN_OPERATIONS = 20


class _AppSlot:
    """A WSGI app forwarding to whichever findpark app is in the slot. schemathesis needs the schema when
    the module is collected, before fixtures exist: it is fetched (``from_wsgi``) from an app on an empty
    store, then the module fixture below puts an app on a writable copy of the bundled data in the slot."""

    app = None

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)


_TMP = tempfile.TemporaryDirectory(prefix="findpark-openapi-")  # removed at interpreter exit


def _schema_app():
    tmp = Path(_TMP.name)
    store = open_store(tmp / "empty.gpkg")
    store.init()  # no features: the document does not depend on the data
    store.close()
    return create_app({"DB": str(tmp / "empty.gpkg"), "TESTING": True, "GZIP": False})


SLOT = _AppSlot()
SLOT.app = _schema_app()
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", SLOT)
schema.config.seed = SEED
schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
                                max_examples=MAX_EXAMPLES, deterministic=True, database="none")
# Stateful runs follow the document's own links (and Location headers). Links schemathesis infers itself are
# left out: it infers POST /compare → GET /compare with ids taken from the body's array and sends that array as
# repeated ids=…&ids=… parameters, ignoring the parameter's documented style (form, explode: false → ids=A,B).
schema.config.phases.stateful.inference.algorithms = [InferenceAlgorithm.LOCATION_HEADERS]


@pytest.fixture(scope="module")
def fuzz_db(bundled_db, tmp_path_factory):
    """A writable copy of the bundled store: the fuzzer POSTs inquiries."""
    return copy_store(bundled_db, tmp_path_factory.mktemp("fuzz") / "fuzz.gpkg")


@pytest.fixture(scope="module")
def fuzz_app(fuzz_db):
    # schemathesis' WSGI transport asks for gzip but does not decode it; gzip is tested in tests/test_compress.py
    # and over real HTTP in tests/test_api_live.py
    app = create_app({"DB": str(fuzz_db), "TESTING": True, "GZIP": False})
    SLOT.app = app
    return app


@pytest.fixture()
def client(fuzz_app):
    return fuzz_app.test_client()


# -- the document ---------------------------------------------------------------------------------
def test_openapi_document_validates(client):
    from openapi_spec_validator import validate
    from openapi_spec_validator.validation.validators import OpenAPIV31SpecValidator

    resp = client.get("/api/v1/openapi.json")
    assert resp.status_code == 200
    doc = resp.get_json()
    assert doc["openapi"].startswith("3.1")
    validate(doc, cls=OpenAPIV31SpecValidator)


def _shape(path: str) -> str:
    """'/parks/<pid>' and '/parks/{id}' → '/parks/{}'."""
    return re.sub(r"<[^>]+>|\{[^}]+\}", "{}", path)


def test_every_operation_is_fuzzed(fuzz_app):
    results = list(schema.get_all_operations())
    errors = [r.err() for r in results if not isinstance(r, Ok)]
    assert not errors, errors
    labels = {r.ok().label for r in results}
    assert len(labels) >= MIN_OPERATIONS, sorted(labels)
    documented = {(label.split(" ", 1)[0], _shape(label.split(" ", 1)[1])) for label in labels}
    # every API route the app serves is a documented (so fuzzed) operation; /ogc/ is the same page as /ogc
    served = {(method, _shape(rule.rule)) for rule in fuzz_app.url_map.iter_rules()
              if rule.rule.startswith(("/api/", "/ogc")) and rule.rule != "/ogc/"
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    # schemathesis leaves out the endpoint it read the document from; the document itself lists it
    assert served - documented == {("GET", "/api/v1/openapi.json")}
    assert "/api/v1/openapi.json" in schema.raw_schema["paths"]
    assert documented - served == set()


# -- schemathesis ---------------------------------------------------------------------------------
# Rules JSON Schema cannot state (an order between two fields, membership in the store, the taxonomy or the
# gazetteer). A schema-valid request may break only these, and then only with this field and reason; any
# other rejection of schema-valid data is a failure (the document promised more than the API accepts).
BEYOND_SCHEMA = {
    "GET /api/v1/parks": {"bbox": "minlon ≤ maxlon"},
    "GET /api/v1/plots": {"bbox": "minlon ≤ maxlon", "max_mu": "≥ min_mu"},
    "GET /api/v1/amenities": {"bbox": "minlon ≤ maxlon"},
    "GET /ogc/collections/{collectionId}/items": {"bbox": "minlon ≤ maxlon"},
    "POST /api/v1/recommend": {"industry": "unknown industry", "districts": "unknown district",
                               "profile": "unknown profile", "land_mu_max": "≥ land_mu_min"},
    "POST /api/v1/compare": {"requirement.industry": "unknown industry", "requirement.districts": "unknown district",
                             "requirement.profile": "unknown profile", "requirement.land_mu_max": "≥ land_mu_min"},
    "POST /api/v1/inquiries": {"park_id": "no park", "plot_id": "no plot"},
}


def positive_data_acceptance_beyond_schema(ctx, response, case):
    """schemathesis' positive_data_acceptance, except for a 400/422 every invalid-params entry of which is one
    of the operation's rules in BEYOND_SCHEMA."""
    meta = case.meta
    if meta is not None and meta.generation.mode.is_positive and response.status_code in (400, 422):
        rules = BEYOND_SCHEMA.get(case.operation.label, {})
        invalid = (response.json() or {}).get("invalid-params") or []
        if invalid and all(p["name"] in rules and rules[p["name"]] in p["reason"] for p in invalid):
            return None
    return positive_data_acceptance(ctx, response, case)


@pytest.mark.slow  # schemathesis over every operation
@schema.parametrize()
@settings(derandomize=True, max_examples=MAX_EXAMPLES, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_api_conforms_to_openapi(case, fuzz_app):
    case.call_and_validate(excluded_checks=[positive_data_acceptance],
                           additional_checks=[positive_data_acceptance_beyond_schema])


@pytest.mark.slow  # schemathesis state machines
def test_stateful_links(fuzz_app):
    """The document's links (created inquiry → read it back with its token, a list → one of its items), run as
    schemathesis state machines: responses of one call feed the next and every step is checked as above."""
    class Workflow(schema.as_state_machine()):
        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, excluded_checks=[positive_data_acceptance],
                                   additional_checks=[positive_data_acceptance_beyond_schema, *(additional_checks or [])],
                                   transport_kwargs=kwargs or None, recorder=self.recorder)

    Workflow.run(settings=settings(max_examples=MAX_EXAMPLES, stateful_step_count=10, derandomize=True,
                                   deadline=None, database=None, suppress_health_check=list(HealthCheck)))


# -- the siting model with the vocabulary filled in ------------------------------------------------
# Fuzzed bodies rarely name a real industry, district or park, so most stop at a 422. Here schemathesis
# generates schema-valid bodies (extreme numbers included) and the vocabulary comes from the taxonomy,
# the gazetteer, the profiles and the store: every one must be answered 200 and as documented.
INDUSTRIES = sorted(taxonomy.labels())[::4] + ["在建", "C36", "C2710", "c27", "C", "I65", "M734", " 生物医药 "]
DISTRICTS = ["杭州市", "萧山区", "330109", "330100", "宁波", "330000", "浙江省", "衢州市"]
PROFILES = sorted(list_profiles())
PARK_IDS = ["G331018", "G331019", "G331020", "G331107", "G331108", "G331109"]


def _with_vocabulary(req: dict, draw) -> dict:
    req = dict(req)
    req["industry"] = draw(st.sampled_from(INDUSTRIES))
    if req.get("districts") is not None:
        req["districts"] = draw(st.lists(st.sampled_from(DISTRICTS), max_size=3))
    if req.get("profile") is not None:
        req["profile"] = draw(st.sampled_from(PROFILES))
    lo, hi = req.get("land_mu_min"), req.get("land_mu_max")
    if lo is not None and hi is not None and hi < lo:
        req["land_mu_min"], req["land_mu_max"] = hi, lo
    return req


@pytest.mark.slow  # fuzzing
@given(data=st.data())
@seed(SEED)
@settings(derandomize=True, max_examples=MAX_EXAMPLES, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_recommend_fuzzed_numbers_known_vocabulary(fuzz_app, data):
    case = data.draw(schema["/api/v1/recommend"]["POST"].as_strategy(GenerationMode.POSITIVE))
    case.body = _with_vocabulary(case.body, data.draw)
    resp = case.call_and_validate()
    assert resp.status_code == 200, resp.text
    out = resp.json()
    assert sum(out["weights"].values()) == pytest.approx(1.0, abs=4e-4)  # 7 weights rounded to 4 decimals
    for item in out["plots"] + out["parks"]:
        assert sum(item["contributions"].values()) == pytest.approx(item["score"], abs=4e-4)  # each rounded to 4 decimals (README)


@pytest.mark.slow  # fuzzing
@given(data=st.data())
@seed(SEED)
@settings(derandomize=True, max_examples=MAX_EXAMPLES // 2, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_compare_fuzzed_numbers_known_parks(fuzz_app, data):
    case = data.draw(schema["/api/v1/compare"]["POST"].as_strategy(GenerationMode.POSITIVE))
    body = dict(case.body)
    body["ids"] = data.draw(st.lists(st.sampled_from(PARK_IDS), min_size=2, max_size=4, unique=True))
    if body.get("requirement") is not None:
        body["requirement"] = _with_vocabulary(body["requirement"], data.draw)
    case.body = body
    resp = case.call_and_validate()
    assert resp.status_code == 200, resp.text
    assert [p["id"] for p in resp.json()["parks"]] == body["ids"]


# -- the error contract: RFC 9457 problem details ---------------------------------------------------
def assert_problem(resp, status: int, path: str | None = None) -> dict:
    assert resp.status_code == status, resp.get_data(as_text=True)
    assert resp.mimetype == PROBLEM
    body = resp.get_json(force=True)
    assert set(body) >= {"type", "title", "status", "detail", "instance"}
    assert body["type"] == "about:blank" and body["status"] == status
    assert body["title"] and body["detail"]
    if path is not None:
        assert body["instance"] == path
    return body


def invalid_names(body: dict) -> set[str]:
    assert body["invalid-params"], body
    for p in body["invalid-params"]:
        assert set(p) == {"name", "reason"} and p["reason"]
    return {p["name"] for p in body["invalid-params"]}


GOOD_REQUIREMENT = {"industry": "汽车零部件", "land_mu_min": 80, "land_mu_max": 120}


@pytest.mark.parametrize("method, path, allowed", [
    ("delete", "/api/v1/parks", {"GET"}),
    ("put", "/api/v1/recommend", {"POST"}),
    ("get", "/api/v1/recommend", {"POST"}),
    ("patch", "/api/v1/inquiries", {"GET", "POST"}),
    ("post", "/ogc/collections/parks/items", {"GET"}),
])
def test_405_with_allow(client, method, path, allowed):
    resp = getattr(client, method)(path)
    assert_problem(resp, 405, path)
    assert allowed <= {m.strip() for m in resp.headers["Allow"].split(",")}


def test_413_over_max_content_length(fuzz_db):
    app = create_app({"DB": str(fuzz_db), "TESTING": True, "MAX_CONTENT_LENGTH": 1024})
    client = app.test_client()
    big = {**GOOD_REQUIREMENT, "name": "x" * 190, "districts": ["杭州市"] * 150}
    for path in ("/api/v1/recommend", "/api/v1/compare", "/api/v1/inquiries"):
        assert_problem(client.post(path, json=big), 413, path)
    assert client.post("/api/v1/recommend", json=GOOD_REQUIREMENT).status_code == 200  # under the cap


@pytest.mark.parametrize("path", ["/api/v1/recommend", "/api/v1/compare", "/api/v1/inquiries"])
@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_415_not_json(client, path, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    resp = client.post(path, data=json.dumps(GOOD_REQUIREMENT), headers=headers)
    assert_problem(resp, 415, path)


@pytest.mark.parametrize("raw", [
    '{"industry": "汽车零部件", ', "", "{'industry': 'C36'}", '{"land_mu_min": NaN}', '{"land_mu_min": Infinity}',
    "[" * 50_000 + "]" * 50_000, b"\xff\xfe{}",
])
def test_400_malformed_json(client, raw):
    resp = client.post("/api/v1/recommend", data=raw, content_type="application/json")
    assert_problem(resp, 400, "/api/v1/recommend")


@pytest.mark.parametrize("body", [[], "text", 3, None])
def test_422_body_not_an_object(client, body):
    resp = client.post("/api/v1/recommend", data=json.dumps(body), content_type="application/json")
    assert invalid_names(assert_problem(resp, 422)) == {"body"}


def test_422_lists_every_invalid_field(client):
    bad = {"industry": "不存在的产业", "land_mu_min": -1, "land_mu_max": "120", "floor_m2": True, "top_k": 0,
           "eia": "报告", "land_use": "M9", "districts": ["火星区"], "max_distance_km": {"moon": 3, "airport": 0},
           "weights": {"industry": -1, "luck": 1}, "power_kva": 1, "colour": "red"}
    raw = json.dumps(bad, ensure_ascii=False).replace('"power_kva": 1', '"power_kva": 1e400')  # valid JSON, → inf
    body = assert_problem(client.post("/api/v1/recommend", data=raw, content_type="application/json"), 422,
                          "/api/v1/recommend")
    names = invalid_names(body)
    assert {"industry", "land_mu_min", "land_mu_max", "floor_m2", "top_k", "eia", "land_use", "districts",
            "power_kva", "colour"} <= names
    assert any(n.startswith("max_distance_km") for n in names) and any(n.startswith("weights") for n in names)
    assert str(len(body["invalid-params"])) in body["detail"]


def test_422_model_rules(client):
    cases = [({"industry": "C36"}, "request"),                                                # neither land nor floor
             ({"industry": "C36", "floor_m2": 10, "weights": {"cost": 1}, "profile": "default"}, "request"),
             ({"industry": "C36", "land_mu_min": 100, "land_mu_max": 10}, "land_mu_max"),
             ({"industry": "C36", "floor_m2": 10, "weights": {"cost": 0}}, "weights")]
    for req, name in cases:
        assert name in invalid_names(assert_problem(client.post("/api/v1/recommend", json=req), 422)), req


def test_422_compare_and_inquiry_bodies(client):
    body = assert_problem(client.post("/api/v1/compare", json={"ids": ["G331018", "G331018", "bad id"], "x": 1}), 422)
    assert {"ids.2", "x"} <= invalid_names(body)
    body = assert_problem(client.post("/api/v1/compare", json={"ids": ["G331018", "G331019"],
                                                               "requirement": {"industry": "nope", "floor_m2": 5}}), 422)
    assert invalid_names(body) == {"requirement.industry"}
    # a comparison ranks plots: a floor-space-only requirement is refused, not a 500
    body = assert_problem(client.post("/api/v1/compare", json={"ids": ["G331018", "G331019"],
                                                               "requirement": {"industry": "C36", "floor_m2": 5e-324}}), 422)
    assert invalid_names(body) == {"requirement"}
    body = assert_problem(client.post("/api/v1/inquiries", json={"park_id": "G331018", "company": " ",
                                                                 "contact_name": "", "project_summary": "x",
                                                                 "confidential": "yes"}), 422)
    assert {"company", "contact_name", "confidential"} <= invalid_names(body)
    body = assert_problem(client.post("/api/v1/inquiries", json={"park_id": "G331018", "company": "c",
                                                                 "contact_name": "n", "project_summary": "s"}), 422)
    assert invalid_names(body) == {"request"}  # neither phone nor e-mail
    body = assert_problem(client.post("/api/v1/inquiries", json={
        "park_id": "NOPE", "plot_id": "G331019-001", "company": "c", "contact_name": "n", "project_summary": "s",
        "contact_email": "a@b.cn"}), 422)
    assert invalid_names(body) == {"park_id", "plot_id"}


@pytest.mark.parametrize("url, names", [
    ("/api/v1/plots?limit=0&offset=-1&status=lost&land_use=M9&min_mu=abc", {"limit", "offset", "status", "land_use",
                                                                             "min_mu"}),
    ("/api/v1/plots?min_mu=5&max_mu=1", {"max_mu"}),
    ("/api/v1/parks?limit=1&limit=2&level=national&level=county", {"limit", "level"}),
    ("/api/v1/parks?limit=1_0", {"limit"}), ("/api/v1/parks?limit=%201", {"limit"}), ("/api/v1/parks?limit=1.0", {"limit"}),
    ("/api/v1/parks?limit=" + "9" * 5000, {"limit"}), ("/api/v1/parks?limit=true", {"limit"}),
    ("/api/v1/parks?min_available_mu=1e308", {"min_available_mu"}), ("/api/v1/parks?min_available_mu=nan", {"min_available_mu"}),
    ("/api/v1/parks?min_available_mu=inf", {"min_available_mu"}), ("/api/v1/parks?min_available_mu=%EF%BC%91", {"min_available_mu"}),
    ("/api/v1/parks?adcode=%D9%A3%D9%A3", {"adcode"}), ("/api/v1/parks?adcode=%203301", {"adcode"}),
    ("/api/v1/parks?level=%20national", {"level"}), ("/api/v1/parks?format=xml", {"format"}),
    ("/api/v1/parks?limit=&bbox=&level=&adcode=", {"limit", "bbox", "level", "adcode"}),
    ("/api/v1/parks?bbox=120,30,121", {"bbox"}), ("/api/v1/parks?bbox=121,30,120,31", {"bbox"}),
    ("/api/v1/parks?bbox=120,30,121,91", {"bbox"}), ("/api/v1/parks?bbox=nan,30,121,31", {"bbox"}),
    ("/api/v1/parks?bbox=1_20,30,121,31", {"bbox"}), ("/api/v1/parks?bbox=%D9%A1,30,121,31", {"bbox"}),
    ("/api/v1/amenities?limit=5001&kind=volcano", {"limit", "kind"}),
    ("/api/v1/compare?ids=G331018", {"ids"}), ("/api/v1/compare?ids=G331018,G331018", {"ids"}),
    ("/api/v1/compare?ids=G331018,,G331019", {"ids"}), ("/api/v1/compare", {"ids"}),
    ("/api/v1/inquiries?park_id=a%20b", {"park_id"}),
    ("/ogc/collections/parks/items?limit=0&f=xml&bbox=1,2,3", {"limit", "f", "bbox"}),
])
def test_400_lists_every_invalid_parameter(client, url, names):
    body = assert_problem(client.get(url), 400, url.split("?")[0])
    assert invalid_names(body) == names


@pytest.mark.parametrize("url", [
    "/api/v1/parks?min_available_mu=-0.0", "/api/v1/parks?min_available_mu=0&limit=1000&offset=10000000",
    "/api/v1/parks?q=%00", "/api/v1/parks?q=" + "园" * 100, "/api/v1/parks?industry=%F0%9F%8F%AD&district=%00",
    "/api/v1/parks?bbox=-180,-90,180,90&adcode=3301", "/api/v1/parks?bbox=-0,-0.0,0,0",
    "/api/v1/plots?min_mu=0&max_mu=0", "/api/v1/plots?park_id=G331018&format=geojson",
    "/api/v1/parks?unknown=1&=&x", "/api/v1/parks?q=&industry=&district=", "/ogc/collections/plots/items?f=json&limit=10000&offset=10000000",
])
def test_edge_values_answered(client, url):
    resp = client.get(url)
    assert resp.status_code == 200, resp.get_data(as_text=True)


@pytest.mark.parametrize("url", [
    "/api/v1/parks/NOPE", "/api/v1/parks/G331018%00", "/api/v1/plots/NOPE",
    "/ogc/collections/roads", "/ogc/collections/roads/items", "/ogc/collections/parks/items/NOPE",
    "/ogc/collections/plots/items/G331018", "/api/v1/nothing-here", "/api/v2/parks",
])
def test_404_unknown_ids(client, url):
    assert_problem(client.get(url), 404)


def test_compare_unknown_park_is_404(client):
    body = assert_problem(client.get("/api/v1/compare?ids=G331018,NOPE"), 404)
    assert "NOPE" in body["detail"]
    assert_problem(client.post("/api/v1/compare", json={"ids": ["NOPE", "G331018"]}), 404)


def test_inquiry_round_trip(client):
    resp = client.post("/api/v1/inquiries", json={"park_id": "G331018", "company": "  测试公司 ", "contact_name": "张",
                                                  "contact_email": "z@example.cn", "project_summary": "试验"})
    assert resp.status_code == 201
    created = resp.get_json()
    assert created["company"] == "测试公司" and resp.headers["Location"].endswith(f"/api/v1/inquiries/{created['id']}")
    path = f"/api/v1/inquiries/{created['id']}"
    resp = client.get(path)
    assert_problem(resp, 401, path)
    assert resp.headers["WWW-Authenticate"]
    assert_problem(client.get(path, headers={"X-Inquiry-Token": "wrong"}), 403, path)
    got = client.get(path, headers={"X-Inquiry-Token": created["token"]})
    assert got.status_code == 200 and "token" not in got.get_json() and "token_sha256" not in got.get_json()
    assert_problem(client.get(f"{path}?token={created['token']}"), 400, path)  # tokens never in URLs (logs)
    assert_problem(client.get("/api/v1/inquiries/NOPE"), 401)  # without credentials, not even whether it exists
