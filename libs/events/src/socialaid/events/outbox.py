"""Writing events: inserted into the service's outbox in the caller's transaction, never sent here."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import LargeBinary, Uuid, bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession

from socialaid.contracts.base import Contract
from socialaid.core.ids import uuid7
from socialaid.core.telemetry import current_traceparent
from socialaid.events.envelope import Envelope

NOTIFY_CHANNEL = "socialaid_outbox"

# One round trip: take the subject's next sequence number and insert the row with it.
_INSERT = text(
    """
    WITH seq AS (
        INSERT INTO outbox_sequence (subject, last_sequence) VALUES (:subject, 1)
        ON CONFLICT (subject) DO UPDATE SET last_sequence = outbox_sequence.last_sequence + 1
        RETURNING last_sequence
    )
    INSERT INTO outbox (event_id, topic, key, event_type, headers, payload)
    SELECT :event_id, :topic, :key, :event_type,
           CAST(:headers AS jsonb) || jsonb_build_object('ce_sequence', seq.last_sequence::text), :payload
    FROM seq
    RETURNING (headers->>'ce_sequence')::bigint
    """
).bindparams(bindparam("payload", type_=LargeBinary), bindparam("event_id", type_=Uuid))


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
    draft = Envelope(
        id=str(uuid7()),
        source=source,
        type=event.TYPE,
        data=event.to_data(),
        time=dt.datetime.now(dt.UTC),
        subject=subject,
        traceparent=current_traceparent(),
    )
    sequence = (
        await session.execute(
            _INSERT,
            {
                "subject": subject,
                "event_id": draft.id,
                "topic": event.TOPIC,
                "key": key or subject,
                "event_type": draft.type,
                "headers": json.dumps(draft.headers()),
                "payload": draft.value(),
            },
        )
    ).scalar_one()
    env = dataclasses.replace(draft, sequence=sequence)
    if not session.info.get("outbox_notified"):
        # One wake-up per transaction is enough; PostgreSQL delivers it at commit.
        await session.execute(text(f"NOTIFY {NOTIFY_CHANNEL}"))
        session.info["outbox_notified"] = True
    return env


async def add_events_from_query(
    conn: Any,
    *,
    rows_sql: str,
    args: Sequence[Any],
    topic: str,
    event_type: str,
    source: str,
    time: str,
) -> int:
    """Queue many events of one type in one statement, inside the caller's transaction.

    ``rows_sql`` is a SELECT (bind parameters ``$1 … $n`` = ``args``) yielding
    ``event_id`` (uuid), ``subject`` (text, also the key; at most one row per subject),
    ``data`` (json: the contract's data) and ``ord`` (publication order). The rows get
    the same CloudEvents headers and per-subject sequence numbers as :func:`add_event`.
    ``conn`` is an asyncpg connection. Returns the number of events queued.
    """
    n = len(args)
    status = await conn.execute(
        f"""
        WITH rows AS MATERIALIZED ({rows_sql}),
        seq AS (
            INSERT INTO outbox_sequence AS s (subject, last_sequence)
            SELECT subject, 1 FROM rows
            ON CONFLICT (subject) DO UPDATE SET last_sequence = s.last_sequence + 1
            RETURNING subject, last_sequence
        )
        INSERT INTO outbox (event_id, topic, key, event_type, headers, payload)
        SELECT rows.event_id, ${n + 1}::text, rows.subject, ${n + 2}::text,
               jsonb_build_object(
                   'ce_specversion', '1.0', 'ce_id', rows.event_id::text,
                   'ce_source', ${n + 3}::text, 'ce_type', ${n + 2}::text,
                   'ce_time', ${n + 4}::text, 'content-type', 'application/json',
                   'ce_subject', rows.subject, 'ce_sequence', seq.last_sequence::text),
               convert_to(rows.data::text, 'UTF8')
        FROM rows JOIN seq ON seq.subject = rows.subject
        ORDER BY rows.ord
        """,
        *args,
        topic,
        event_type,
        source,
        time,
    )
    await conn.execute(f"NOTIFY {NOTIFY_CHANNEL}")
    return int(status.split()[-1])
