"""The published API documents (openapi/*.json, openapi/asyncapi.yaml) are valid and match the code.

`openapi/generate.py --check` proves the files equal what the code generates today; these tests prove
that what is generated is a *valid* document under the official specifications and that it keeps the
platform's conventions (every event contract published on its topic, Idempotency-Key on writes,
RFC 9457 problem+json on errors). No running service is needed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from socialaid.contracts import REGISTRY

OPENAPI_DIR = Path(__file__).resolve().parents[2] / "openapi"
SERVICES = ["intake", "verification", "benefits", "payments", "relief", "referral"]
PROBLEM_JSON = "application/problem+json"
WRITE_METHODS = ("post", "put", "patch", "delete")

# Write endpoints allowed without an Idempotency-Key header. Keep this list short and justified.
IDEMPOTENCY_EXEMPT = {
    # Operator endpoints of the shared admin router (socialaid.web.service._admin_router), present
    # in every service with a consumer. They converge instead of creating anything: a repeated
    # redrive finds nothing left parked for the subject; a repeated discard finds no open parked
    # message (404) and changes nothing.
    ("post", "/v1/admin/parked/subjects/{subject}/redrive"),
    ("post", "/v1/admin/parked/{parked_id}/discard"),
    # Parked outbox rows (socialaid.web.service._outbox_admin_router, in every service): a repeated
    # retry or discard finds no open parked row (404) and changes nothing.
    ("post", "/v1/admin/outbox/parked/{row_id}/retry"),
    ("post", "/v1/admin/outbox/parked/{row_id}/discard"),
    # payments: sends the payroll's *pending* instructions to the bank; the bank never pays an
    # instruction twice and settled instructions are not resent, so a retry is safe by design.
    ("post", "/v1/payrolls/{payroll_id}/submit"),
}


def _load_openapi(service: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((OPENAPI_DIR / f"{service}.json").read_text(encoding="utf-8"))
    return doc


@pytest.fixture(scope="module")
def asyncapi() -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load(
        (OPENAPI_DIR / "asyncapi.yaml").read_text(encoding="utf-8")
    )
    return doc


def _operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method in ("get", "put", "post", "delete", "patch", "head", "options", "trace"):
                yield method, path, op


def _resolve(doc: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), f"non-local $ref {ref}"
    node: Any = doc
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        assert isinstance(node, dict) and part in node, f"$ref {ref} points nowhere"
        node = node[part]
    return node


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


# --- AsyncAPI --------------------------------------------------------------------------------


def test_asyncapi_document_is_valid_asyncapi_3_0_0(
    asyncapi: dict[str, Any], asyncapi_3_0_0_schema: dict[str, Any]
) -> None:
    schema = asyncapi_3_0_0_schema
    jsonschema.Draft7Validator.check_schema(schema)
    assert schema["properties"]["asyncapi"]["const"] == "3.0.0", "wrong schema file"
    validator = jsonschema.Draft7Validator(
        schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(asyncapi), key=lambda e: list(e.absolute_path))
    assert not errors, "asyncapi.yaml is not valid AsyncAPI 3.0.0:\n" + "\n".join(
        f"- at /{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}" for e in errors[:20]
    )


def test_asyncapi_local_refs_resolve(asyncapi: dict[str, Any]) -> None:
    """The JSON Schema cannot see dangling $refs; resolve every one of them."""
    refs = set(_refs(asyncapi))
    assert refs, "no $ref at all: the document shape changed"
    for ref in sorted(refs):
        _resolve(asyncapi, ref)


def _messages_by_type(asyncapi: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    return {m["name"]: (key, m) for key, m in asyncapi["components"]["messages"].items()}


def test_asyncapi_has_no_message_without_a_contract(asyncapi: dict[str, Any]) -> None:
    stale = set(_messages_by_type(asyncapi)) - set(REGISTRY)
    assert not stale, f"messages in asyncapi.yaml with no contract in REGISTRY: {sorted(stale)}"


@pytest.mark.parametrize("event_type", sorted(REGISTRY))
def test_registered_event_is_a_message_on_its_topic(
    asyncapi: dict[str, Any], event_type: str
) -> None:
    contract = REGISTRY[event_type]
    messages = _messages_by_type(asyncapi)
    assert event_type in messages, f"{event_type} is not a message in asyncapi.yaml"
    key, message = messages[event_type]
    assert message["x-subject-field"] == contract.SUBJECT
    ref = f"#/components/messages/{key}"
    on = [
        ch["address"]
        for ch in asyncapi["channels"].values()
        if any(m.get("$ref") == ref for m in ch.get("messages", {}).values())
    ]
    assert on == [contract.TOPIC], (
        f"{event_type} is on channels {on}, contract says {contract.TOPIC}"
    )
    sends = [
        op
        for op in asyncapi["operations"].values()
        if op["action"] == "send"
        and _resolve(asyncapi, op["channel"]["$ref"])["address"] == contract.TOPIC
        and any(_resolve(asyncapi, m["$ref"]) == {"$ref": ref} for m in op["messages"])
    ]
    assert len(sends) == 1, f"{event_type}: expected one send operation, found {len(sends)}"


@pytest.mark.parametrize("event_type", sorted(REGISTRY))
def test_message_payload_lists_the_contract_fields(
    asyncapi: dict[str, Any], event_type: str
) -> None:
    contract = REGISTRY[event_type]
    _, message = _messages_by_type(asyncapi)[event_type]
    payload = _resolve(asyncapi, message["payload"]["$ref"])
    fields = {(f.alias or name): f for name, f in contract.model_fields.items()}
    required = {name for name, f in fields.items() if f.is_required()}
    missing_required = required - set(payload.get("required", []))
    assert not missing_required, f"{event_type}: payload does not require {missing_required}"
    missing = set(fields) - set(payload.get("properties", {}))
    assert not missing, f"{event_type}: payload lacks properties {missing}"


# --- OpenAPI ---------------------------------------------------------------------------------


def test_every_service_has_an_openapi_document() -> None:
    assert sorted(p.stem for p in OPENAPI_DIR.glob("*.json")) == sorted(SERVICES)


@pytest.mark.parametrize("service", SERVICES)
def test_openapi_document_is_valid_openapi_3_1(service: str) -> None:
    try:
        from openapi_spec_validator import OpenAPIV31SpecValidator
    except ImportError:
        pytest.fail(
            "openapi-spec-validator is not installed: add it to the root dev dependency group "
            "and run `uv sync --all-packages`",
            pytrace=False,
        )
    doc = _load_openapi(service)
    assert doc["openapi"].startswith("3.1."), doc["openapi"]
    # validate() raises on the first error, including $refs that point nowhere
    OpenAPIV31SpecValidator(doc).validate()


@pytest.mark.parametrize("service", SERVICES)
def test_write_endpoints_declare_idempotency_key(service: str) -> None:
    doc = _load_openapi(service)
    missing = []
    for method, path, op in _operations(doc):
        if method not in WRITE_METHODS or (method, path) in IDEMPOTENCY_EXEMPT:
            continue
        params = [_resolve(doc, p["$ref"]) if "$ref" in p else p for p in op.get("parameters", [])]
        if not any(p["in"] == "header" and p["name"].lower() == "idempotency-key" for p in params):
            missing.append(f"{method.upper()} {path}")
    assert not missing, f"{service}: write endpoints without an Idempotency-Key header: {missing}"


def _error_responses(doc: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for method, path, op in _operations(doc):
        for code, response in op.get("responses", {}).items():
            if code[0] in "45" or code == "default":
                if "$ref" in response:
                    response = _resolve(doc, response["$ref"])
                yield f"{method.upper()} {path} {code}", response


def _is_fastapi_default_422(response: dict[str, Any]) -> bool:
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    ref: str = schema.get("$ref", "")
    return ref.endswith("/HTTPValidationError")


@pytest.mark.parametrize("service", SERVICES)
def test_documented_errors_use_problem_json(service: str) -> None:
    """Every documented 4xx/5xx is RFC 9457 problem+json."""
    doc = _load_openapi(service)
    wrong = [
        f"{where}: {sorted(response.get('content', {}))}"
        for where, response in _error_responses(doc)
        if not _is_fastapi_default_422(response)
        and set(response.get("content", {})) != {PROBLEM_JSON}
    ]
    assert not wrong, f"{service}: error responses not documented as {PROBLEM_JSON}: {wrong}"


def test_no_route_documents_fastapi_stock_validation_error() -> None:
    stock = [
        f"{service}: {where}"
        for service in SERVICES
        for where, response in _error_responses(_load_openapi(service))
        if _is_fastapi_default_422(response)
    ]
    assert not stock, "422 documented as application/json HTTPValidationError:\n" + "\n".join(stock)
