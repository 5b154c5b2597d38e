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

import httpx
import pytest

from socialaid.testkit.faults import lose_connections_mid_write

from .test_applications_api import body, counts

pytestmark = pytest.mark.integration

KEY = {"Idempotency-Key": "fault-connection-lost-1"}


async def test_connection_lost_mid_transaction_stores_nothing_and_retry_applies_once(
    client: httpx.AsyncClient, settings
):
    before = await counts(settings)
    # Several pooled connections, all idle when the fault hits: each one goes stale with it.
    warm = await asyncio.gather(*(client.get(f"/v1/cases/{uuid.uuid4()}") for _ in range(4)))
    assert {w.status_code for w in warm} == {404}
    r = await lose_connections_mid_write(
        settings.database_url,
        # The request's application and case rows go in; its outbox INSERT waits.
        blocked_on="outbox",
        written="application",
        write=client.post("/v1/applications", json=body(), headers=KEY),
    )

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
