"""Intake API against a real, migrated PostgreSQL database (R-IN-01, R-IN-04, R-IN-05, R-IN-08)."""

import datetime as dt

import asyncpg
import pytest

from socialaid.core.ids import gb11643_check_char
from socialaid.events.envelope import Envelope

# Consent is valid for a year (ConsentDate): sign it shortly before the test runs.
SIGNED_ON = dt.date.today() - dt.timedelta(days=12)

pytestmark = pytest.mark.integration


def idn(first17: str) -> str:
    return first17 + gb11643_check_char(first17)


def body(**over):
    b = {
        "region_code": "141102",
        "programmes": ["dibao", "medical"],
        "members": [
            {
                "name": "张三",
                "id_number": idn("14110219800101001"),
                "relationship": "applicant",
                "birth_date": "1980-01-01",
                "declared_monthly_income": "300.00",
            },
            {
                "name": "李四",
                "id_number": idn("14110219820202002"),
                "relationship": "spouse",
                "birth_date": "1982-02-02",
            },
        ],
        "consent": {"signed": True, "signed_on": SIGNED_ON.isoformat()},
        "payee": {
            "account_name": "张三",
            "account_number": "6222020200112233445",
            "bank_code": "ICBC",
        },
    }
    b.update(over)
    return b


async def counts(settings) -> tuple[int, int, int]:
    conn = await asyncpg.connect(settings.database_url.replace("+asyncpg", ""))
    try:
        return (
            await conn.fetchval("select count(*) from application"),
            await conn.fetchval('select count(*) from "case"'),
            await conn.fetchval("select count(*) from outbox"),
        )
    finally:
        await conn.close()


async def test_r_in_01_one_case_per_programme_and_submitted_events(client, settings):
    before = await counts(settings)
    r = await client.post("/v1/applications", json=body())
    assert r.status_code == 201, r.text
    cases = r.json()["cases"]
    assert sorted(c["programme"] for c in cases) == ["dibao", "medical"]
    after = await counts(settings)
    assert after == (before[0] + 1, before[1] + 2, before[2] + 2)
    case = (await client.get(f"/v1/cases/{cases[0]['case_id']}")).json()
    assert case["status"] == "submitted"
    assert case["members"][0]["id_number_masked"].startswith("141102")
    assert "*" in case["members"][0]["id_number_masked"]


async def test_id_numbers_are_encrypted_and_hashed_at_rest(client, settings):
    r = await client.post("/v1/applications", json=body())
    app_id = r.json()["application_id"]
    conn = await asyncpg.connect(settings.database_url.replace("+asyncpg", ""))
    try:
        rows = await conn.fetch(
            "select * from household_member where application_id = $1::uuid", app_id
        )
    finally:
        await conn.close()
    clear = idn("14110219800101001")
    for row in rows:
        assert clear not in " ".join(str(v) for v in row.values())


@pytest.mark.parametrize(
    ("override", "status", "code"),
    [
        ({"consent": {"signed": False}}, 422, "validation_failed"),
        ({"region_code": "999999"}, 422, "validation_failed"),
        (
            {
                "members": [
                    {
                        "name": "x",
                        "id_number": "141102198001010010",
                        "relationship": "applicant",
                        "birth_date": "1980-01-01",
                    }
                ]
            },
            422,
            "validation_failed",
        ),
        ({"programmes": ["pension"]}, 422, "validation_failed"),
    ],
)
async def test_bad_input_is_problem_json_and_stores_nothing(
    client, settings, override, status, code
):
    before = await counts(settings)
    r = await client.post("/v1/applications", json=body(**override))
    assert r.status_code == status
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == code and r.json()["errors"]
    assert await counts(settings) == before


async def test_malformed_json_is_400(client, settings):
    before = await counts(settings)
    r = await client.post(
        "/v1/applications", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert r.status_code == 400 and r.json()["code"] == "malformed_body"
    assert await counts(settings) == before


async def test_idempotency_key_replays_and_refuses_a_different_body(client, settings):
    key = {"Idempotency-Key": "intake-test-key-1"}
    first = await client.post("/v1/applications", json=body(), headers=key)
    before = await counts(settings)
    again = await client.post("/v1/applications", json=body(), headers=key)
    assert again.status_code == 201 and again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    other = await client.post("/v1/applications", json=body(channel="online"), headers=key)
    assert other.status_code == 409 and other.json()["code"] == "idempotency_key_reused"
    assert await counts(settings) == before


async def test_r_in_08_accept_reject_and_invalid_transitions(client, settings):
    case_id = (await client.post("/v1/applications", json=body(programmes=["dibao"]))).json()[
        "cases"
    ][0]["case_id"]
    r = await client.post(
        f"/v1/cases/{case_id}/approve", json={"monthly_amount": "100", "start_month": "2027-01"}
    )
    assert r.status_code == 409 and r.json()["code"] == "invalid_case_transition"
    assert (await client.post(f"/v1/cases/{case_id}/accept", json={})).status_code == 200
    r = await client.post(f"/v1/cases/{case_id}/reject", json={"reasons": []})
    assert r.status_code == 422
    r = await client.post(f"/v1/cases/{case_id}/reject", json={"reasons": ["存款超过规定标准"]})
    assert r.status_code == 200
    case = (await client.get(f"/v1/cases/{case_id}")).json()
    assert [h["to_status"] for h in case["history"]] == ["submitted", "accepted", "rejected"]
    assert case["decision_reasons"] == ["存款超过规定标准"]
    conn = await asyncpg.connect(settings.database_url.replace("+asyncpg", ""))
    try:
        rows = await conn.fetch(
            "select headers, payload from outbox where headers->>'ce_subject' = $1 order by id",
            case_id,
        )
    finally:
        await conn.close()
    import json

    envs = [Envelope.from_headers(json.loads(r["headers"]), r["payload"]) for r in rows]
    assert [e.type.split(".")[-2] for e in envs] == ["submitted", "accepted", "rejected"]
    assert [e.sequence for e in envs] == [1, 2, 3]
    accepted = envs[1].data
    assert accepted["consent"]["signed"] is True and len(accepted["members"]) == 2


async def test_unknown_case_is_404_problem(client):
    r = await client.get("/v1/cases/00000000-0000-0000-0000-000000000000")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    r = await client.get("/v1/cases/not-a-uuid")
    assert r.status_code == 404
