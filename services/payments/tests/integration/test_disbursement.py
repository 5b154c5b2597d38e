"""Paying payrolls through the real bank simulator over HTTP (R-PA-01, R-PA-04)."""

import asyncio
import uuid
from typing import Any

import pytest

from socialaid.contracts.events import CaseApproved
from socialaid.payments.jobs import bank_client, disburse_due_payrolls, disburse_payrolls
from socialaid.testkit.infra import eventually

pytestmark = pytest.mark.integration
PROBLEM = "application/problem+json"


def acct() -> str:
    return f"62{uuid.uuid4().int % 10**17:017d}"


async def payroll_with(
    client, kit, bank, *, month: str = "2027-01"
) -> tuple[dict[str, Any], dict[str, CaseApproved]]:
    """Three cases in 141102: two payable, one whose account the bank has closed."""
    closed = acct()
    await bank.put(f"/sim/accounts/{closed}", json={"status": "closed"})
    cases: dict[str, CaseApproved] = {
        "ok1": await kit.approve(region="141102", amount="630.00", account=acct()),
        "ok2": await kit.approve(region="141102", amount="315.50", account=acct()),
        "closed": await kit.approve(region="141102", amount="200.00", account=closed),
    }
    r = await client.post("/v1/payrolls", json={"region_code": "141102", "month": month})
    assert r.status_code == 201, r.text
    payroll: dict[str, Any] = r.json()
    return payroll, cases


async def transfers(bank, payroll_id: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = (
        await bank.get("/sim/transfers", params={"batch_id": payroll_id})
    ).json()
    return found


async def test_r_pa_01_submit_settles_payments_and_fails_a_closed_account(client, kit, bank):
    p, cases = await payroll_with(client, kit, bank)
    r = await client.post(f"/v1/payrolls/{p['payroll_id']}/submit")
    assert r.status_code == 200, r.text
    done = r.json()
    assert done["status"] == "completed" and done["reconciled"] is True
    assert (done["settled_count"], done["settled_total"]) == (2, "945.50")
    assert (done["failed_count"], done["failed_total"], done["pending_count"]) == (1, "200.00", 0)
    assert done["completed_at"] and done["submitted_at"]
    settled = await kit.events("payment.settled")
    failed = await kit.events("payment.failed")
    assert sorted(e.subject for e in settled) == sorted(
        [cases["ok1"].case_id, cases["ok2"].case_id]
    )
    [f] = failed
    assert f.subject == cases["closed"].case_id and f.data["failure_code"] == "ACCOUNT_CLOSED"
    assert all(
        e.data["payroll_id"] == p["payroll_id"] and e.data["month"] == "2027-01" for e in settled
    )
    payments = {
        x["case_id"]: x
        for x in (await client.get(f"/v1/payrolls/{p['payroll_id']}/payments")).json()
    }
    assert payments[cases["ok1"].case_id]["bank_reference"]
    assert payments[cases["closed"].case_id]["status"] == "failed"
    ledger = (
        await client.get("/v1/funds/ledger", params={"programme": "dibao", "region_code": "141100"})
    ).json()
    assert (ledger["entries"], ledger["total"]) == (2, "945.50")
    # submitting again changes nothing: no second transfer, no second event
    again = await client.post(f"/v1/payrolls/{p['payroll_id']}/submit")
    assert again.status_code == 200 and again.json()["settled_count"] == 2
    assert len(await transfers(bank, p["payroll_id"])) == 2
    assert len(await kit.events("payment.settled")) == 2
    assert await kit.scalar("SELECT count(*) FROM ledger_entry") == 2


async def test_r_pa_04_bank_503_changes_nothing_and_a_retry_pays_once(client, kit, bank):
    p, _ = await payroll_with(client, kit, bank)
    await bank.put("/sim/faults", json={"mode": "error", "count": 1})
    r = await client.post(f"/v1/payrolls/{p['payroll_id']}/submit")
    assert r.status_code == 503 and r.headers["content-type"].startswith(PROBLEM)
    assert r.json()["code"] == "bank_unavailable"
    state = (await client.get(f"/v1/payrolls/{p['payroll_id']}")).json()
    assert (state["status"], state["pending_count"]) == ("locked", 3)
    assert await kit.events("payment.settled") == [] and await kit.events("payment.failed") == []
    assert await kit.scalar("SELECT count(*) FROM ledger_entry") == 0
    r = await client.post(f"/v1/payrolls/{p['payroll_id']}/submit")
    assert r.status_code == 200 and r.json()["status"] == "completed"
    assert len(await transfers(bank, p["payroll_id"])) == 2


async def test_r_pa_04_a_lost_bank_answer_is_resent_without_paying_twice(
    client, kit, bank, settings
):
    p, _ = await payroll_with(client, kit, bank)
    # the bank pays, then answers after the client has given up
    await bank.put(
        "/sim/faults",
        json={"mode": "timeout", "count": 1, "delay_seconds": settings.bank_timeout_seconds + 1},
    )
    r = await client.post(f"/v1/payrolls/{p['payroll_id']}/submit")
    assert r.status_code == 503
    assert len(await transfers(bank, p["payroll_id"])) == 2  # money moved, we recorded nothing yet
    assert (await client.get(f"/v1/payrolls/{p['payroll_id']}")).json()["pending_count"] == 3
    r = await client.post(f"/v1/payrolls/{p['payroll_id']}/submit")
    assert r.status_code == 200 and r.json()["settled_count"] == 2
    assert len(await transfers(bank, p["payroll_id"])) == 2
    assert len(await kit.events("payment.settled")) == 2


async def test_r_pa_04_worker_backs_off_while_the_bank_is_down(client, kit, bank, db, settings):
    p, _ = await payroll_with(client, kit, bank)
    await bank.put("/sim/faults", json={"mode": "error", "count": 1})
    outcome = await disburse_due_payrolls(db=db, bank=bank_client(settings), settings=settings)
    assert outcome == {p["payroll_id"]: "retry"}
    state = (await client.get(f"/v1/payrolls/{p['payroll_id']}")).json()
    assert state["send_attempts"] == 1 and state["next_attempt_at"] and state["last_error"]
    assert (state["status"], state["pending_count"]) == ("locked", 3)
    # not due yet: a pass right away leaves it alone
    assert await disburse_due_payrolls(db=db, bank=bank_client(settings), settings=settings) == {}


async def test_r_pa_01_background_job_pays_locked_payrolls(client, kit, bank, db, settings):
    p, _ = await payroll_with(client, kit, bank)
    await bank.put("/sim/faults", json={"mode": "error", "count": 2})
    stop = asyncio.Event()
    job = asyncio.create_task(disburse_payrolls(settings, db, stop))
    try:

        async def completed() -> dict[str, Any] | None:
            state: dict[str, Any] = (await client.get(f"/v1/payrolls/{p['payroll_id']}")).json()
            return state if state["status"] == "completed" else None

        state = await eventually(completed, timeout=20, what="payroll completed by the worker")
    finally:
        stop.set()
        await asyncio.wait_for(job, timeout=10)
    assert state["send_attempts"] == 2 and state["last_error"] is None
    assert (state["settled_count"], state["failed_count"], state["reconciled"]) == (2, 1, True)
    assert len(await transfers(bank, p["payroll_id"])) == 2
