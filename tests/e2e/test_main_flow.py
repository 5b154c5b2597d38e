"""The whole cluster, end to end, through the public APIs (real PostgreSQL, real Kafka, all services).

A department follows the case topic with its own consumer group and must see
every status change of the case, in order, each event id once.
"""

from __future__ import annotations

import random
import secrets
from decimal import Decimal
from typing import Any

import pytest
from flow import (  # type: ignore[import-not-found]  # tests/flow.py is put on sys.path by tests/conftest.py
    COUNTIES,
    application,
    case_in_status,
    parameter,
    submit_and_accept,
    unique_month,
)

from socialaid.contracts import Topic
from socialaid.testkit.infra import TopicReader, eventually, start_group_at_end

pytestmark = pytest.mark.e2e

CASE_TYPES = ["submitted", "accepted", "assessed", "approved", "enrolled"]


async def test_r_in_01_r_ve_01_r_ca_02_r_pa_01_r_rf_05_application_to_settled_payment(http, people):
    rng = random.Random()
    region = rng.choice(COUNTIES)
    dept = f"e2e-{secrets.token_hex(3)}"
    r = await http["referral"].post(
        "/v1/departments",
        json={
            "code": dept,
            "name": "端到端测试部门",
            "subscriptions": [
                {
                    "event_types": [f"cn.gov.socialaid.case.{t}.v1" for t in CASE_TYPES],
                    "region_codes": ["141100"],
                }
            ],
        },
    )
    assert r.status_code == 201, r.text
    group = f"department-{dept}"
    await start_group_at_end(group, Topic.CASE)

    body = application(people, region, incomes=["600.00", "0"])
    applicant = body["members"][0]["id_number"]
    seeded = await http["department"].put(
        f"/sim/records/{applicant}", json={"wages_monthly": "650.00"}
    )
    assert seeded.status_code in (200, 201), seeded.text

    async with TopicReader(Topic.CASE, group=group) as department:
        case_id, submitted = await submit_and_accept(http, body)
        case = await case_in_status(http, case_id, "assessed")
        proposal = case["proposal"]
        month_of_benefit = case["benefit_month"]
        standard = await parameter(http, region, month_of_benefit, "dibao.standard")
        rate = await parameter(http, region, month_of_benefit, "dibao.employment_cost_rate")
        # R-CA-02 gap method on the verified income (the department said 650, not the declared
        # 600), less the earner's necessary employment costs (R-CA-06), capped at the wages.
        wages = Decimal("650.00")
        countable = wages - min(rate * standard, wages)
        assert Decimal(proposal["amount"]) == (standard * 2 - countable).quantize(Decimal("0.01"))
        assert proposal["eligible"] is True and "INCOME_BELOW_STANDARD" in proposal["reason_codes"]
        assert case["verification"]["discrepancies"], (
            "the declared/verified income difference is reported"
        )

        month = unique_month(rng)
        approved = await http["intake"].post(
            f"/v1/cases/{case_id}/approve",
            json={
                "monthly_amount": proposal["amount"],
                "start_month": month,
                "actor": "e2e-county",
            },
        )
        assert approved.status_code == 200, approved.text

        async def entitlement() -> list[dict[str, Any]] | None:
            found: list[dict[str, Any]] = (
                await http["payments"].get("/v1/entitlements", params={"case_id": case_id})
            ).json()
            return found or None

        ent = (await eventually(entitlement, timeout=60, what="entitlement"))[0]
        assert Decimal(ent["monthly_amount"]) == Decimal(proposal["amount"])

        payroll = await http["payments"].post(
            "/v1/payrolls", json={"region_code": region, "programme": "dibao", "month": month}
        )
        assert payroll.status_code == 201, payroll.text
        payroll_id = payroll.json()["payroll_id"]
        again = await http["payments"].post(
            "/v1/payrolls", json={"region_code": region, "programme": "dibao", "month": month}
        )
        assert again.status_code == 409 and again.headers["content-type"].startswith(
            "application/problem+json"
        )

        async def completed() -> dict[str, Any] | None:
            p: dict[str, Any] = (await http["payments"].get(f"/v1/payrolls/{payroll_id}")).json()
            return p if p["status"] == "completed" else None

        done = await eventually(completed, timeout=90, what="payroll completed")
        assert done["reconciled"] is True
        assert done["settled_count"] + done["failed_count"] == done["control_count"]
        await case_in_status(http, case_id, "enrolled")

        events = await department.wait_for(
            lambda e: e.subject == case_id, count=len(CASE_TYPES), timeout=60
        )

    assert [e.type for e in events] == [f"cn.gov.socialaid.case.{t}.v1" for t in CASE_TYPES]
    assert len({e.id for e in events}) == len(events), "each event id once"
    sequences = [e.sequence for e in events if e.sequence is not None]
    assert len(sequences) == len(events), "every event carries its sequence"
    assert sequences == sorted(sequences)
    # One trace from the HTTP request through the outbox and Kafka.
    trace_id = submitted.headers["traceparent"].split("-")[1]
    assert events[0].traceparent and events[0].traceparent.split("-")[1] == trace_id
    # Departments get minimised data: no clear ID numbers, no payee account.
    deliveries = (await http["referral"].get(f"/v1/departments/{dept}/deliveries")).json()
    mine = [
        d
        for d in (
            deliveries.get("items", deliveries) if isinstance(deliveries, dict) else deliveries
        )
        if case_id in str(d)
    ]
    assert len(mine) >= len(CASE_TYPES)
    assert applicant not in str(mine)


async def test_r_rf_01_referral_forwarded_and_reported_back(http, people):
    region = random.choice(COUNTIES)
    dept = f"e2e-{secrets.token_hex(3)}"
    assert (
        await http["referral"].post(
            "/v1/departments", json={"code": dept, "name": "教育局（测试）", "subscriptions": []}
        )
    ).status_code == 201
    case_id, _ = await submit_and_accept(http, application(people, region, incomes=["0"]))
    async with TopicReader(Topic.REFERRAL) as reader:
        r = await http["referral"].post(
            "/v1/referrals",
            json={
                "case_id": case_id,
                "department_code": dept,
                "reason": "子女就学困难，转教育部门落实教育救助",
            },
        )
        assert r.status_code == 201, r.text
        referral = r.json()
        assert referral["due_at"] > referral["created_at"]
        rep = await http["referral"].post(
            f"/v1/referrals/{referral['referral_id']}/reports",
            json={
                "outcome": "assisted",
                "assistance_given": "减免学费",
                "amount": "1200.00",
                "reported_by": dept,
            },
            headers={"Idempotency-Key": secrets.token_hex(8)},
        )
        assert rep.status_code in (200, 201), rep.text
        events = await reader.wait_for(
            lambda e: e.subject == case_id and e.type.endswith("referral.completed.v1")
        )
    assert events[0].data["department_code"] == dept and events[0].data["amount"] == "1200.00"


async def test_r_dr_01_disaster_declared_reaches_the_topic(http):
    async with TopicReader(Topic.DISASTER) as reader:
        r = await http["relief"].post(
            "/v1/disasters",
            json={
                "region_code": "141124",
                "disaster_type": "flood",
                "response_level": "III",
                "started_on": "2026-11-20",
                "description": "湫水河洪水",
            },
        )
        assert r.status_code == 201, r.text
        disaster_id = r.json()["disaster_id"]
        events = await reader.wait_for(lambda e: e.subject == disaster_id)
    assert events[0].type == "cn.gov.socialaid.disaster.declared.v1"
    assert events[0].data["response_level"] == "III"


@pytest.mark.parametrize(
    ("service", "path"),
    [
        ("intake", "/v1/applications"),
        ("benefits", "/v1/assessments"),
        ("payments", "/v1/payrolls"),
        ("relief", "/v1/disasters"),
        ("referral", "/v1/referrals"),
        ("referral", "/v1/departments"),
    ],
)
async def test_every_write_answers_malformed_json_with_problem_json(http, service, path):
    r = await http[service].post(
        path, content=b"{oops", headers={"content-type": "application/json"}
    )
    assert r.status_code == 400
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == "malformed_body" and r.json()["status"] == 400


async def test_bad_applications_are_refused_and_emit_nothing(http, people):
    group = f"e2e-bad-{secrets.token_hex(3)}"
    await start_group_at_end(group, Topic.CASE)
    good = application(people, "141102", incomes=["0"])
    first = good["members"][0]
    wrong_check = first["id_number"][:-1] + ("0" if first["id_number"][-1] != "0" else "1")
    bad_bodies = [
        dict(good, members=[dict(first, id_number=wrong_check)]),
        dict(good, consent={"signed": False}),
        dict(good, region_code="990000"),
        {k: v for k, v in good.items() if k != "members"},
    ]
    async with TopicReader(Topic.CASE, group=group) as reader:
        for body in bad_bodies:
            r = await http["intake"].post("/v1/applications", json=body)
            assert r.status_code == 422, r.text
            assert (
                r.headers["content-type"].startswith("application/problem+json")
                and r.json()["errors"]
            )
        # A valid application afterwards is the marker: once its event is read, any event of the
        # refused ones would have been read too (the relay publishes in commit order).
        marker = await http["intake"].post(
            "/v1/applications", json=application(people, "141102", incomes=["0"])
        )
        marker_case = marker.json()["cases"][0]["case_id"]
        await reader.wait_for(lambda e: e.subject == marker_case)
    assert not reader.matching(
        lambda e: first["id_number"] in str(e.data) or wrong_check in str(e.data)
    )
