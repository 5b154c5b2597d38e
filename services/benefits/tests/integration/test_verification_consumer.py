"""VerificationCompleted → dibao assessment → one AssessmentCompleted outbox row (R-CA-02, R-CA-12)."""

import datetime as dt
import json
import uuid
from decimal import Decimal

import pytest

from socialaid.benefits.consumers import on_verification_completed
from socialaid.contracts.events import AssessmentCompleted, VerificationCompleted
from socialaid.core.ids import uuid7
from socialaid.events.envelope import Envelope
from socialaid.events.inbox import PermanentError

pytestmark = pytest.mark.integration


def verification(**over) -> VerificationCompleted:
    data = {
        "verification_id": str(uuid7()),
        "case_id": str(uuid7()),
        "programme": "dibao",
        "region_code": "141102",
        "benefit_month": "2026-07",
        "household_size": 3,
        "verified_monthly_income": Decimal("1200.00"),
        "financial_assets": Decimal("3000.00"),
        "vehicles": 0,
        "properties": 1,
        "evidence_count": 5,
        "completed_at": dt.datetime.now(dt.UTC),
    }
    data.update(over)
    return VerificationCompleted(**data)


def envelope(event: VerificationCompleted) -> Envelope:
    return Envelope(
        id=str(uuid.uuid4()),
        source="/socialaid/verification",
        type=event.TYPE,
        data=event.to_data(),
        time=dt.datetime.now(dt.UTC),
        subject=event.case_id,
        sequence=1,
    )


async def apply(db, event: VerificationCompleted) -> None:
    async with db.uow() as uow:
        await on_verification_completed(event, envelope(event), uow)
        await uow.commit()


async def completed_events(sql, case_id: str) -> list[dict]:
    rows = await sql.fetch(
        "select payload from outbox where event_type = $1 and key = $2 order by id",
        AssessmentCompleted.TYPE,
        case_id,
    )
    return [json.loads(r["payload"]) for r in rows]


async def test_r_ca_02_verification_is_assessed_and_published_once(db, sql):
    event = verification()
    await apply(db, event)
    await apply(
        db, event
    )  # redelivered (another event id, same verification): no second assessment
    events = await completed_events(sql, event.case_id)
    assert len(events) == 1
    e = AssessmentCompleted.model_validate(events[0])
    assert e.eligible is True and e.amount == Decimal("1350.00")  # July: 850 × 3 − 1200
    assert e.standard == Decimal("850.00") and e.per_capita_income == Decimal("400.00")
    assert e.reason_codes == ["INCOME_BELOW_STANDARD"] and e.household_size == 3
    assert e.benefit_month == "2026-07" and e.rule_set_version.startswith("dibao")
    row = await sql.fetchrow("select * from assessment where case_id = $1", event.case_id)
    assert str(row["id"]) == e.assessment_id and row["verification_id"] == event.verification_id
    assert (
        row["origin"] == "verification" and json.loads(row["trace"])[0]["rule_id"] == "DIBAO-HH-01"
    )
    assert (
        await sql.fetchval("select count(*) from assessment where case_id = $1", event.case_id) == 1
    )


async def test_r_ca_01_june_uses_the_old_standard(db, sql):
    event = verification(
        benefit_month="2026-06", deceased_members=1, verified_monthly_income=Decimal("600.00")
    )
    await apply(db, event)
    (e,) = await completed_events(sql, event.case_id)
    assert (e["standard"], e["amount"], e["household_size"]) == ("800.00", "1000.00", 2)


async def test_non_dibao_programme_is_not_stuck(db, sql):
    event = verification(programme="medical")
    await apply(db, event)
    (e,) = await completed_events(sql, event.case_id)
    assert e["eligible"] is False and e["amount"] == "0.00"
    assert e["reason_codes"] == ["PROGRAMME_RULES_PENDING"]
    row = await sql.fetchrow("select * from assessment where id = $1::uuid", e["assessment_id"])
    assert row["programme"] == "medical" and row["reason_codes"] == ["PROGRAMME_RULES_PENDING"]


async def test_a_region_without_parameters_parks_and_stores_nothing(db, sql, counts):
    before = await counts()
    event = verification(region_code="110108")
    with pytest.raises(PermanentError, match="no_parameter_in_force"):
        async with db.uow() as uow:
            await on_verification_completed(event, envelope(event), uow)
    assert await counts() == before


async def test_another_verification_for_an_assessed_case_month_is_parked(db, sql, counts):
    event = verification()
    await apply(db, event)
    before = await counts()
    other = verification(case_id=event.case_id, verification_id=str(uuid7()))
    with pytest.raises(PermanentError, match="already assessed"):
        async with db.uow() as uow:
            await on_verification_completed(other, envelope(other), uow)
    assert await counts() == before
