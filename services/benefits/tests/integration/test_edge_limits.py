"""Limits at the edge of the benefits API, as probed: a household body past its limit, NUL and
bidi characters, exponent amounts, ceilings that keep sums inside NUMERIC(14,2), implausible
dates and free-form parameter values (R-CA-01, R-CA-02). Each is a 4xx problem storing nothing."""

from typing import Any

import pytest

from services.benefits.tests.integration.test_assessments_api import adults
from services.benefits.tests.integration.test_assessments_api import body as assessment
from services.benefits.tests.integration.test_parameters_api import body as parameter

pytestmark = pytest.mark.integration


async def stored(sql) -> tuple[int, int]:
    return (
        await sql.fetchval("select count(*) from assessment"),
        await sql.fetchval("select count(*) from parameter_version"),
    )


def with_member(**fields: Any) -> dict[str, Any]:
    members = adults()
    members[0] = {**members[0], **fields}
    result: dict[str, Any] = assessment(members=members)
    return result


async def test_a_household_past_512_kib_is_413(client, sql):
    before = await stored(sql)
    members = adults()
    members[0]["relationship"] = "x" * (600 * 1024)
    r = await client.post("/v1/assessments", json=assessment(members=members))
    assert r.status_code == 413, r.text
    assert r.json()["code"] == "body_too_large" and r.json()["limit_bytes"] == 512 * 1024
    assert await stored(sql) == before


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (with_member(member_id="m\u00001"), "String should match pattern"),
        (with_member(incomes={"other": "1E+3"}), "no exponent"),
        (with_member(incomes={"other": "-0.00"}), "negative zero"),
        (with_member(incomes={"other": "10000000.01"}), "less than or equal"),
        (with_member(birth_date="1899-12-31"), "before 1900-01-01"),
        (with_member(business_registered_on="9999-01-01"), "in the future"),
        (assessment(assets={"financial": "999999999999.99"}), "less than or equal"),
        (assessment(benefit_month="9999-12"), "String should match pattern"),
    ],
)
async def test_bad_household_fields_are_422(client, sql, body, message):
    before = await stored(sql)
    r = await client.post("/v1/assessments", json=body)
    assert r.status_code == 422, r.text
    assert any(message in e["message"] for e in r.json()["errors"]), r.json()
    assert await stored(sql) == before


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"key": "dibao.method", "value": {"method": "gap\u0000"}}, "NUL character"),
        ({"key": "dibao.method", "value": {"method": [[[[[[[[[["gap"]]]]]]]]]]}}, "nested deeper"),
        ({"source": {"basis": "D", "document": "通知\u202e知通"}}, "bidirectional control"),
        ({"valid_from": "1900-01-01"}, "between 1990-01-01 and 2100-12-31"),
        ({"valid_from": "2025-01-01", "valid_to": "9999-12-31"}, "between 1990-01-01"),
    ],
)
async def test_bad_parameter_versions_are_422(client, sql, over, message):
    before = await stored(sql)
    r = await client.post("/v1/parameters", json=parameter(**over))
    assert r.status_code == 422, r.text
    assert any(message in e["message"] for e in r.json()["errors"]), r.json()
    assert await stored(sql) == before


@pytest.mark.parametrize("query", ["limit=0", "limit=501", "limit=99999999999999999999"])
async def test_recalculation_paging_is_bounded(client, query):
    r = await client.get(f"/v1/recalculations?{query}")
    assert r.status_code == 422, r.text
