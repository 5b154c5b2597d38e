"""Writing events: inserted into the service's outbox in the caller's transaction, never sent here."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from socialaid.contracts.base import Contract
from socialaid.core.ids import uuid7
from socialaid.core.telemetry import current_traceparent
from socialaid.db.platform import outbox
from socialaid.events.envelope import Envelope

NOTIFY_CHANNEL = "socialaid_outbox"

_NEXT_SEQUENCE = text(
    """
    INSERT INTO outbox_sequence (subject, last_sequence) VALUES (:subject, 1)
    ON CONFLICT (subject) DO UPDATE SET last_sequence = outbox_sequence.last_sequence + 1
    RETURNING last_sequence
    """
)


async def add_event(
    session: AsyncSession,
    event: Contract,
    *,
    source: str,
    key: str | None = None,
    subject: str | None = None,
) -> Envelope:
    """Queue ``event`` for publication when (and only if) the caller's transaction commits.

    Each subject gets a gap-free, increasing ``sequence`` so consumers can drop
    stale (older) events that arrive after newer ones.
    """
    subject = subject or event.subject()
    sequence = (await session.execute(_NEXT_SEQUENCE, {"subject": subject})).scalar_one()
    env = Envelope(
        id=str(uuid7()),
        source=source,
        type=event.TYPE,
        data=event.to_data(),
        time=dt.datetime.now(dt.UTC),
        subject=subject,
        sequence=sequence,
        traceparent=current_traceparent(),
    )
    await session.execute(
        outbox.insert().values(
            event_id=env.id,
            topic=event.TOPIC,
            key=key or subject,
            event_type=env.type,
            headers=env.headers(),
            payload=env.value(),
        )
    )
    if not session.info.get("outbox_notified"):
        # One wake-up per transaction is enough; PostgreSQL delivers it at commit.
        await session.execute(text(f"NOTIFY {NOTIFY_CHANNEL}"))
        session.info["outbox_notified"] = True
    return env
