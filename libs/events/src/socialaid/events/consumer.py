"""Consumer runner: Kafka → inbox-deduped handler → DB commit → offset commit.

Offsets are committed only after the message's database transaction committed.
A crash in between re-delivers the message; the inbox drops it. Transient
handler errors are retried with exponential back-off; a message that still
fails, or can never succeed, is parked and reported on the dead-letter topic,
and later messages of the same subject are held behind it until an operator
redrives the subject. Other subjects keep flowing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import traceback

from aiokafka import AIOKafkaConsumer, TopicPartition
from sqlalchemy.exc import InterfaceError, OperationalError

from socialaid.db import Database
from socialaid.db.errors import is_connection_lost
from socialaid.events.envelope import Envelope
from socialaid.events.faults import crash_point
from socialaid.events.inbox import Applier, PermanentError, RawMessage, Subscription, decode
from socialaid.events.metrics import CONSUMED, CONSUMER_LAG

log = logging.getLogger("socialaid.consumer")

# Errors that mean "the infrastructure is down", not "this message is bad": never park on these.
_INFRA_ERRORS = (OSError, OperationalError, InterfaceError)


def _is_infra(exc: BaseException) -> bool:
    return isinstance(exc, _INFRA_ERRORS) or is_connection_lost(exc)


class ConsumerRunner:
    def __init__(
        self,
        *,
        name: str,
        db: Database,
        bootstrap: str,
        source: str,
        subscriptions: dict[str, Subscription],
        max_attempts: int = 5,
        backoff_base: float = 0.2,
        backoff_max: float = 5.0,
    ):
        self.name = name
        self.bootstrap = bootstrap
        self.applier = Applier(db=db, consumer=name, source=source, subscriptions=subscriptions)
        self.topics = sorted({s.contract.TOPIC for s in subscriptions.values()})
        self.max_attempts = max_attempts
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self._stopping = asyncio.Event()

    def stop(self) -> None:
        self._stopping.set()

    async def run(self) -> None:
        backoff = 0.5
        while not self._stopping.is_set():
            consumer = AIOKafkaConsumer(
                *self.topics,
                bootstrap_servers=self.bootstrap,
                group_id=self.name,
                client_id=self.name,
                enable_auto_commit=False,
                auto_offset_reset="earliest",
                isolation_level="read_committed",
            )
            try:
                await consumer.start()
                backoff = 0.5
                await self._loop(consumer)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("consumer %s restarting after error: %r", self.name, exc)
            finally:
                with contextlib.suppress(Exception):
                    await consumer.stop()
            if not self._stopping.is_set():
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 10.0)

    async def _loop(self, consumer: AIOKafkaConsumer) -> None:
        while not self._stopping.is_set():
            batches = await consumer.getmany(timeout_ms=500, max_records=200)
            for tp, records in batches.items():
                for rec in records:
                    msg = RawMessage(
                        rec.topic, rec.partition, rec.offset, list(rec.headers or ()), rec.value
                    )
                    outcome = await self.process(msg)
                    CONSUMED.labels(self.name, rec.topic, outcome).inc()
                await consumer.commit({tp: records[-1].offset + 1})
                self._record_lag(consumer, tp, records[-1].offset + 1)

    def _record_lag(self, consumer: AIOKafkaConsumer, tp: TopicPartition, position: int) -> None:
        high = consumer.highwater(tp)
        if high is not None:
            CONSUMER_LAG.labels(self.name, tp.topic, str(tp.partition)).set(max(0, high - position))

    async def process(self, msg: RawMessage) -> str:
        """Apply one message; returns applied | duplicate | stale | ignored | held | poison."""
        env, problem = decode(msg)
        if env is None:
            await self.applier.park(
                msg,
                subject=f"{msg.topic}/{msg.partition}/{msg.offset}",
                env=None,
                reason="poison",
                error=f"invalid envelope: {problem}",
                attempts=1,
            )
            return "poison"
        sub: Subscription | None = self.applier.subscriptions.get(env.type)
        if sub is None:
            return "ignored"
        subject = env.subject or env.id
        attempt = 0
        while True:
            attempt += 1
            try:
                async with self.applier.db.uow() as uow:
                    await self.applier._lock_subject(uow, subject)
                    if await self.applier.has_open_parked(uow, subject):
                        outcome = "held"
                    else:
                        outcome = await self.applier.apply(uow, env, sub)
                        crash_point("consumer.before_db_commit")
                        await uow.commit()
                if outcome == "held":
                    await self.applier.park(
                        msg,
                        subject=subject,
                        env=env,
                        reason="held",
                        error="an earlier message of this subject is parked",
                        attempts=0,
                    )
                    return "held"
                crash_point("consumer.after_db_commit")
                return outcome
            except PermanentError as exc:
                await self._poison(msg, subject, env, exc, attempt)
                return "poison"
            except Exception as exc:
                if _is_infra(exc):
                    raise
                if attempt >= self.max_attempts:
                    await self._poison(msg, subject, env, exc, attempt)
                    return "poison"
                delay = min(self.backoff_base * 2 ** (attempt - 1), self.backoff_max)
                log.warning(
                    "retrying %s in %.1fs (attempt %d): %r",
                    env.type,
                    delay,
                    attempt,
                    exc,
                    extra={"event_id": env.id, "subject": subject},
                )
                await asyncio.sleep(delay)

    async def _poison(
        self,
        msg: RawMessage,
        subject: str,
        env: Envelope | None,
        exc: BaseException,
        attempts: int,
    ) -> None:
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        log.error(
            "parking message: %s",
            detail,
            extra={"subject": subject, "topic": msg.topic, "offset": msg.offset},
        )
        await self.applier.park(
            msg,
            subject=subject,
            env=env,
            reason="poison",
            error=detail,
            attempts=attempts,
        )
