"""entitlement.changed from benefits: new monthly amount, arrears/recovery rows, applied once
(R-CA-01 batch recalculation, R-PA-03 schedules)."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest

from socialaid.contracts.events import EntitlementChanged
from socialaid.events.envelope import Envelope
from socialaid.events.inbox import Applier, PermanentError
from socialaid.payments.main import SPEC

pytestmark = pytest.mark.integration


def change(case_id: str, **over: object) -> EntitlementChanged:
    values: dict[str, object] = {
        "change_id": str(uuid.uuid4()),
        "case_id": case_id,
        "programme": "dibao",
        "region_code": "141102",
        "effective_month": "2027-01",
        "previous_amount": Decimal("630.00"),
        "new_amount": Decimal("680.00"),
        "months_already_paid": ["2027-01", "2027-02"],
        "arrears": Decimal("100.00"),
        "overpayment": Decimal("0.00"),
        "cause": "dibao.standard 141100 from 2027-01-01 (parameter x)",
        "recalculation_id": str(uuid.uuid4()),
        "changed_at": dt.datetime.now(dt.UTC),
    }
    values.update(over)
    return EntitlementChanged.model_validate(values)


async def deliver(
    kit, event: EntitlementChanged, *, event_id: str | None = None, sequence: int = 1
) -> str:
    env = Envelope(
        id=event_id or str(uuid.uuid4()),
        source="/socialaid/benefits",
        type=event.TYPE,
        data=event.to_data(),
        time=dt.datetime.now(dt.UTC),
        subject=event.case_id,
        sequence=sequence,
    )
    assert SPEC.subscriptions is not None
    subs = SPEC.subscriptions(kit.settings)
    applier = Applier(
        db=kit.db, consumer=SPEC.consumer_name, source=SPEC.source(), subscriptions=subs
    )
    async with kit.db.uow() as uow:
        outcome = await applier.apply(uow, env, subs[event.TYPE])
        await uow.commit()
    return outcome


async def test_r_ca_01_change_updates_amount_and_records_arrears(kit, client):
    approved = await kit.approve(amount="630.00", start="2027-01")
    ev = change(approved.case_id)
    assert await deliver(kit, ev) == "applied"
    ent = (await client.get("/v1/entitlements", params={"case_id": approved.case_id})).json()[0]
    assert ent["monthly_amount"] == "680.00" and ent["version"] == 2
    assert ent["changes"][-1]["old_amount"] == "630.00"
    assert ent["changes"][-1]["new_amount"] == "680.00"
    r = await client.get("/v1/adjustments", params={"case_id": approved.case_id})
    assert r.status_code == 200, r.text
    [adj] = r.json()
    assert adj["kind"] == "arrears" and adj["amount"] == "100.00"
    assert adj["months"] == ["2027-01", "2027-02"] and adj["status"] == "open"
    assert adj["change_id"] == ev.change_id


async def test_r_ca_01_overpayment_becomes_a_recovery(kit, client):
    approved = await kit.approve(amount="630.00", start="2027-01")
    ev = change(
        approved.case_id,
        new_amount=Decimal("600.00"),
        months_already_paid=["2027-01"],
        arrears=Decimal("0.00"),
        overpayment=Decimal("30.00"),
    )
    assert await deliver(kit, ev) == "applied"
    [adj] = (await client.get("/v1/adjustments", params={"case_id": approved.case_id})).json()
    assert (adj["kind"], adj["amount"], adj["months"]) == ("recovery", "30.00", ["2027-01"])
    assert await kit.scalar(
        "SELECT monthly_amount FROM entitlement WHERE case_id = :c", c=approved.case_id
    ) == Decimal("600.00")


async def test_r_ca_01_duplicate_delivery_applies_once(kit):
    approved = await kit.approve(amount="630.00", start="2027-01")
    ev = change(approved.case_id)
    event_id = str(uuid.uuid4())
    assert await deliver(kit, ev, event_id=event_id) == "applied"
    assert await deliver(kit, ev, event_id=event_id) == "duplicate"  # same event: inbox
    # the same change under another event id (a re-publish): the change id stops it
    assert await deliver(kit, ev, sequence=2) == "applied"
    c = approved.case_id
    assert await kit.scalar("SELECT count(*) FROM adjustment WHERE case_id = :c", c=c) == 1
    assert await kit.scalar("SELECT version FROM entitlement WHERE case_id = :c", c=c) == 2
    assert (
        await kit.scalar(
            "SELECT count(*) FROM entitlement_change e JOIN entitlement n "
            "ON n.id = e.entitlement_id WHERE n.case_id = :c",
            c=c,
        )
        == 1
    )


async def test_r_ca_01_no_arrears_when_nothing_was_paid(kit, client):
    approved = await kit.approve(amount="630.00", start="2027-01")
    ev = change(approved.case_id, months_already_paid=[], arrears=Decimal("0.00"))
    assert await deliver(kit, ev) == "applied"
    assert (await client.get("/v1/adjustments", params={"case_id": approved.case_id})).json() == []


async def test_r_ca_01_inconsistent_change_is_refused_and_changes_nothing(kit):
    approved = await kit.approve(amount="630.00", start="2027-01")
    ev = change(approved.case_id, arrears=Decimal("10.00"), overpayment=Decimal("5.00"))
    with pytest.raises(PermanentError):  # the consumer runner parks it
        await deliver(kit, ev)
    c = approved.case_id
    assert await kit.scalar("SELECT monthly_amount FROM entitlement WHERE case_id = :c", c=c) == (
        Decimal("630.00")
    )
    assert await kit.scalar("SELECT count(*) FROM adjustment") == 0
