"""Outbox relay: publishes committed outbox rows to Kafka in id order.

* Polls rows that are *not yet published* (``published_at IS NULL``) instead of
  following the id sequence, so a transaction that commits after a later one is
  never skipped.
* One active relay per service database (session advisory lock), so one case's
  events keep their order; a second instance waits as a hot standby.
* Idempotent producer with ``acks=all``; a row is marked published only after
  the broker acknowledged it. A crash between the two re-sends the row: the
  event id is unchanged and consumers drop the duplicate through their inbox.
* A row Kafka will never take cannot jam the relay: it is *parked* (``parked_at``,
  with ``attempts`` and ``last_error``), counted (``socialaid_outbox_parked``,
  ``socialaid_relay_parked_total``) and logged once. That is a permanent refusal
  (the record is over the producer's ``max_request_size`` or the broker's or topic's
  message limit, or is otherwise invalid: :data:`PERMANENT_ERRORS`), or another
  non-retriable broker error on ``park_after_attempts`` successive attempts. A
  transient fault (broker down, timeouts, retriable errors) parks nothing: the
  batch is retried with backoff as before.
* Rows of other subjects keep flowing past a parked row. Later rows of the *same*
  subject (``ce_subject``) are held, neither sent nor marked, until an operator
  retries the parked row (:func:`socialaid.events.outbox_admin.retry_parked`) or
  discards it, so a subject's events never overtake one another. The one gap: a
  refusal the broker reports only after the batch was sent (a topic with a smaller
  ``max.message.bytes`` than the producer's limit, or a non-retriable error) cannot
  recall later rows of that subject already sent in the same batch; they are marked
  published. Keep topic limits at or above ``max_request_bytes`` (then a record too
  large is refused by the producer before anything of its subject is sent).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass

import asyncpg
from aiokafka import AIOKafkaProducer
from aiokafka.errors import (
    CorruptRecordException,
    InvalidTopicError,
    KafkaConnectionError,
    KafkaError,
    KafkaTimeoutError,
    MessageSizeTooLargeError,
    RecordListTooLargeError,
    UnsupportedForMessageFormatError,
)

from socialaid.events.faults import crash_point
from socialaid.events.metrics import (
    OUTBOX_BACKLOG,
    OUTBOX_PARKED,
    OUTBOX_PARKED_TOTAL,
    OUTBOX_PUBLISHED,
    RELAY_BATCH_SECONDS,
    RELAY_ERRORS,
)
from socialaid.events.outbox import NOTIFY_CHANNEL
from socialaid.events.pg import connect

log = logging.getLogger("socialaid.relay")

# Errors no retry of the same record can cure: the row is parked at once.
PERMANENT_ERRORS: tuple[type[KafkaError], ...] = (
    MessageSizeTooLargeError,
    RecordListTooLargeError,
    CorruptRecordException,
    InvalidTopicError,
    UnsupportedForMessageFormatError,
)
DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024  # aiokafka's default; the broker's message.max.bytes

_LOCK_SQL = "SELECT pg_try_advisory_lock(hashtext('socialaid.outbox.relay'))"
# Unpublished, unparked rows in id order, except those behind an open parked row of their
# subject (ix_outbox_parked: an empty index probe per row while nothing is parked).
_CLAIM_SQL = """
    SELECT o.id, o.topic, o.key, o.headers, o.payload, o.attempts FROM outbox o
    WHERE o.published_at IS NULL AND o.parked_at IS NULL
      AND NOT EXISTS (
        SELECT 1 FROM outbox p
        WHERE (p.headers ->> 'ce_subject') = (o.headers ->> 'ce_subject') AND p.id < o.id
          AND p.parked_at IS NOT NULL AND p.discarded_at IS NULL AND p.published_at IS NULL
      )
    ORDER BY o.id LIMIT $1 FOR UPDATE OF o SKIP LOCKED
"""
_MARK_SQL = (
    "UPDATE outbox SET published_at = now(), attempts = attempts + 1 WHERE id = ANY($1::bigint[])"
)
_FAIL_SQL = "UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1"
_PARK_SQL = """
    UPDATE outbox SET parked_at = now(), attempts = attempts + 1, last_error = $2
    WHERE id = $1 RETURNING event_id::text, event_type, headers ->> 'ce_subject', attempts
"""
_BACKLOG_SQL = "SELECT count(*) FROM outbox WHERE published_at IS NULL AND parked_at IS NULL"
_PARKED_SQL = """
    SELECT count(*) FROM outbox
    WHERE parked_at IS NOT NULL AND discarded_at IS NULL AND published_at IS NULL
"""
_PURGE_SQL = """
    DELETE FROM outbox WHERE published_at < now() - make_interval(days => $1)
       OR discarded_at < now() - make_interval(days => $1)
"""


class _ResetProducer(Exception):
    """The broker refused a sent batch: start a fresh producer (new idempotence sequence)."""


@dataclass(frozen=True)
class Failure:
    """What to do with a row whose publication failed."""

    park: bool  # park the row now
    transient: bool  # retry the batch later, counting nothing against the row


def classify(exc: BaseException, attempts_before: int, park_after_attempts: int) -> Failure:
    """Permanent refusals park at once; other non-retriable broker errors park on the
    ``park_after_attempts``-th attempt; anything else (outages, timeouts, retriable errors,
    errors that are not the broker's answer) is transient and never parks."""
    if isinstance(exc, PERMANENT_ERRORS):
        return Failure(park=True, transient=False)
    if (
        not isinstance(exc, KafkaError)
        or isinstance(exc, KafkaTimeoutError | KafkaConnectionError)
        or exc.retriable
    ):
        return Failure(park=False, transient=True)
    return Failure(park=attempts_before + 1 >= park_after_attempts, transient=False)


def new_producer(
    bootstrap: str, client_id: str, max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES
) -> AIOKafkaProducer:
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        client_id=client_id,
        enable_idempotence=True,
        acks="all",
        linger_ms=2,
        request_timeout_ms=15000,
        max_request_size=max_request_bytes,
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
        max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES,
        park_after_attempts: int = 5,
    ):
        self.database_url = database_url
        self.bootstrap = bootstrap
        self.service = service
        self.batch_size = batch_size
        self.idle_poll_seconds = idle_poll_seconds
        self.retention_days = retention_days
        self.max_request_bytes = max_request_bytes
        self.park_after_attempts = park_after_attempts
        self._wakeup = asyncio.Event()
        self._stopping = asyncio.Event()
        self.published = 0
        self.parked = 0

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
        last_housekeeping = 0.0
        while not self._stopping.is_set():
            producer = new_producer(self.bootstrap, f"{self.service}-relay", self.max_request_bytes)
            try:
                await producer.start()
                while not self._stopping.is_set():
                    self._wakeup.clear()
                    sent = await self.publish_batch(conn, producer)
                    now = time.monotonic()
                    if now - last_housekeeping > 5.0:
                        last_housekeeping = now
                        await self._housekeeping(conn)
                    if sent < self.batch_size:
                        with contextlib.suppress(TimeoutError):
                            await asyncio.wait_for(
                                self._wakeup.wait(), timeout=self.idle_poll_seconds
                            )
            except _ResetProducer as exc:
                log.warning("relay restarts its producer: %s", exc)
                await self._sleep(1.0)
            finally:
                await producer.stop()

    async def _housekeeping(self, conn: asyncpg.Connection) -> None:
        OUTBOX_BACKLOG.labels(self.service).set(await conn.fetchval(_BACKLOG_SQL))
        OUTBOX_PARKED.labels(self.service).set(await conn.fetchval(_PARKED_SQL))
        await conn.execute(_PURGE_SQL, self.retention_days)

    async def publish_batch(self, conn: asyncpg.Connection, producer: AIOKafkaProducer) -> int:
        """Publish up to ``batch_size`` rows in one transaction; returns how many were claimed
        (sent, parked or held back). Rows the producer refuses before sending are parked and
        their subject's later rows in the batch held; a batch the broker refused in part is
        settled row by row, then the producer is restarted (:class:`_ResetProducer`); a
        transient failure rolls the whole batch back and raises, to be retried with backoff."""
        started = time.perf_counter()
        async with conn.transaction():
            rows = await conn.fetch(_CLAIM_SQL, self.batch_size)
            if not rows:
                return 0
            blocked: set[str] = set()  # subjects with a row refused in this batch
            refused: list[tuple[asyncpg.Record, BaseException]] = []  # to park
            retried: list[tuple[asyncpg.Record, BaseException]] = []  # to count, not park yet
            sent: list[asyncpg.Record] = []
            futures = []
            for row in rows:
                header_map = _json(row["headers"])
                subject = header_map.get("ce_subject", row["key"])
                if subject in blocked:
                    continue  # held behind the row refused just before it
                headers = [(k, v.encode()) for k, v in header_map.items()]
                try:
                    future = await producer.send(
                        row["topic"], value=row["payload"], key=row["key"].encode(), headers=headers
                    )
                except KafkaError as refusal:  # before sending (e.g. over max_request_size)
                    verdict = classify(refusal, row["attempts"], self.park_after_attempts)
                    if verdict.transient:
                        raise
                    (refused if verdict.park else retried).append((row, refusal))
                    blocked.add(subject)
                    continue
                sent.append(row)
                futures.append(future)
            results = await asyncio.gather(*futures, return_exceptions=True)
            delivered: list[asyncpg.Record] = []
            failed: list[tuple[asyncpg.Record, BaseException]] = []
            for row, result in zip(sent, results, strict=True):
                if isinstance(result, BaseException):
                    failed.append((row, result))
                else:
                    delivered.append(row)
            for row, error in failed:
                if classify(error, row["attempts"], self.park_after_attempts).transient:
                    raise RuntimeError(f"publishing outbox row {row['id']} failed: {error!r}")
            crash_point("relay.after_send")
            await conn.execute(_MARK_SQL, [row["id"] for row in delivered])
            for row, error in failed:
                verdict = classify(error, row["attempts"], self.park_after_attempts)
                (refused if verdict.park else retried).append((row, error))
            for row, error in retried:
                await conn.execute(_FAIL_SQL, row["id"], _describe(error))
            parked = [await self._park(conn, row, error) for row, error in refused]
        for row in delivered:
            OUTBOX_PUBLISHED.labels(self.service, row["topic"]).inc()
        for line in parked:
            OUTBOX_PARKED_TOTAL.labels(self.service, line["topic"]).inc()
            log.error("outbox row parked: the broker will not take it", extra=line)
        if parked:
            OUTBOX_PARKED.labels(self.service).set(await conn.fetchval(_PARKED_SQL))
        RELAY_BATCH_SECONDS.labels(self.service).observe(time.perf_counter() - started)
        self.published += len(delivered)
        self.parked += len(parked)
        if failed or retried:
            raise _ResetProducer(
                f"{len(failed) + len(retried)} of {len(rows)} records refused by the broker"
            )
        return len(rows)

    async def _park(
        self, conn: asyncpg.Connection, row: asyncpg.Record, exc: BaseException
    ) -> dict[str, object]:
        error = _describe(exc)
        event_id, event_type, subject, attempts = await conn.fetchrow(_PARK_SQL, row["id"], error)
        return {
            "outbox_id": row["id"],
            "event_id": event_id,
            "event_type": event_type,
            "subject": subject,
            "topic": row["topic"],
            "bytes": len(row["payload"]),
            "attempts": attempts,
            "error": error,
        }


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:4000]


def _json(value: object) -> dict[str, str]:
    if isinstance(value, str):
        import json

        return json.loads(value)  # type: ignore[no-any-return]
    return value  # type: ignore[return-value]
