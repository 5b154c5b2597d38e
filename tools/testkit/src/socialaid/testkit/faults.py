"""Database faults for integration tests: a write's connection lost mid-transaction.

Stands in for "the database restarted mid-transaction" without restarting the shared server:
a lock taken by the test (SHARE on ``blocked_on``: conflicts with INSERT, not with reads) holds
the write *inside* its transaction, after it wrote to ``written``; then every connection to the
database except the test's own is terminated, as a restart would.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

import asyncpg

from socialaid.testkit.infra import eventually

T = TypeVar("T")


async def _blocked_backends(watcher: asyncpg.Connection) -> list[int]:
    # Outside a transaction: pg_stat_activity is a snapshot for the transaction's lifetime.
    rows = await watcher.fetch(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
        " AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
    )
    return [int(r["pid"]) for r in rows]


async def lose_connections_mid_write(
    database_url: str, *, blocked_on: str, written: str, write: Awaitable[T]
) -> T:
    """Run ``write`` until its transaction has written to ``written`` and waits on
    ``blocked_on``, terminate every other connection to the database, and answer what the
    write then returned."""
    dsn = database_url.replace("+asyncpg", "")
    locker = await asyncpg.connect(dsn)
    watcher = await asyncpg.connect(dsn)
    try:
        tx = locker.transaction()
        await tx.start()
        await locker.execute(f'LOCK TABLE "{blocked_on}" IN SHARE MODE')
        request = asyncio.ensure_future(write)
        blocked = await eventually(
            lambda: _blocked_backends(watcher),
            timeout=15,
            what=f"the write blocked on {blocked_on}",
        )
        assert len(blocked) == 1, f"expected one blocked write, found {blocked}"
        wrote = await watcher.fetchval(
            "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
            " WHERE l.pid = $1 AND c.relname = $2 AND l.mode = 'RowExclusiveLock'",
            blocked[0],
            written,
        )
        assert wrote == 1, f"the write had not written to {written} yet"
        terminated = await watcher.fetchval(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid() AND pid <> $1",
            locker.get_server_pid(),
        )
        assert terminated >= 1
        await tx.rollback()
        return await asyncio.wait_for(request, timeout=15)
    finally:
        await locker.close()
        await watcher.close()
