"""Applying one event exactly once: inbox dedupe, per-subject ordering, parking and redrive.

Everything here runs inside the consumer's own database transaction, so the
effect, the inbox row and the position move together or not at all.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from opentelemetry import trace
from pydantic import ValidationError
from sqlalchemy import func, select, text, update
from sqlalchemy.dialects.postgresql import insert

from socialaid.contracts.base import Contract
from socialaid.contracts.events import MessageDeadLettered
from socialaid.core.telemetry import context_from_traceparent
from socialaid.db import Database, UnitOfWork
from socialaid.db.platform import consumer_position, inbox, parked_message
from socialaid.events.envelope import Envelope, EnvelopeError
from socialaid.events.outbox import add_event

log = logging.getLogger("socialaid.consumer")
_tracer = trace.get_tracer("socialaid.events")

Handler = Callable[[Any, Envelope, UnitOfWork], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class ParkedMessage:
    """A message the consumer set aside: poison (failed every attempt) or held (behind one)."""

    id: int
    subject: str
    topic: str
    partition: int
    offset: int
    event_id: str | None
    event_type: str | None
    reason: str
    error: str | None
    parked_at: dt.datetime


@dataclass(frozen=True, slots=True)
class RedriveResult:
    """What a redrive of one subject did; ``error`` when a message failed again."""

    subject: str
    applied: int
    remaining: int
    error: str | None = None


class PermanentError(Exception):
    """The message can never be applied (bad data, impossible transition): park it at once."""


@dataclass(frozen=True)
class Subscription:
    contract: type[Contract]
    handler: Handler


@dataclass(frozen=True)
class RawMessage:
    topic: str
    partition: int
    offset: int
    headers: list[tuple[str, bytes]]
    value: bytes | None

    def header_dict(self) -> dict[str, str]:
        return {k: v.decode(errors="replace") for k, v in self.headers}


class Applier:
    """Applies raw messages for one consumer name against one service database."""

    def __init__(
        self, *, db: Database, consumer: str, source: str, subscriptions: dict[str, Subscription]
    ):
        self.db = db
        self.consumer = consumer
        self.source = source
        self.subscriptions = subscriptions

    @property
    def event_types(self) -> list[str]:
        return sorted(self.subscriptions)

    async def _lock_subject(self, uow: UnitOfWork, subject: str) -> None:
        await uow.session.execute(
            text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": f"{self.consumer}|{subject}"}
        )

    async def has_open_parked(self, uow: UnitOfWork, subject: str) -> bool:
        q = (
            select(func.count())
            .select_from(parked_message)
            .where(
                parked_message.c.consumer == self.consumer,
                parked_message.c.subject == subject,
                parked_message.c.redriven_at.is_(None),
            )
        )
        return bool((await uow.session.execute(q)).scalar_one())

    async def apply(self, uow: UnitOfWork, env: Envelope, sub: Subscription) -> str:
        """Dedupe, order-check, validate and run the handler. Returns the outcome."""
        new = (
            await uow.session.execute(
                insert(inbox)
                .values(
                    consumer=self.consumer,
                    source=env.source,
                    event_id=env.id,
                    event_type=env.type,
                    subject=env.subject,
                )
                .on_conflict_do_nothing()
                .returning(inbox.c.event_id)
            )
        ).first()
        if new is None:
            return "duplicate"
        if env.sequence is not None and env.subject is not None:
            stmt = insert(consumer_position).values(
                consumer=self.consumer,
                source=env.source,
                subject=env.subject,
                last_sequence=env.sequence,
            )
            upsert = stmt.on_conflict_do_update(
                index_elements=["consumer", "source", "subject"],
                set_={"last_sequence": stmt.excluded.last_sequence},
                where=consumer_position.c.last_sequence < stmt.excluded.last_sequence,
            ).returning(consumer_position.c.last_sequence)
            if (await uow.session.execute(upsert)).first() is None:
                log.warning(
                    "dropping stale event", extra={"event_id": env.id, "subject": env.subject}
                )
                return "stale"
        try:
            event = sub.contract.model_validate(env.data)
        except ValidationError as exc:
            raise PermanentError(
                f"data does not match {env.type}: {exc.errors(include_url=False)}"
            ) from exc
        ctx = context_from_traceparent(env.traceparent)
        with _tracer.start_as_current_span(
            f"consume {env.type}",
            context=ctx,
            kind=trace.SpanKind.CONSUMER,
            attributes={
                "messaging.system": "kafka",
                "cloudevents.event_id": env.id,
                "cloudevents.event_subject": env.subject or "",
            },
        ):
            await sub.handler(event, env, uow)
        return "applied"

    async def park(
        self,
        msg: RawMessage,
        *,
        subject: str,
        env: Envelope | None,
        reason: str,
        error: str | None,
        attempts: int,
    ) -> None:
        """Park a message (and, for poison, publish its diagnostics to the dead-letter topic)."""
        async with self.db.uow() as uow:
            await uow.session.execute(
                parked_message.insert().values(
                    consumer=self.consumer,
                    subject=subject,
                    topic=msg.topic,
                    partition=msg.partition,
                    offset=msg.offset,
                    event_id=env.id if env else None,
                    event_type=env.type if env else None,
                    headers=msg.header_dict(),
                    payload=msg.value or b"",
                    reason=reason,
                    error=error,
                )
            )
            if reason == "poison":
                await add_event(
                    uow.session,
                    MessageDeadLettered(
                        consumer=self.consumer,
                        parked_subject=subject,
                        original_topic=msg.topic,
                        original_partition=msg.partition,
                        original_offset=msg.offset,
                        original_event_id=env.id if env else None,
                        original_event_type=env.type if env else None,
                        error=(error or "")[:4000],
                        attempts=attempts,
                        parked_at=dt.datetime.now(dt.UTC),
                    ),
                    source=self.source,
                )
            await uow.commit()

    async def redrive(self, subject: str) -> RedriveResult:
        """Re-apply a subject's parked messages in arrival order; stop at the first that fails again."""
        applied = 0
        while True:
            async with self.db.uow() as uow:
                await self._lock_subject(uow, subject)
                row = (
                    (
                        await uow.session.execute(
                            select(parked_message)
                            .where(
                                parked_message.c.consumer == self.consumer,
                                parked_message.c.subject == subject,
                                parked_message.c.redriven_at.is_(None),
                            )
                            .order_by(parked_message.c.id)
                            .limit(1)
                        )
                    )
                    .mappings()
                    .first()
                )
                if row is None:
                    return RedriveResult(subject=subject, applied=applied, remaining=0)
                await uow.session.execute(
                    update(parked_message)
                    .where(parked_message.c.id == row["id"])
                    .values(redriven_at=func.now())
                )
                headers = (
                    row["headers"]
                    if isinstance(row["headers"], dict)
                    else json.loads(row["headers"])
                )
                try:
                    env = Envelope.from_headers(headers, bytes(row["payload"]))
                    sub = self.subscriptions.get(env.type)
                    if sub is not None:
                        await self.apply(uow, env, sub)
                except Exception as exc:  # still failing: leave it parked
                    await uow.rollback()
                    return RedriveResult(
                        subject=subject,
                        applied=applied,
                        remaining=await self._count_open(subject),
                        error=f"{type(exc).__name__}: {exc}"[:2000],
                    )
                await uow.commit()
                applied += 1

    async def discard(self, parked_id: int, note: str) -> bool:
        async with self.db.uow() as uow:
            res = await uow.session.execute(
                update(parked_message)
                .where(
                    parked_message.c.id == parked_id,
                    parked_message.c.consumer == self.consumer,
                    parked_message.c.redriven_at.is_(None),
                )
                .values(
                    redriven_at=func.now(),
                    error=func.coalesce(parked_message.c.error, "") + f"\n[discarded] {note}",
                )
                .returning(parked_message.c.id)
            )
            found = res.first() is not None
            await uow.commit()
            return found

    async def _count_open(self, subject: str) -> int:
        async with self.db.uow() as uow:
            q = (
                select(func.count())
                .select_from(parked_message)
                .where(
                    parked_message.c.consumer == self.consumer,
                    parked_message.c.subject == subject,
                    parked_message.c.redriven_at.is_(None),
                )
            )
            return int((await uow.session.execute(q)).scalar_one())

    async def list_parked(self, limit: int = 100) -> list[ParkedMessage]:
        async with self.db.uow() as uow:
            rows = (
                await uow.session.execute(
                    select(
                        parked_message.c.id,
                        parked_message.c.subject,
                        parked_message.c.topic,
                        parked_message.c.partition,
                        parked_message.c.offset,
                        parked_message.c.event_id,
                        parked_message.c.event_type,
                        parked_message.c.reason,
                        parked_message.c.error,
                        parked_message.c.parked_at,
                    )
                    .where(
                        parked_message.c.consumer == self.consumer,
                        parked_message.c.redriven_at.is_(None),
                    )
                    .order_by(parked_message.c.id)
                    .limit(limit)
                )
            ).all()
            return [
                ParkedMessage(
                    id=r.id,
                    subject=r.subject,
                    topic=r.topic,
                    partition=r.partition,
                    offset=r.offset,
                    event_id=r.event_id,
                    event_type=r.event_type,
                    reason=r.reason,
                    error=r.error,
                    parked_at=r.parked_at,
                )
                for r in rows
            ]


def decode(msg: RawMessage) -> tuple[Envelope | None, str | None]:
    try:
        return Envelope.from_kafka(msg.headers, msg.value), None
    except EnvelopeError as exc:
        return None, str(exc)
