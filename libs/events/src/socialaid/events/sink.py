"""The port a use case publishes through: events recorded with its unit of work.

Use cases depend on :class:`EventSink`, not on the outbox table, so they can be
tested against :class:`RecordingSink` without a database. In a service,
:class:`OutboxSink` writes each event to the outbox in the caller's transaction
(``add_event``): it is published if, and only if, that transaction commits.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from socialaid.contracts.base import Contract
from socialaid.events.outbox import add_event


class EventSink(Protocol):
    """Where a use case puts the events its change produced."""

    async def add(self, event: Contract, *, key: str | None = None) -> None: ...


class OutboxSink:
    """Events go to the service's outbox through the unit of work's session."""

    def __init__(self, session: AsyncSession, *, source: str):
        self._session = session
        self._source = source

    async def add(self, event: Contract, *, key: str | None = None) -> None:
        await add_event(self._session, event, source=self._source, key=key)


class RecordingSink:
    """Keeps the events in memory, in order (fast unit tests of use cases)."""

    def __init__(self) -> None:
        self.events: list[Contract] = []

    async def add(self, event: Contract, *, key: str | None = None) -> None:
        self.events.append(event)

    def of_type(self, event_type: type[Contract]) -> list[Contract]:
        return [e for e in self.events if isinstance(e, event_type)]
