"""Replay: a stored assessment re-run with its stored input and known_at answers exactly the same,
even after later parameter versions were recorded (R-CA-01, R-CA-12)."""

import json
import re
from typing import Any

import pytest

pytestmark = pytest.mark.integration

REGION = "141128"  # 方山县: gets its own open-ended dibao standard in this module, then a rise
SOURCE = {"basis": "D", "document": "重放测试用参数通知", "article": "第一条"}


def adults(income: str = "1200.00") -> list[dict[str, Any]]:
    return [
        {"birth_date": "1980-01-01", "incomes": {"other": income}},
        {"birth_date": "1982-02-02", "relationship": "spouse"},
        {"birth_date": "2000-03-03", "relationship": "child"},
    ]


def body(**over):
    b = {
        "programme": "dibao",
        "region_code": "141102",
        "benefit_month": "2026-07",
        "members": adults(),
        "assets": {"financial": "3000.00", "residential_properties": 1},
    }
    b.update(over)
    return b


async def assess(client, **over) -> dict[str, Any]:
    r = await client.post("/v1/assessments", json=body(**over))
    assert r.status_code == 201, r.text
    assessment: dict[str, Any] = r.json()
    return assessment


async def replay(client, assessment_id: str) -> dict[str, Any]:
    r = await client.get(f"/v1/assessments/{assessment_id}/replay")
    assert r.status_code == 200, r.text
    answer: dict[str, Any] = r.json()
    return answer


async def record(client, value: str, valid_from: str) -> dict[str, Any]:
    r = await client.post(
        "/v1/parameters",
        json={
            "key": "dibao.standard",
            "region_code": REGION,
            "value": value,
            "valid_from": valid_from,
            "source": SOURCE,
        },
    )
    assert r.status_code == 201, r.text
    version: dict[str, Any] = r.json()
    return version


async def test_r_ca_12_replay_with_known_at_ignores_a_later_parameter_version(client, counts):
    """The issue's replay test: a rise recorded after the assessment does not change its replay;
    a fresh assessment without known_at uses the new value."""
    await record(client, "700.00", "2025-01-01")
    month = "2027-03"
    before = await assess(client, region_code=REGION, benefit_month=month)
    assert (before["standard"], before["amount"]) == ("700.00", "900.00")  # 700 × 3 − 1200

    rise = await record(client, "760.00", "2027-01-01")
    assert rise["closed_previous"]["valid_to"] == "2026-12-31"

    stored_rows = await counts()
    r = await replay(client, before["assessment_id"])
    assert await counts() == stored_rows  # a replay stores nothing
    assert r["identical"] is True and r["differences"] == []
    assert r["known_at"] == before["known_at"]
    assert r["replayed"]["amount"] == "900.00" and r["replayed"] == r["stored"]
    assert r["replayed"]["parameter_snapshot_id"] == before["parameter_snapshot_id"]
    assert r["replayed"]["trace"] == (await client.get(before["trace_url"])).json()["steps"]

    # The same request "as known at" the first one's moment: the same answer again.
    again = await assess(
        client, region_code=REGION, benefit_month=month, known_at=before["known_at"]
    )
    for field in ("eligible", "amount", "reason_codes", "flags", "parameters"):
        assert again[field] == before[field], field
    assert again["parameter_snapshot_id"] == before["parameter_snapshot_id"]
    assert again["input_hash"] == before["input_hash"]

    # Known now: the rise applies (760 × 3 − 1200), with another parameter snapshot.
    now = await assess(client, region_code=REGION, benefit_month=month)
    assert (now["standard"], now["amount"]) == ("760.00", "1080.00")
    assert now["parameter_snapshot_id"] != before["parameter_snapshot_id"]
    assert now["input_hash"] == before["input_hash"]  # same situation, other parameters
    assert (await replay(client, now["assessment_id"]))["identical"] is True


async def test_r_ca_12_replay_detects_a_stored_answer_that_differs(client, sql):
    """The comparison can fail: a stored amount altered behind the service's back is reported."""
    a = await assess(client)
    await sql.execute(
        "update assessment set amount = amount + 1 where id = $1::uuid", a["assessment_id"]
    )
    r = await replay(client, a["assessment_id"])
    assert r["identical"] is False and r["differences"] == ["amount"]
    assert r["replayed"]["amount"] == a["amount"]
    steps = json.loads(
        await sql.fetchval("select trace from assessment where id = $1::uuid", a["assessment_id"])
    )
    steps[-1]["说明"] += "（被改动）"
    await sql.execute(
        "update assessment set trace = $2::jsonb where id = $1::uuid",
        a["assessment_id"],
        json.dumps(steps, ensure_ascii=False),
    )
    assert (await replay(client, a["assessment_id"]))["differences"] == ["amount", "trace"]


# One plausible request per programme (the programme-specific part of the household).
PROGRAMMES: dict[str, dict[str, Any]] = {
    "dibao": {},
    "tekun": {
        "members": [
            {
                "birth_date": "1940-05-05",
                "labour_capacity": "none",
                "adl_unable": 2,
                "has_supporter": False,
            }
        ],
        "assets": {"financial": "1000.00", "residential_properties": 1},
    },
    "medical": {
        "medical": {
            "in_policy_out_of_pocket": "10000.00",
            "paid_this_year": "0.00",
            "categories": ["dibao"],
        }
    },
    "temporary": {
        "temporary": {"kind": "emergency", "event_id": "fire-2026-07", "tier_multiple": "2"}
    },
    "disaster_relief": {
        "disaster": {
            "response_level": "IV",
            "persons_needing_emergency_relief": 3,
            "collapsed_houses": 1,
            "transitional_persons": 3,
            "transitional_days": 90,
        }
    },
    "education": {
        "members": [
            {"birth_date": "1980-01-01", "incomes": {"other": "1200.00"}},
            {
                "birth_date": "2012-09-09",
                "relationship": "child",
                "in_school": True,
                "school_stage": "junior_secondary",
            },
        ],
        "grant": {"programme": "education", "category": "junior_secondary", "status": ["dibao"]},
    },
    "housing": {"grant": {"programme": "housing", "category": "rent_subsidy", "status": ["edge"]}},
    "heating": {"grant": {"programme": "heating", "category": "central", "status": ["dibao"]}},
    "employment": {
        "grant": {"programme": "employment", "category": "job_seeking", "status": ["dibao"]}
    },
    "price_subsidy": {"price_subsidy": {"recipients": {"m1": ["dibao"], "m2": ["dibao"]}}},
}


@pytest.mark.parametrize("programme", sorted(PROGRAMMES))
async def test_r_ca_12_every_programme_is_explained_and_replays_identically(client, programme):
    a = await assess(client, programme=programme, **PROGRAMMES[programme])
    assert a["programme"] == programme and a["rule_set_version"]
    assert re.fullmatch(r"\d+\.\d{2}", a["amount"]), a["amount"]  # a non-negative decimal string
    assert a["eligible"] is True and a["amount"] != "0.00"  # each request above qualifies
    trace = (await client.get(a["trace_url"])).json()
    assert trace["steps"] and all(s["说明"].strip() and s["rule_id"] for s in trace["steps"])
    r = await replay(client, a["assessment_id"])
    assert r["identical"] is True, r["differences"]


async def test_r_ca_09_temporary_emergency_is_a_multiple_of_the_standard(client):
    a = await assess(client, programme="temporary", **PROGRAMMES["temporary"])
    assert a["eligible"] is True and a["amount"] == "1700.00"  # 2 × 850 (July 2026)
    assert a["approval_level"] == "township" and "AID_FIRST" in a["flags"]
