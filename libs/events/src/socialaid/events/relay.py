"""Outbox relay: publishes committed outbox rows to Kafka in id order.

* Polls rows that are *not yet published* (``published_at IS NULL``) instead of
  following the id sequence, so a transaction that commits after a later one is
  never skipped.
* One active relay per service database (session advisory lock), so one case's
  events keep their order; a second instance waits as a hot standby.
* Idempotent producer with ``acks=all``; a row is marked published only after
  the broker acknowledged it. A crash between the two re-sends the row: the
  event id is unchanged and consumers drop the duplicate through their inbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

import asyncpg
from aiokafka import AIOKafkaProducer

from socialaid.events.faults import crash_point
from socialaid.events.metrics import (
    OUTBOX_BACKLOG,
    OUTBOX_PUBLISHED,
    RELAY_BATCH_SECONDS,
    RELAY_ERRORS,
)
from socialaid.events.outbox import NOTIFY_CHANNEL
from socialaid.events.pg import connect

log = logging.getLogger("socialaid.relay")

_LOCK_SQL = "SELECT pg_try_advisory_lock(hashtext('socialaid.outbox.relay'))"
_CLAIM_SQL = """
    SELECT id, topic, key, headers, payload FROM outbox
    WHERE published_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED
"""
_MARK_SQL = (
    "UPDATE outbox SET published_at = now(), attempts = attempts + 1 WHERE id = ANY($1::bigint[])"
)
_FAIL_SQL = "UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1"
_BACKLOG_SQL = "SELECT count(*) FROM outbox WHERE published_at IS NULL"
_PURGE_SQL = "DELETE FROM outbox WHERE published_at < now() - make_interval(days => $1)"


def new_producer(bootstrap: str, client_id: str) -> AIOKafkaProducer:
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        client_id=client_id,
        enable_idempotence=True,
        acks="all",
        linger_ms=2,
        request_timeout_ms=15000,
    )


class OutboxRelay:
    def __init__(
        self,
        *,
        database_url: str,
        bootstrap: str,
        service: str,
        batch_size: int = 500,
        idle_poll_seconds: float = 0.5,
        retention_days: int = 7,
    ):
        self.database_url = database_url
        self.bootstrap = bootstrap
        self.service = service
        self.batch_size = batch_size
        self.idle_poll_seconds = idle_poll_seconds
        self.retention_days = retention_days
        self._wakeup = asyncio.Event()
        self._stopping = asyncio.Event()
        self.published = 0

    def stop(self) -> None:
        self._stopping.set()
        self._wakeup.set()

    async def run(self) -> None:
        backoff = 0.2
        while not self._stopping.is_set():
            try:
                await self._run_once_connected()
                backoff = 0.2
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                log.warning("relay lost its database connection: %s", exc)
            except Exception:
                log.exception("relay failed; restarting")
            if self._stopping.is_set():
                break
            RELAY_ERRORS.labels(self.service).inc()
            await self._sleep(backoff)
            backoff = min(backoff * 2, 10.0)

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)

    async def _run_once_connected(self) -> None:
        lock_conn = await connect(self.database_url)
        try:
            while not await lock_conn.fetchval(_LOCK_SQL):
                log.info("another relay is active for %s; standing by", self.service)
                await self._sleep(2.0)
                if self._stopping.is_set():
                    return
            await lock_conn.add_listener(NOTIFY_CHANNEL, lambda *_: self._wakeup.set())
            work_conn = await connect(self.database_url)
            try:
                await self._publish_loop(work_conn)
            finally:
                await work_conn.close()
        finally:
            await lock_conn.close()

    async def _publish_loop(self, conn: asyncpg.Connection) -> None:
        producer = new_producer(self.bootstrap, f"{self.service}-relay")
        try:
            await producer.start()
            last_housekeeping = 0.0
            while not self._stopping.is_set():
                self._wakeup.clear()
                sent = await self.publish_batch(conn, producer)
                now = time.monotonic()
                if now - last_housekeeping > 5.0:
                    last_housekeeping = now
                    OUTBOX_BACKLOG.labels(self.service).set(await conn.fetchval(_BACKLOG_SQL))
                    await conn.execute(_PURGE_SQL, self.retention_days)
                if sent < self.batch_size:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wakeup.wait(), timeout=self.idle_poll_seconds)
        finally:
            await producer.stop()

    async def publish_batch(self, conn: asyncpg.Connection, producer: AIOKafkaProducer) -> int:
        """Publish up to ``batch_size`` rows in one transaction; returns how many were sent."""
        started = time.perf_counter()
        async with conn.transaction():
            rows = await conn.fetch(_CLAIM_SQL, self.batch_size)
            if not rows:
                return 0
            futures = []
            for row in rows:
                headers = [(k, v.encode()) for k, v in _json(row["headers"]).items()]
                futures.append(
                    await producer.send(
                        row["topic"], value=row["payload"], key=row["key"].encode(), headers=headers
                    )
                )
            results = await asyncio.gather(*futures, return_exceptions=True)
            failed = [
                (row, r)
                for row, r in zip(rows, results, strict=True)
                if isinstance(r, BaseException)
            ]
            if failed:
                row, err = failed[0]
                raise RuntimeError(f"publishing outbox row {row['id']} failed: {err!r}")
            crash_point("relay.after_send")
            await conn.execute(_MARK_SQL, [row["id"] for row in rows])
        for row in rows:
            OUTBOX_PUBLISHED.labels(self.service, row["topic"]).inc()
        RELAY_BATCH_SECONDS.labels(self.service).observe(time.perf_counter() - started)
        self.published += len(rows)
        return len(rows)


def _json(value: object) -> dict[str, str]:
    if isinstance(value, str):
        import json

        return json.loads(value)  # type: ignore[no-any-return]
    return value  # type: ignore[return-value]
