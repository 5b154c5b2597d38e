"""Operator actions on outbox rows the relay parked (see :mod:`socialaid.events.relay`).

A parked row holds its subject's later rows. The operator fixes the cause (a broker or topic
limit, the producer's ``max_request_bytes``) and *retries* the row: it returns to the relay's
queue in its place, and the held rows follow it in order. Or the operator *discards* it: it is
never published, and the held rows go on without it (consumers see a gap in the subject's
sequence, which they accept).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, func, select, text, update
from sqlalchemy.orm import aliased

from socialaid.db import Database
from socialaid.db.platform import outbox
from socialaid.events.outbox import NOTIFY_CHANNEL

_SUBJECT = outbox.c.headers["ce_subject"].astext


def _open_parked() -> ColumnElement[bool]:
    return and_(
        outbox.c.parked_at.isnot(None),
        outbox.c.discarded_at.is_(None),
        outbox.c.published_at.is_(None),
    )


@dataclass(frozen=True)
class ParkedOutboxRow:
    id: int
    event_id: str
    event_type: str
    topic: str
    subject: str | None
    sequence: int | None
    size: int  # payload bytes
    attempts: int
    last_error: str | None
    created_at: dt.datetime
    parked_at: dt.datetime
    held: int  # later unpublished rows of the subject waiting behind it


async def list_parked(db: Database, *, limit: int = 100) -> list[ParkedOutboxRow]:
    """The open parked rows, oldest first, each with how many rows it holds back."""
    later = aliased(outbox)
    held = (
        select(func.count())
        .where(
            later.c.headers["ce_subject"].astext == _SUBJECT,
            later.c.id > outbox.c.id,
            later.c.published_at.is_(None),
            later.c.parked_at.is_(None),
        )
        .scalar_subquery()
    )
    async with db.uow() as uow:
        rows = (
            await uow.session.execute(
                select(
                    outbox.c.id,
                    outbox.c.event_id,
                    outbox.c.event_type,
                    outbox.c.topic,
                    _SUBJECT.label("subject"),
                    outbox.c.headers["ce_sequence"].astext.label("sequence"),
                    func.octet_length(outbox.c.payload).label("size"),
                    outbox.c.attempts,
                    outbox.c.last_error,
                    outbox.c.created_at,
                    outbox.c.parked_at,
                    held.label("held"),
                )
                .where(_open_parked())
                .order_by(outbox.c.id)
                .limit(limit)
            )
        ).all()
    return [
        ParkedOutboxRow(
            id=r.id,
            event_id=str(r.event_id),
            event_type=r.event_type,
            topic=r.topic,
            subject=r.subject,
            sequence=int(r.sequence) if r.sequence is not None else None,
            size=r.size,
            attempts=r.attempts,
            last_error=r.last_error,
            created_at=r.created_at,
            parked_at=r.parked_at,
            held=r.held,
        )
        for r in rows
    ]


async def retry_parked(db: Database, row_id: int) -> bool:
    """Put a parked row back in the relay's queue (attempts counted afresh); False when there
    is no open parked row with this id."""
    async with db.uow() as uow:
        found = (
            await uow.session.execute(
                update(outbox)
                .where(outbox.c.id == row_id, _open_parked())
                .values(parked_at=None, attempts=0)
                .returning(outbox.c.id)
            )
        ).first() is not None
        if found:
            await uow.session.execute(text(f"NOTIFY {NOTIFY_CHANNEL}"))
        await uow.commit()
    return found


async def discard_parked(db: Database, row_id: int, note: str) -> bool:
    """Give up on a parked row for good (kept with the note until the relay's retention purge);
    its subject's held rows are released. False when there is no open parked row with this id."""
    async with db.uow() as uow:
        found = (
            await uow.session.execute(
                update(outbox)
                .where(outbox.c.id == row_id, _open_parked())
                .values(
                    discarded_at=func.now(),
                    last_error=func.coalesce(outbox.c.last_error, "") + f"\n[discarded] {note}",
                )
                .returning(outbox.c.id)
            )
        ).first() is not None
        if found:
            await uow.session.execute(text(f"NOTIFY {NOTIFY_CHANNEL}"))
        await uow.commit()
    return found
