"""case.approved → entitlement schedules (R-PA-01, R-PA-03)."""

import uuid
from decimal import Decimal

import pytest

from socialaid.events.inbox import PermanentError

pytestmark = pytest.mark.integration


async def test_r_pa_03_approval_creates_one_entitlement(client, kit):
    event = kit.approval(amount="630.50", start="2027-02")
    event_id = str(uuid.uuid4())
    assert await kit.deliver(event, event_id=event_id) == "applied"
    assert await kit.deliver(event, event_id=event_id) == "duplicate"
    r = await client.get("/v1/entitlements", params={"case_id": event.case_id})
    assert r.status_code == 200
    [ent] = r.json()
    assert ent["monthly_amount"] == "630.50" and ent["start_month"] == "2027-02"
    assert ent["status"] == "active" and ent["version"] == 1 and ent["changes"] == []
    assert ent["payee"]["account_number"] == "*" * 15 + event.payee.account_number[-4:]
    assert await kit.scalar("SELECT count(*) FROM entitlement") == 1


async def test_r_pa_03_a_later_approval_changes_the_amount_and_records_it(client, kit):
    first = kit.approval(amount="500.00")
    await kit.deliver(first, sequence=1)
    assert await kit.deliver(first, sequence=2) == "applied"  # same content again: nothing changes
    changed = first.model_copy(update={"monthly_amount": Decimal("720.00")})
    assert await kit.deliver(changed, sequence=3) == "applied"
    stale = first.model_copy(update={"monthly_amount": Decimal("1.00")})
    assert await kit.deliver(stale, sequence=2) == "stale"
    [ent] = (await client.get("/v1/entitlements", params={"case_id": first.case_id})).json()
    assert ent["monthly_amount"] == "720.00" and ent["version"] == 2
    assert [(c["old_amount"], c["new_amount"]) for c in ent["changes"]] == [("500.00", "720.00")]


async def test_negative_approved_amount_is_refused_permanently(kit):
    bad = kit.approval().model_copy(update={"monthly_amount": Decimal("-1.00")})
    with pytest.raises(PermanentError):
        await kit.deliver(bad)
    assert await kit.scalar("SELECT count(*) FROM entitlement") == 0
