"""Fault matrix: the database connection is lost while a payroll's transaction is open.

Stands in for "the database restarted mid-transaction" without restarting the shared server:
the test holds a lock on ``payment_instruction`` so that ``POST /v1/payrolls`` blocks *after*
writing its payroll row and *before* its instructions, ledger entries and outbox event, then
terminates every connection the app holds. Expected (R-PA-01, R-PA-04, Idempotency-Key): a
retryable 503 problem+json without internals, nothing stored (no payroll without its
instructions), the pool recovers, and a retry with the same key creates the payroll once.
"""

import httpx
import pytest

from socialaid.testkit.faults import lose_connections_mid_write

pytestmark = pytest.mark.integration

KEY = {"Idempotency-Key": "fault-payroll-connection-lost"}
BODY = {"region_code": "141102", "month": "2027-01"}


async def test_connection_lost_mid_payroll_stores_nothing_and_retry_creates_it_once(
    client: httpx.AsyncClient, kit, settings
):
    await kit.approve(region="141102", amount="630.00", start="2027-01")
    await kit.approve(region="141102", amount="315.55", start="2026-11")
    before = await kit.counts()  # payroll, instructions, ledger, outbox, idempotency records
    await kit.db.dispose()  # the test's own pool: only the app's connections are in play
    r = await lose_connections_mid_write(
        settings.database_url,
        # The payroll row goes in; the instructions' INSERT waits inside the transaction.
        blocked_on="payment_instruction",
        written="payroll",
        write=client.post("/v1/payrolls", json=BODY, headers=KEY),
    )

    assert r.status_code == 503, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == "database_unavailable" and r.headers.get("retry-after")
    for internal in ("asyncpg", "sqlalchemy", "insert", "payment_instruction", "terminat"):
        assert internal not in r.text.lower(), f"problem leaks {internal!r}: {r.text}"
    assert await kit.counts() == before

    retry = await client.post("/v1/payrolls", json=BODY, headers=KEY)
    assert retry.status_code == 201, retry.text
    p = retry.json()
    assert (p["control_count"], p["control_total"]) == (2, "945.55")
    after = await kit.counts()
    assert after[0] == before[0] + 1 and after[1] == before[1] + 2 and after[4] == before[4] + 1
    again = await client.post("/v1/payrolls", json=BODY, headers=KEY)
    assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
    assert again.json() == p
    assert await kit.counts() == after
    assert len(await kit.events("payroll.locked")) == 1
