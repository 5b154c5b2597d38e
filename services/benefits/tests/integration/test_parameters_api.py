"""Bitemporal parameters against a real, migrated PostgreSQL database (R-CA-01)."""

import datetime as dt
import json

import pytest

pytestmark = pytest.mark.integration


def source(basis="D"):
    return {"basis": basis, "document": "测试用参数通知", "article": "第二条"}


def body(**over):
    b = {
        "key": "dibao.standard",
        "region_code": "370300",
        "value": "700.00",
        "valid_from": "2025-01-01",
        "source": source(),
    }
    b.update(over)
    return b


def by_key(rows):
    return {r["key"]: r for r in rows}


async def test_r_ca_01_seeded_values_fall_back_from_county_to_city_and_national(client):
    r = await client.get("/v1/parameters", params={"region_code": "141102", "as_of": "2026-06-15"})
    assert r.status_code == 200, r.text
    rows = by_key(r.json())
    assert rows["dibao.standard"]["value"] == "800.00"
    assert rows["dibao.standard"]["region_code"] == "141100"  # the city supplied it
    assert rows["dibao.standard"]["requested_region"] == "141102"
    assert rows["dibao.standard"]["source"].startswith("[D]")
    assert rows["dibao.fin_assets_months"]["value"] == "24"
    assert rows["dibao.vehicle_exempt_value"]["value"] == "30000.00"
    assert rows["dibao.max_properties"]["value"] == "1"
    assert rows["edge.multiplier"] == {
        **rows["edge.multiplier"],
        "value": "1.5",
        "region_code": "000000",
    }


async def test_r_ca_01_as_of_selects_the_version_in_force(client):
    async def standard(as_of):
        r = await client.get("/v1/parameters", params={"region_code": "141121", "as_of": as_of})
        return by_key(r.json()).get("dibao.standard", {}).get("value")

    assert await standard("2024-12-31") is None  # before the first version; no national default
    assert await standard("2025-01-01") == "800.00"
    assert await standard("2026-06-30") == "800.00"
    assert await standard("2026-07-01") == "850.00"


async def test_r_ca_01_known_at_before_recording_sees_nothing(client):
    r = await client.get(
        "/v1/parameters",
        params={
            "region_code": "141102",
            "as_of": "2026-07-01",
            "known_at": "2000-01-01T00:00:00+08:00",
        },
    )
    assert r.status_code == 200 and r.json() == []


async def test_r_ca_01_county_override_wins_and_closing_is_bitemporal(client, sql):
    # 交城县 gets its own standard, open-ended from 2025-01-01; then a rise from 2027-01-01 closes it.
    first = await client.post("/v1/parameters", json=body(region_code="141122", value="820.00"))
    assert first.status_code == 201, first.text
    assert first.json()["closed_previous"] is None
    r = await client.get("/v1/parameters", params={"region_code": "141122", "as_of": "2026-07-01"})
    assert by_key(r.json())["dibao.standard"]["region_code"] == "141122"
    assert by_key(r.json())["dibao.standard"]["value"] == "820.00"
    between = (await sql.fetchval("select now()")).isoformat()

    second = await client.post(
        "/v1/parameters", json=body(region_code="141122", value="900", valid_from="2027-01-01")
    )
    assert second.status_code == 201, second.text
    closed = second.json()["closed_previous"]
    assert closed["valid_from"] == "2025-01-01" and closed["valid_to"] == "2026-12-31"
    assert closed["value"] == "820.00" and closed["supersedes_id"] == first.json()["parameter_id"]
    assert second.json()["value"] == "900.00"

    async def std(as_of, known_at=None):
        q = {"region_code": "141122", "as_of": as_of}
        if known_at:
            q["known_at"] = known_at
        return by_key((await client.get("/v1/parameters", params=q)).json())["dibao.standard"][
            "value"
        ]

    assert await std("2026-12-31") == "820.00"
    assert await std("2027-01-01") == "900.00"
    assert await std("2027-01-01", known_at=between) == "820.00"  # what was known before the rise

    hist = (
        await client.get("/v1/parameters/dibao.standard/history", params={"region_code": "141122"})
    ).json()
    assert [(h["value"], h["valid_to"], h["superseded_at"] is not None) for h in hist] == [
        ("820.00", None, True),
        ("820.00", "2026-12-31", False),
        ("900.00", None, False),
    ]

    rows = await sql.fetch(
        "select headers, payload from outbox where event_type = $1 order by id",
        "cn.gov.socialaid.parameter.published.v1",
    )
    published = [
        json.loads(r["payload"])
        for r in rows
        if json.loads(r["payload"])["region_code"] == "141122"
    ]
    assert [(p["value"], p["valid_to"]) for p in published] == [
        ("820.00", None),
        ("820.00", "2026-12-31"),
        ("900.00", None),
    ]
    assert json.loads(rows[0]["headers"])["ce_subject"] == "dibao.standard"


@pytest.mark.parametrize(
    ("second", "why"),
    [
        ({"valid_from": "2025-06-01", "valid_to": "2025-12-31"}, "inside a closed version"),
        ({"valid_from": "2024-01-01", "valid_to": "2025-01-01"}, "touches the first day"),
        ({"valid_from": "2025-01-01"}, "same start as the open version"),
    ],
)
async def test_r_ca_01_overlapping_validity_is_refused_and_stores_nothing(
    client, counts, second, why
):
    region = {
        "inside a closed version": "340700",
        "touches the first day": "340000",
        "same start as the open version": "370000",
    }[why]
    r = await client.post("/v1/parameters", json=body(region_code=region, valid_to="2025-12-31"))
    assert r.status_code == 201, r.text
    if why == "same start as the open version":
        r = await client.post(
            "/v1/parameters", json=body(region_code=region, valid_from="2026-01-01")
        )
        assert r.status_code == 201, r.text
        second = {"valid_from": "2026-01-01"}
    before = await counts()
    r = await client.post("/v1/parameters", json=body(region_code=region, **second))
    assert r.status_code == 409, why
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == "parameter_validity_overlap"
    assert await counts() == before


@pytest.mark.parametrize(
    ("override", "code"),
    [
        ({"key": "dibao.nonsense"}, "unknown_parameter_key"),
        ({"value": "abc"}, "invalid_parameter_value"),
        ({"value": "700.001"}, "invalid_parameter_value"),
        ({"value": "-5"}, "invalid_parameter_value"),
        ({"value": 700.5}, "validation_failed"),
        ({"region_code": "999999"}, "validation_failed"),
        ({"valid_to": "2024-01-01"}, "validation_failed"),
        ({"source": {"basis": "X", "document": "x"}}, "validation_failed"),
    ],
)
async def test_bad_parameter_input_is_problem_json_and_stores_nothing(
    client, counts, override, code
):
    before = await counts()
    r = await client.post("/v1/parameters", json=body(**{"region_code": "370300", **override}))
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == code
    assert await counts() == before


async def test_parameter_idempotency_key_replays(client, counts):
    key = {"Idempotency-Key": "benefits-param-1"}
    b = body(key="edge.multiplier", region_code="141181", value="1.6", source=source("L"))
    first = await client.post("/v1/parameters", json=b, headers=key)
    assert first.status_code == 201, first.text
    before = await counts()
    again = await client.post("/v1/parameters", json=b, headers=key)
    assert again.status_code == 201 and again.json() == first.json()
    other = await client.post("/v1/parameters", json={**b, "value": "1.7"}, headers=key)
    assert other.status_code == 409 and other.json()["code"] == "idempotency_key_reused"
    assert await counts() == before


async def test_unknown_region_key_and_naive_known_at(client):
    r = await client.get("/v1/parameters", params={"region_code": "999999"})
    assert r.status_code == 422 and r.json()["code"] == "unknown_region"
    r = await client.get("/v1/parameters/no.such.key/history")
    assert r.status_code == 404
    r = await client.get(
        "/v1/parameters", params={"region_code": "141102", "known_at": "2026-01-01T00:00:00"}
    )
    assert r.status_code == 422
    keys = (await client.get("/v1/parameters/keys")).json()
    assert "dibao.standard" in {k["key"] for k in keys}


async def test_today_defaults(client):
    r = await client.get("/v1/parameters", params={"region_code": "141102"})
    assert r.status_code == 200
    expected = "850.00" if dt.date.today() >= dt.date(2026, 7, 1) else "800.00"
    assert by_key(r.json())["dibao.standard"]["value"] == expected
