"""VerificationCompleted → engine assessment → one AssessmentCompleted outbox row (R-CA-02, R-CA-12).

The event carries counts and verified figures, not member details: dibao is assessed on them;
programmes whose rules need facts the event cannot carry are published as FACTS_REQUIRED.
"""

import datetime as dt
import json
import uuid
from decimal import Decimal
from typing import Any

import pytest

from socialaid.benefits.consumers import on_verification_completed
from socialaid.contracts.events import AssessmentCompleted, VerificationCompleted
from socialaid.core.ids import uuid7
from socialaid.events.envelope import Envelope
from socialaid.events.inbox import PermanentError

pytestmark = pytest.mark.integration


def verification(**over) -> VerificationCompleted:
    data: dict[str, Any] = {
        "verification_id": str(uuid7()),
        "case_id": str(uuid7()),
        "programme": "dibao",
        "region_code": "141102",
        "benefit_month": "2026-07",
        "household_size": 3,  # living members (verification counts the deceased apart)
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


async def completed_events(sql, case_id: str) -> list[dict[str, Any]]:
    rows = await sql.fetch(
        "select payload from outbox where event_type = $1 and key = $2 order by id",
        AssessmentCompleted.TYPE,
        case_id,
    )
    return [json.loads(r["payload"]) for r in rows]


async def stored(sql, assessment_id: str):
    return await sql.fetchrow("select * from assessment where id = $1::uuid", assessment_id)


async def test_r_ca_02_verification_is_assessed_and_published_once(db, sql):
    event = verification()
    await apply(db, event)
    await apply(db, event)  # redelivered (another event id, same verification): no second one
    events = await completed_events(sql, event.case_id)
    assert len(events) == 1
    e = AssessmentCompleted.model_validate(events[0])
    assert e.eligible is True and e.amount == Decimal("1350.00")  # July: 850 × 3 − 1200
    assert e.standard == Decimal("850.00") and e.per_capita_income == Decimal("400.00")
    assert "INCOME_BELOW_STANDARD" in e.reason_codes and e.household_size == 3
    assert e.benefit_month == "2026-07" and e.rule_set_version.startswith("dibao")
    row = await stored(sql, e.assessment_id)
    assert row["case_id"] == event.case_id and row["verification_id"] == event.verification_id
    assert row["origin"] == "verification" and row["parameter_snapshot_id"]
    steps = json.loads(row["trace"])
    assert steps and all(s["说明"] for s in steps)
    household = json.loads(row["input"])["household"]
    assert [m["incomes"] for m in household["members"]] == [{"other": "1200.00"}, {}, {}]
    assert (
        await sql.fetchval("select count(*) from assessment where case_id = $1", event.case_id) == 1
    )


async def test_r_ca_01_june_uses_the_old_standard_and_the_deceased_are_not_counted(db, sql):
    event = verification(
        benefit_month="2026-06",
        household_size=2,
        deceased_members=1,
        verified_monthly_income=Decimal("600.00"),
    )
    await apply(db, event)
    (e,) = await completed_events(sql, event.case_id)
    assert (e["standard"], e["amount"], e["household_size"]) == ("800.00", "1000.00", 2)
    household = json.loads((await stored(sql, e["assessment_id"]))["input"])["household"]
    assert [m["exclusion"] for m in household["members"]] == [None, None, "deceased"]


async def test_r_ca_06_income_by_source_maps_onto_income_categories(db, sql):
    """Wages make the first member employed (one employment-cost deduction applies)."""
    event = verification(
        verified_monthly_income=Decimal("1300.00"),
        income_by_source={"wages": Decimal("1000.00"), "pensions": Decimal("200.00")},
    )
    await apply(db, event)
    (e,) = await completed_events(sql, event.case_id)
    household = json.loads((await stored(sql, e["assessment_id"]))["input"])["household"]
    first = household["members"][0]
    assert first["employed"] is True
    assert first["incomes"] == {
        "wages": "1000.00",
        "pension_local": "200.00",
        "other": "100.00",  # what the sources do not explain
    }
    # countable 1300 − employment cost 0.30 × 850 = 1045; amount 850 × 3 − 1045
    assert e["eligible"] is True and e["amount"] == "1505.00"


async def test_r_ca_03_members_in_the_event_give_ages_add_ons_and_own_deductions(db, sql):
    """With per-member facts, a seriously ill member earns the add-on and each earner their own
    employment-cost deduction (R-CA-03, R-CA-06)."""
    event = verification(
        household_size=2,
        verified_monthly_income=Decimal("900.00"),
        income_by_source={"wages": Decimal("900.00")},
        members=[
            {
                "member_id": "a",
                "relationship": "applicant",
                "birth_date": "1980-03-01",
                "employed": True,
                "income_by_source": {"wages": "900.00"},
            },
            {
                "member_id": "b",
                "relationship": "spouse",
                "birth_date": "1982-05-01",
                "serious_illness": True,
                "labour_capacity": "none",
            },
        ],
    )
    await apply(db, event)
    (e,) = await completed_events(sql, event.case_id)
    household = json.loads((await stored(sql, e["assessment_id"]))["input"])["household"]
    assert [m["member_id"] for m in household["members"]] == ["a", "b"]
    assert household["members"][1]["serious_illness"] is True
    # countable 900 − 0.30 × 850 = 645; gap 850 × 2 − 645 = 1055; add-on 30 % × 850 = 255
    assert e["eligible"] is True and e["amount"] == "1310.00"


@pytest.mark.parametrize("programme", ["medical", "tekun", "temporary", "education"])
async def test_programmes_needing_facts_the_event_lacks_are_not_pretended(
    db, sql, client, programme
):
    event = verification(programme=programme)
    await apply(db, event)
    (e,) = await completed_events(sql, event.case_id)
    assert (e["eligible"], e["amount"], e["reason_codes"]) == (False, "0.00", ["FACTS_REQUIRED"])
    row = await stored(sql, e["assessment_id"])
    assert row["programme"] == programme and row["reason_codes"] == ["FACTS_REQUIRED"]
    (step,) = json.loads(row["trace"])
    assert step["rule_id"] == "FACTS-REQUIRED-01" and "POST /v1/assessments" in step["说明"]
    r = (await client.get(f"/v1/assessments/{e['assessment_id']}/replay")).json()
    assert r["identical"] is True


async def test_a_region_without_parameters_parks_and_stores_nothing(db, counts):
    before = await counts()
    event = verification(region_code="110108")
    with pytest.raises(PermanentError, match="no_parameter_in_force"):
        async with db.uow() as uow:
            await on_verification_completed(event, envelope(event), uow)
    assert await counts() == before


async def test_another_verification_for_an_assessed_case_month_is_parked(db, counts):
    event = verification()
    await apply(db, event)
    before = await counts()
    other = verification(case_id=event.case_id, verification_id=str(uuid7()))
    with pytest.raises(PermanentError, match="already assessed"):
        async with db.uow() as uow:
            await on_verification_completed(other, envelope(other), uow)
    assert await counts() == before


async def test_an_impossible_household_is_parked(db, counts):
    before = await counts()
    event = verification(household_size=-1)
    with pytest.raises(PermanentError, match="impossible household"):
        async with db.uow() as uow:
            await on_verification_completed(event, envelope(event), uow)
    assert await counts() == before
