"""Fault matrix: the database connection is lost while a write's transaction is open.

Stands in for "the database restarted mid-transaction" without restarting the shared server:
the test holds a lock on ``outbox`` so that ``POST /v1/applications`` blocks *after* writing its
application and case rows and *before* its outbox rows (the worst moment), then terminates the
request's backend. Expected (R-IN-01 exactly-once submission, Idempotency-Key): a retryable 503
problem+json without internals, nothing of the write stored (no half application, no outbox row),
a retry with the same Idempotency-Key applies exactly once, and the app's pool recovers.
"""

import asyncio
import uuid

import asyncpg
import httpx
import pytest

from socialaid.testkit.infra import eventually

from .test_applications_api import body, counts

pytestmark = pytest.mark.integration

KEY = {"Idempotency-Key": "fault-connection-lost-1"}


async def _blocked_backends(watcher: asyncpg.Connection) -> list[int]:
    """Backends of this database waiting for a lock (the test's lock on ``outbox``)."""
    # Outside a transaction: pg_stat_activity is a snapshot for the transaction's lifetime.
    rows = await watcher.fetch(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
        " AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
    )
    return [r["pid"] for r in rows]


async def test_connection_lost_mid_transaction_stores_nothing_and_retry_applies_once(
    client: httpx.AsyncClient, settings
):
    before = await counts(settings)
    # Several pooled connections, all idle when the fault hits: each one goes stale with it.
    warm = await asyncio.gather(*(client.get(f"/v1/cases/{uuid.uuid4()}") for _ in range(4)))
    assert {w.status_code for w in warm} == {404}
    dsn = settings.database_url.replace("+asyncpg", "")
    locker = await asyncpg.connect(dsn)
    watcher = await asyncpg.connect(dsn)
    try:
        tx = locker.transaction()
        await tx.start()
        # SHARE conflicts with INSERT (ROW EXCLUSIVE) but not with reads: the request's
        # application and case rows go in, its outbox INSERT waits inside the open transaction.
        await locker.execute("LOCK TABLE outbox IN SHARE MODE")
        request = asyncio.create_task(client.post("/v1/applications", json=body(), headers=KEY))
        blocked = await eventually(
            lambda: _blocked_backends(watcher), timeout=15, what="request blocked on outbox"
        )
        assert len(blocked) == 1
        # The request wrote its application rows already: they are in its open transaction.
        in_flight = await watcher.fetchval(
            "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
            " WHERE l.pid = $1 AND c.relname = 'application' AND l.mode = 'RowExclusiveLock'",
            blocked[0],
        )
        assert in_flight == 1, "the request had not written its application rows yet"
        # Every connection the app holds to its database goes, as in a server restart.
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
    problem = r.json()
    assert problem["code"] == "database_unavailable"
    assert r.headers.get("retry-after")
    text = r.text.lower()
    for internal in ("asyncpg", "sqlalchemy", "select", "insert", "terminat", "traceback"):
        assert internal not in text, f"problem leaks {internal!r}: {r.text}"
    # Nothing of the write is stored: no application, no case, no outbox row.
    assert await counts(settings) == before

    # The pool recovers and a retry with the same key applies exactly once.
    retry = await client.post("/v1/applications", json=body(), headers=KEY)
    assert retry.status_code == 201, retry.text
    assert "idempotent-replayed" not in retry.headers
    assert await counts(settings) == (before[0] + 1, before[1] + 2, before[2] + 2)
    again = await client.post("/v1/applications", json=body(), headers=KEY)
    assert again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == retry.json()
    assert await counts(settings) == (before[0] + 1, before[1] + 2, before[2] + 2)
