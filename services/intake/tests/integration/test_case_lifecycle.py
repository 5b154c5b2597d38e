"""The case lifecycle against PostgreSQL: events from other services applied through the inbox,
the typed answers' JSON, and the optimistic version check of the repository."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import uuid
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import asyncpg
import httpx
import pytest
import pytest_asyncio

from socialaid.contracts.base import Contract
from socialaid.contracts.events import (
    AssessmentCompleted,
    CaseApproved,
    Discrepancy,
    PaymentSettled,
    VerificationCompleted,
)
from socialaid.core.errors import Conflict
from socialaid.core.ids import gb11643_check_char
from socialaid.db import Database
from socialaid.events.envelope import Envelope
from socialaid.events.inbox import Applier, PermanentError
from socialaid.intake.config import Settings
from socialaid.intake.main import SPEC
from socialaid.intake.repository import IntakeRepository

pytestmark = pytest.mark.integration
NOW = dt.datetime(2026, 11, 30, tzinfo=dt.UTC)


def idn(first17: str) -> str:
    return first17 + gb11643_check_char(first17)


BODY = {
    "region_code": "141102",
    "programmes": ["dibao"],
    "members": [
        {
            "name": "赵六",
            "id_number": idn("14110219700303003"),
            "relationship": "applicant",
            "birth_date": "1970-03-03",
        }
    ],
    "consent": {"signed": True},
    "payee": {"account_name": "赵六", "account_number": "6222020200112233999", "bank_code": "ICBC"},
}


@pytest_asyncio.fixture
async def db(settings: Settings) -> AsyncIterator[Database]:
    database = Database(settings.database_url, pool_size=2)
    yield database
    await database.dispose()


async def deliver(db: Database, event: Contract, source: str) -> str:
    env = Envelope(
        id=str(uuid.uuid4()),
        source=source,
        type=event.TYPE,
        data=event.to_data(),
        time=dt.datetime.now(dt.UTC),
        subject=event.subject(),
    )
    assert SPEC.subscriptions is not None
    subs = SPEC.subscriptions(None)  # type: ignore[arg-type]  # subscriptions() never reads its settings
    applier = Applier(db=db, consumer=SPEC.consumer_name, source=SPEC.source(), subscriptions=subs)
    async with db.uow() as uow:
        outcome = await applier.apply(uow, env, subs[event.TYPE])
        await uow.commit()
    return outcome


async def stored_json(settings: Settings, case_id: str, column: str) -> dict[str, Any]:
    conn = await asyncpg.connect(settings.database_url.replace("+asyncpg", ""))
    try:
        text = await conn.fetchval(
            f'select {column}::text from "case" where id = $1::uuid', case_id
        )
    finally:
        await conn.close()
    stored: dict[str, Any] = json.loads(text)
    return stored


def assessment(case_id: str) -> AssessmentCompleted:
    return AssessmentCompleted(
        assessment_id="as-int-1",
        case_id=case_id,
        programme="dibao",
        region_code="141102",
        benefit_month="2026-12",
        eligible=True,
        amount=Decimal("512.00"),
        standard=Decimal("812.00"),
        per_capita_income=Decimal("0.00"),
        household_size=1,
        reason_codes=["income_below_standard"],
        rule_set_version="2026.1",
        completed_at=NOW,
    )


async def new_case(client: httpx.AsyncClient) -> str:
    r = await client.post("/v1/applications", json=BODY)
    assert r.status_code == 201, r.text
    return str(r.json()["cases"][0]["case_id"])


async def test_a_case_from_submission_to_enrolment(client, settings, db):
    r = await client.post("/v1/applications", json=BODY)
    created_at = r.json()["created_at"]
    assert created_at.endswith("+00:00")  # datetime.isoformat(), as the answer always was
    case_id = r.json()["cases"][0]["case_id"]
    assert (await client.post(f"/v1/cases/{case_id}/accept", json={})).status_code == 200

    verified = VerificationCompleted(
        verification_id="ver-int-1",
        case_id=case_id,
        programme="dibao",
        region_code="141102",
        benefit_month="2026-12",
        household_size=1,
        verified_monthly_income=Decimal("0.00"),
        financial_assets=Decimal("100"),
        vehicles=0,
        properties=1,
        discrepancies=[Discrepancy(item="properties", declared="0", verified="1")],
        evidence_count=2,
        completed_at=NOW,
    )
    assert await deliver(db, verified, "/socialaid/verification") == "applied"
    assert await deliver(db, assessment(case_id), "/socialaid/benefits") == "applied"
    case = (await client.get(f"/v1/cases/{case_id}")).json()
    assert case["status"] == "assessed" and case["version"] == 4
    for column in ("verification", "proposal"):
        stored = await stored_json(settings, case_id, column)
        assert case[column] == stored
        assert list(case[column]) == list(stored)  # same bytes as read straight from JSONB
    assert case["proposal"]["amount"] == "512.00" and case["proposal"]["eligible"] is True

    r = await client.post(
        f"/v1/cases/{case_id}/approve", json={"monthly_amount": "512.00", "start_month": "2027-01"}
    )
    assert r.status_code == 200
    assert r.text == (
        f'{{"case_id":"{case_id}","status":"approved","monthly_amount":"512.00",'
        '"start_month":"2027-01","assessed_amount":"512.00","reduction_reason":null}'
    )
    settled = PaymentSettled(
        payment_id="pay-int-1",
        payroll_id="pr-int-1",
        case_id=case_id,
        programme="dibao",
        region_code="141102",
        month="2027-01",
        amount=Decimal("512.00"),
        bank_reference="B-int-1",
        settled_at=NOW,
    )
    assert await deliver(db, settled, "/socialaid/payments") == "applied"
    again = settled.model_copy(update={"payment_id": "pay-int-2", "month": "2027-02"})
    assert await deliver(db, again, "/socialaid/payments") == "applied"

    case = (await client.get(f"/v1/cases/{case_id}")).json()
    assert case["status"] == "enrolled" and case["monthly_amount"] == "512.00"
    assert [(h["from_status"], h["to_status"], h["actor"]) for h in case["history"]] == [
        (None, "submitted", "window"),
        ("submitted", "accepted", "window"),
        ("accepted", "assessed", "system"),
        ("assessed", "approved", "county"),
        ("approved", "enrolled", "system"),
    ]
    assert case["history"][-1]["note"] == "first payment settled for 2027-01"

    conn = await asyncpg.connect(settings.database_url.replace("+asyncpg", ""))
    try:
        types = await conn.fetch(
            "select headers->>'ce_type' as t, headers->>'ce_source' as s from outbox "
            "where headers->>'ce_subject' = $1 order by id",
            case_id,
        )
    finally:
        await conn.close()
    assert [t["t"].split(".")[-2] for t in types] == [
        "submitted",
        "accepted",
        "assessed",
        "approved",
        "enrolled",
    ]
    assert {t["s"] for t in types} == {"/socialaid/intake"}

    listed = (await client.get("/v1/cases", params={"status": "enrolled", "limit": 500})).json()
    (item,) = [i for i in listed if i["id"] == case_id]
    assert list(item) == [
        "id",
        "application_id",
        "programme",
        "region_code",
        "status",
        "monthly_amount",
        "updated_at",
    ]
    assert item["monthly_amount"] == "512.00" and item["updated_at"].endswith("Z")


async def test_a_late_assessment_of_a_rejected_case_is_ignored(client, db):
    case_id = await new_case(client)
    await client.post(f"/v1/cases/{case_id}/reject", json={"reasons": ["withdrawn"]})
    assert await deliver(db, assessment(case_id), "/socialaid/benefits") == "applied"
    case = (await client.get(f"/v1/cases/{case_id}")).json()
    assert case["status"] == "rejected" and case["proposal"] is None and case["version"] == 2


async def test_an_event_for_an_unknown_case_cannot_be_applied(db):
    with pytest.raises(PermanentError):
        await deliver(db, assessment(str(uuid.uuid4())), "/socialaid/benefits")


async def test_a_change_decided_on_an_old_version_is_stale(client, db):
    case_id = await new_case(client)
    async with db.uow() as uow:
        repo = IntakeRepository(uow.session)
        case = await repo.get_case(case_id, for_update=True)
        change = case.reject(actor="county", reasons=["r"], at=NOW)
        await repo.save_case(change)
        with pytest.raises(Conflict) as err:
            await repo.save_case(dataclasses.replace(change, history=None))
        assert err.value.code == "stale_case"


async def outbox_of(settings: Settings, case_id: str) -> list[Envelope]:
    conn = await asyncpg.connect(settings.database_url.replace("+asyncpg", ""))
    try:
        rows = await conn.fetch(
            "select headers, payload from outbox where headers->>'ce_subject' = $1 order by id",
            case_id,
        )
    finally:
        await conn.close()
    return [Envelope.from_headers(json.loads(r["headers"]), r["payload"]) for r in rows]


async def assessed_case(client: httpx.AsyncClient, db: Database) -> str:
    case_id = await new_case(client)
    assert (await client.post(f"/v1/cases/{case_id}/accept", json={})).status_code == 200
    assert await deliver(db, assessment(case_id), "/socialaid/benefits") == "applied"
    return case_id


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"monthly_amount": "9999999.99"}, "amount_above_assessment"),
        (
            {"monthly_amount": "512.01", "reduction_reason": "other", "note": "x"},
            "amount_above_assessment",
        ),
        ({"monthly_amount": "400.00"}, "reduction_reason_missing"),
        ({"monthly_amount": "400.00", "reduction_reason": "other"}, "reduction_note_missing"),
        (
            {"monthly_amount": "512.00", "reduction_reason": "partial_month"},
            "reduction_reason_without_reduction",
        ),
    ],
)
async def test_r_ca_12_an_approval_outside_the_assessment_is_refused_and_changes_nothing(
    client, settings, db, body, code
):
    case_id = await assessed_case(client, db)
    before = (await client.get(f"/v1/cases/{case_id}")).json()
    outbox = await outbox_of(settings, case_id)
    r = await client.post(f"/v1/cases/{case_id}/approve", json={**body, "start_month": "2027-01"})
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    problem = r.json()
    assert problem["code"] == code and problem["assessed_amount"] == "512.00"
    assert problem["monthly_amount"] == str(Decimal(body["monthly_amount"]))
    assert (await client.get(f"/v1/cases/{case_id}")).json() == before
    assert await outbox_of(settings, case_id) == outbox


async def test_an_amount_beyond_any_monthly_ceiling_is_refused_at_the_edge(client, settings, db):
    """Probe: 999,999,999,999.99 was approvable and overflowed every payroll covering the case."""
    case_id = await assessed_case(client, db)
    before = (await client.get(f"/v1/cases/{case_id}")).json()
    r = await client.post(
        f"/v1/cases/{case_id}/approve",
        json={"monthly_amount": "999999999999.99", "start_month": "2027-01"},
    )
    assert r.status_code == 422 and r.json()["code"] == "validation_failed", r.text
    assert (await client.get(f"/v1/cases/{case_id}")).json() == before


async def test_a_reduction_reason_outside_the_documented_list_is_refused(client, db):
    case_id = await assessed_case(client, db)
    r = await client.post(
        f"/v1/cases/{case_id}/approve",
        json={"monthly_amount": "400.00", "start_month": "2027-01", "reduction_reason": "mood"},
    )
    assert r.status_code == 422 and r.json()["code"] == "validation_failed"
    assert r.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in r.json()["errors"]] == ["body.reduction_reason"]
    assert (await client.get(f"/v1/cases/{case_id}")).json()["status"] == "assessed"


async def test_r_in_08_a_reduced_approval_is_explained_in_the_case_and_the_event(
    client, settings, db
):
    case_id = await assessed_case(client, db)
    r = await client.post(
        f"/v1/cases/{case_id}/approve",
        json={
            "monthly_amount": "256.00",
            "start_month": "2027-01",
            "reduction_reason": "partial_month",
            "note": "从月中开始",
        },
    )
    assert r.status_code == 200, r.text
    assert (
        r.json()["assessed_amount"] == "512.00" and r.json()["reduction_reason"] == "partial_month"
    )
    case = (await client.get(f"/v1/cases/{case_id}")).json()
    assert case["monthly_amount"] == "256.00" and case["proposal"]["amount"] == "512.00"
    assert case["decision_reasons"] == ["partial_month"]
    assert case["history"][-1]["note"] == (
        "approved 256.00 of assessed 512.00 (assessment as-int-1); reduction: partial_month; 从月中开始"
    )
    (approved,) = [e for e in await outbox_of(settings, case_id) if e.type == CaseApproved.TYPE]
    assert approved.data["monthly_amount"] == "256.00"
    assert approved.data["assessed_amount"] == "512.00"
    assert approved.data["reduction_reason"] == "partial_month"
