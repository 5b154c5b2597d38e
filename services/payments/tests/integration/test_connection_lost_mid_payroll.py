"""Fault matrix: the database connection is lost while a payroll's transaction is open.

Stands in for "the database restarted mid-transaction" without restarting the shared server:
the test holds a lock on ``payment_instruction`` so that ``POST /v1/payrolls`` blocks *after*
writing its payroll row and *before* its instructions, ledger entries and outbox event, then
terminates every connection the app holds. Expected (R-PA-01, R-PA-04, Idempotency-Key): a
retryable 503 problem+json without internals, nothing stored (no payroll without its
instructions), the pool recovers, and a retry with the same key creates the payroll once.
"""

import asyncio

import asyncpg
import httpx
import pytest

from socialaid.testkit.infra import eventually

pytestmark = pytest.mark.integration

KEY = {"Idempotency-Key": "fault-payroll-connection-lost"}
BODY = {"region_code": "141102", "month": "2027-01"}


async def _blocked_backends(watcher: asyncpg.Connection) -> list[int]:
    # Outside a transaction: pg_stat_activity is a snapshot for the transaction's lifetime.
    rows = await watcher.fetch(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
        " AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
    )
    return [r["pid"] for r in rows]


async def test_connection_lost_mid_payroll_stores_nothing_and_retry_creates_it_once(
    client: httpx.AsyncClient, kit, settings
):
    await kit.approve(region="141102", amount="630.00", start="2027-01")
    await kit.approve(region="141102", amount="315.55", start="2026-11")
    before = await kit.counts()  # payroll, instructions, ledger, outbox, idempotency records
    await kit.db.dispose()  # the test's own pool: only the app's connections are in play
    dsn = settings.database_url.replace("+asyncpg", "")
    locker = await asyncpg.connect(dsn)
    watcher = await asyncpg.connect(dsn)
    try:
        tx = locker.transaction()
        await tx.start()
        # SHARE conflicts with INSERT but not with reads or row locks: the payroll row goes
        # in, the instructions' INSERT waits inside the request's open transaction.
        await locker.execute("LOCK TABLE payment_instruction IN SHARE MODE")
        request = asyncio.create_task(client.post("/v1/payrolls", json=BODY, headers=KEY))
        [pid] = await eventually(
            lambda: _blocked_backends(watcher), timeout=15, what="payroll blocked mid-transaction"
        )
        wrote_payroll = await watcher.fetchval(
            "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
            " WHERE l.pid = $1 AND c.relname = 'payroll' AND l.mode = 'RowExclusiveLock'",
            pid,
        )
        assert wrote_payroll == 1, "the request had not written its payroll row yet"
        terminated = await watcher.fetchval(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid() AND pid <> $1",
            locker.get_server_pid(),
        )
        assert terminated >= 1
        await tx.rollback()
        r = await asyncio.wait_for(request, timeout=15)
    finally:
        await locker.close()
        await watcher.close()

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
