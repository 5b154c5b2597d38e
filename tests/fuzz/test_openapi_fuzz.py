"""Property-based fuzzing of every service's published OpenAPI document against the running
stack: no input may cause a server error or an answer outside the documented schema.

Probe: schemathesis over the six documents found integers beyond the database's range in
paths and queries, NUL bytes in text and an approvable amount that overflowed every payroll.
Bodies get valid GB 11643 ID numbers so the fuzzer reaches the write paths, not only the
check-digit refusal. Runs after the end-to-end and fault tests (pytest collects ``tests/fuzz``
after them); writes that change the whole stack's behaviour (parameters, holidays) are left
to their own integration tests.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from socialaid.core.ids import gb11643_check_char

pytestmark = pytest.mark.e2e

OPENAPI = Path(__file__).resolve().parents[2] / "openapi"
EXAMPLES = 25  # per operation; bounded so the whole run stays in minutes
# Global settings of the running stack: fuzzing them would change every later answer.
EXCLUDED = {
    ("POST", "/v1/parameters"),
    ("PUT", "/v1/holidays/{day}"),
    ("POST", "/v1/recalculations"),
}
CHECKS = [not_a_server_error, response_schema_conformance]
FuzzCase = schemathesis.Case[Any]


def _valid_id_number(rng: random.Random) -> str:
    born = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 70))
    body = f"141102{born:%Y%m%d}{rng.randrange(0, 1000):03d}"
    return body + gb11643_check_char(body)


def _with_valid_ids(value: Any, rng: random.Random) -> Any:
    if isinstance(value, dict):
        return {
            k: _valid_id_number(rng) if k == "id_number" else _with_valid_ids(v, rng)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_with_valid_ids(v, rng) for v in value]
    return value


@schemathesis.hook
def map_body(ctx: schemathesis.HookContext, body: Any) -> Any:
    return _with_valid_ids(body, random.Random(repr(body)))


def _schema(service: str) -> schemathesis.BaseSchema:
    schema = schemathesis.openapi.from_path(OPENAPI / f"{service}.json")
    schema.config.update(base_url=schema.raw_schema["servers"][0]["url"])  # the local stack
    return schema.exclude(
        func=lambda ctx: (ctx.operation.method.upper(), ctx.operation.path) in EXCLUDED
    )


def _fuzz(case: FuzzCase) -> None:
    case.call_and_validate(checks=CHECKS, timeout=30)


_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)

intake = _schema("intake")
verification = _schema("verification")
benefits = _schema("benefits")
payments = _schema("payments")
relief = _schema("relief")
referral = _schema("referral")


@intake.parametrize()
@_SETTINGS
def test_intake(case: FuzzCase) -> None:
    _fuzz(case)


@verification.parametrize()
@_SETTINGS
def test_verification(case: FuzzCase) -> None:
    _fuzz(case)


@benefits.parametrize()
@_SETTINGS
def test_benefits(case: FuzzCase) -> None:
    _fuzz(case)


@payments.parametrize()
@_SETTINGS
def test_payments(case: FuzzCase) -> None:
    _fuzz(case)


@relief.parametrize()
@_SETTINGS
def test_relief(case: FuzzCase) -> None:
    _fuzz(case)


@referral.parametrize()
@_SETTINGS
def test_referral(case: FuzzCase) -> None:
    _fuzz(case)
