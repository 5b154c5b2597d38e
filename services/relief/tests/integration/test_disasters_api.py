"""Relief API against a real, migrated PostgreSQL database (R-DR-01)."""

import datetime as dt
import json

import asyncpg
import pytest

from socialaid.contracts.events import DisasterDeclared
from socialaid.events.envelope import Envelope

pytestmark = pytest.mark.integration


def body(**over):
    b = {
        "region_code": "141124",
        "disaster_type": "flood",
        "response_level": "III",
        "started_on": (dt.date.today() - dt.timedelta(days=2)).isoformat(),
        "description": "湫水河洪水",
    }
    b.update(over)
    return b


async def _fetch(settings, sql, *args):
    conn = await asyncpg.connect(settings.database_url.replace("+asyncpg", ""))
    try:
        return await conn.fetch(sql, *args)
    finally:
        await conn.close()


async def counts(settings) -> tuple[int, int]:
    rows = await _fetch(
        settings, "select (select count(*) from disaster) d, (select count(*) from outbox) o"
    )
    return rows[0]["d"], rows[0]["o"]


async def test_r_dr_01_declare_stores_and_queues_cloudevent(relief_client, relief_settings):
    before = await counts(relief_settings)
    r = await relief_client.post("/v1/disasters", json=body())
    assert r.status_code == 201, r.text
    d = r.json()
    assert d["status"] == "declared" and d["response_level"] == "III"
    assert await counts(relief_settings) == (before[0] + 1, before[1] + 1)

    rows = await _fetch(
        relief_settings,
        "select topic, key, event_type, headers, payload from outbox "
        "where headers->>'ce_subject' = $1",
        d["disaster_id"],
    )
    assert len(rows) == 1
    row = rows[0]
    headers = json.loads(row["headers"])
    assert row["topic"] == DisasterDeclared.TOPIC and row["key"] == d["disaster_id"]
    assert headers["ce_specversion"] == "1.0"
    assert headers["ce_type"] == "cn.gov.socialaid.disaster.declared.v1" == row["event_type"]
    assert headers["ce_source"] == "/socialaid/relief"
    assert headers["ce_sequence"] == "1" and headers["content-type"] == "application/json"
    env = Envelope.from_headers(headers, row["payload"])
    event = DisasterDeclared.model_validate(env.data)
    assert event.disaster_id == d["disaster_id"] and event.region_code == "141124"
    assert event.response_level == "III" and event.disaster_type == "flood"

    got = await relief_client.get(f"/v1/disasters/{d['disaster_id']}")
    assert got.status_code == 200 and got.json() == d


async def test_r_dr_01_list_filters_by_region(relief_client):
    a = (await relief_client.post("/v1/disasters", json=body(region_code="141126"))).json()
    await relief_client.post(
        "/v1/disasters", json=body(region_code="141127", disaster_type="drought")
    )
    listed = (await relief_client.get("/v1/disasters", params={"region_code": "141126"})).json()
    assert a["disaster_id"] in [x["disaster_id"] for x in listed]
    assert {x["region_code"] for x in listed} == {"141126"}


@pytest.mark.parametrize(
    "override",
    [
        {"region_code": "999999"},
        {"response_level": "V"},
        {"disaster_type": "volcano"},
        {"started_on": (dt.date.today() + dt.timedelta(days=3)).isoformat()},
    ],
)
async def test_r_dr_01_bad_declaration_is_problem_and_stores_nothing(
    relief_client, relief_settings, override
):
    before = await counts(relief_settings)
    r = await relief_client.post("/v1/disasters", json=body(**override))
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == "validation_failed" and r.json()["errors"]
    assert await counts(relief_settings) == before


async def test_idempotency_key_replays_and_refuses_other_body(relief_client, relief_settings):
    key = {"Idempotency-Key": "relief-test-1"}
    first = await relief_client.post("/v1/disasters", json=body(), headers=key)
    assert first.status_code == 201
    before = await counts(relief_settings)
    again = await relief_client.post("/v1/disasters", json=body(), headers=key)
    assert again.status_code == 201 and again.json() == first.json()
    other = await relief_client.post("/v1/disasters", json=body(response_level="I"), headers=key)
    assert other.status_code == 409 and other.json()["code"] == "idempotency_key_reused"
    assert await counts(relief_settings) == before


async def test_unknown_disaster_is_404_problem(relief_client):
    for ident in ("00000000-0000-0000-0000-000000000000", "nope"):
        r = await relief_client.get(f"/v1/disasters/{ident}")
        assert r.status_code == 404 and r.json()["code"] == "not_found"
