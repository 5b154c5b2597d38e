"""Limits at the edge of intake's API, as probed: oversized bodies, NUL and control characters,
exponent and negative-zero amounts, implausible dates, unbounded lists, integers beyond the
columns' range. Each answers a clear 4xx problem and stores nothing (R-IN-01, R-IN-05)."""

import copy
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest

from services.intake.tests.integration.test_applications_api import body, counts

pytestmark = pytest.mark.integration


async def assert_nothing_stored(settings: Any, before: tuple[int, int, int]) -> None:
    assert await counts(settings) == before


def member_edit(path: str, value: Any) -> dict[str, Any]:
    b: dict[str, Any] = copy.deepcopy(body())
    b["members"][0][path] = value
    return b


async def test_a_1_mb_application_is_refused_with_413_and_nothing_stored(client, settings):
    before = await counts(settings)
    b = body()
    b["members"][0]["name"] = "张" * (1024 * 1024 // 3)
    r = await client.post("/v1/applications", json=b)
    assert r.status_code == 413, r.text
    problem = r.json()
    assert problem["code"] == "body_too_large"
    assert problem["limit_bytes"] == 256 * 1024
    assert r.headers["content-type"] == "application/problem+json"
    await assert_nothing_stored(settings, before)


async def test_a_streamed_oversized_application_is_cut_off(client, settings):
    before = await counts(settings)

    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"region_code": "141102", "members": [{"name": "'
        for _ in range(64):  # 4 MB, without a Content-Length
            yield b"a" * 65536
        yield b'"}]}'

    r = await client.post(
        "/v1/applications", content=chunks(), headers={"content-type": "application/json"}
    )
    assert r.status_code == 413, r.text
    await assert_nothing_stored(settings, before)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "张\u0000三", "NUL character"),
        ("name", "\u202e三张", "bidirectional control character"),
        ("name", "张\u200b三", "zero-width character"),
        ("name", "\u001b[31m张三", "ANSI escape sequence"),
        ("declared_monthly_income", "1E+2", "no exponent"),
        ("declared_monthly_income", "-0.00", "negative zero"),
        ("declared_monthly_income", "99999999.00", "less than or equal"),
    ],
)
async def test_bad_member_fields_are_422_and_store_nothing(client, settings, field, value, message):
    before = await counts(settings)
    r = await client.post("/v1/applications", json=member_edit(field, value))
    assert r.status_code == 422, r.text
    problem = r.json()
    assert problem["code"] == "validation_failed"
    assert any(message in e["message"] for e in problem["errors"]), problem
    assert any(e["field"].endswith(field) for e in problem["errors"]), problem
    await assert_nothing_stored(settings, before)


@pytest.mark.parametrize(
    "consent",
    [
        {"signed": True, "signed_on": "9999-12-31"},
        {"signed": True, "signed_on": "1900-01-01"},
        {"signed": True, "scope": ["income"] * 10_000},
        {"signed": True, "scope": ["in\u0000come"]},
    ],
)
async def test_implausible_consents_are_refused(client, settings, consent):
    before = await counts(settings)
    r = await client.post("/v1/applications", json=body(consent=consent))
    assert r.status_code == 422, r.text
    await assert_nothing_stored(settings, before)


async def test_text_is_stored_in_nfc(client, settings):
    r = await client.post("/v1/applications", json=member_edit("name", "Jose\u0301"))
    assert r.status_code == 201, r.text
    case_id = r.json()["cases"][0]["case_id"]
    case = (await client.get(f"/v1/cases/{case_id}")).json()
    assert case["members"][0]["name"] == "Jos\u00e9"


@pytest.mark.parametrize(
    "query",
    ["offset=99999999999999999999", "offset=100001", "limit=99999999999999999999", "limit=0"],
)
async def test_paging_beyond_the_columns_range_is_422_not_500(client, query):
    r = await client.get(f"/v1/cases?{query}")
    assert r.status_code == 422, r.text


@pytest.mark.parametrize(
    "path",
    ["/v1/cases/99999999999999999999", "/v1/applications/99999999999999999999"],
)
async def test_huge_numbers_as_ids_are_404(client, path):
    r = await client.get(path)
    assert r.status_code == 404, r.text


async def test_nul_in_a_path_is_a_400_problem(client):
    r = await client.get("/v1/cases/abc%00def")
    assert r.status_code == 400, r.text
    assert r.json()["code"] == "malformed_request_target"


async def test_rejection_reasons_are_human_text(client, settings):
    r = await client.post("/v1/applications", json=body())
    case_id = r.json()["cases"][0]["case_id"]
    r = await client.post(f"/v1/cases/{case_id}/reject", json={"reasons": ["bad\u0000reason"]})
    assert r.status_code == 422, r.text
    conn = await asyncpg.connect(settings.database_url.replace("+asyncpg", ""))
    try:
        status = await conn.fetchval('select status from "case" where id = $1::uuid', case_id)
    finally:
        await conn.close()
    assert status == "submitted"


@pytest.mark.parametrize("parked_id", ["99999999999999999999", "9223372036854775808", "0"])
async def test_parked_ids_beyond_bigint_are_422_not_500(client, parked_id):
    r = await client.post(
        f"/v1/admin/parked/{parked_id}/discard", headers={"Idempotency-Key": f"k-{parked_id}"}
    )
    assert r.status_code == 422, r.text


async def test_an_unknown_parked_id_within_range_is_404(client):
    r = await client.post(
        "/v1/admin/parked/9223372036854775807/discard", headers={"Idempotency-Key": "k-max"}
    )
    assert r.status_code == 404, r.text


@pytest.mark.parametrize("key", ["k" * 201, "with space", "ключ"])
async def test_idempotency_keys_beyond_the_column_are_422_not_500(client, settings, key):
    before = await counts(settings)
    r = await client.post(
        "/v1/applications", json=body(), headers={"Idempotency-Key": key.encode()}
    )
    assert r.status_code == 422, r.text
    await assert_nothing_stored(settings, before)
