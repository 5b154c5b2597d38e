"""The port a use case publishes through: events recorded with its unit of work.

Use cases depend on :class:`EventSink`, not on the outbox table, so they can be
tested against :class:`RecordingSink` without a database. In a service,
:class:`OutboxSink` writes each event to the outbox in the caller's transaction
(``add_event``): it is published if, and only if, that transaction commits.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from socialaid.contracts.base import Contract
from socialaid.core.ids import uuid7
from socialaid.events.envelope import Envelope
from socialaid.events.outbox import add_event

C = TypeVar("C", bound=Contract)


class EventSink(Protocol):
    """Where a use case puts the events its change produced; answers the envelope (id, time,
    subject, sequence) the event will travel in."""

    async def add(self, event: Contract, *, key: str | None = None) -> Envelope: ...


class OutboxSink:
    """Events go to the service's outbox through the unit of work's session."""

    def __init__(self, session: AsyncSession, *, source: str):
        self._session = session
        self._source = source

    async def add(self, event: Contract, *, key: str | None = None) -> Envelope:
        return await add_event(self._session, event, source=self._source, key=key)


class RecordingSink:
    """Keeps the events in memory, in order (fast unit tests of use cases); numbers each
    subject's events from 1 as the outbox does."""

    def __init__(self, source: str = "/socialaid/test") -> None:
        self.source = source
        self.events: list[Contract] = []
        self.envelopes: list[Envelope] = []
        self._sequences: dict[str, int] = {}

    async def add(self, event: Contract, *, key: str | None = None) -> Envelope:
        subject = event.subject()
        self._sequences[subject] = self._sequences.get(subject, 0) + 1
        env = Envelope(
            id=str(uuid7()),
            source=self.source,
            type=event.TYPE,
            data=event.to_data(),
            time=dt.datetime.now(dt.UTC),
            subject=subject,
            sequence=self._sequences[subject],
        )
        self.events.append(event)
        self.envelopes.append(env)
        return env

    def of_type(self, event_type: type[C]) -> list[C]:
        return [e for e in self.events if isinstance(e, event_type)]
