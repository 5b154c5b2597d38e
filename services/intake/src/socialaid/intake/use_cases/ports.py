"""What the use cases run against: the intake store and the event sink of one unit of work.

Use cases depend on :class:`IntakeUnitOfWork`, never on the session: in the service it is
:class:`SqlIntakeUnitOfWork` (the repository and the outbox of a ``socialaid.db`` unit of
work), in unit tests an in-memory fake. Neither commits: whoever opened the transaction does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from socialaid.db import UnitOfWork
from socialaid.events.sink import EventSink, OutboxSink
from socialaid.intake.domain.case import Case, CaseChange
from socialaid.intake.domain.records import (
    Application,
    CaseHistoryRecord,
    CaseListing,
    CaseOfApplication,
    Member,
)
from socialaid.intake.repository import IntakeRepository

SOURCE = "/socialaid/intake"
"""CloudEvents ``source`` of every event intake publishes."""


class IntakeStore(Protocol):
    """Applications, households and cases. Unknown or malformed ids raise ``NotFound``."""

    async def add_application(self, app: Application, members: Sequence[Member]) -> None: ...

    async def save_case(self, change: CaseChange) -> None:
        """Insert or update (version check: 409 ``stale_case``) the case, record its history."""
        ...

    async def get_application(self, application_id: str) -> Application: ...

    async def get_case(self, case_id: str, *, for_update: bool = False) -> Case: ...

    async def list_cases_of_application(self, application_id: str) -> list[CaseOfApplication]: ...

    async def list_members(self, application_id: str) -> list[Member]: ...

    async def list_history(self, case_id: str) -> list[CaseHistoryRecord]: ...

    async def list_cases(
        self, *, region_code: str | None, status: str | None, limit: int, offset: int
    ) -> list[CaseListing]: ...


class IntakeUnitOfWork(Protocol):
    @property
    def store(self) -> IntakeStore: ...

    @property
    def events(self) -> EventSink: ...


class SqlIntakeUnitOfWork:
    """The intake port over a database unit of work (its session, its outbox)."""

    def __init__(self, uow: UnitOfWork):
        self._store = IntakeRepository(uow.session)
        self._events = OutboxSink(uow.session, source=SOURCE)

    @property
    def store(self) -> IntakeStore:
        return self._store

    @property
    def events(self) -> EventSink:
        return self._events


async def apply_change(uow: IntakeUnitOfWork, change: CaseChange | None) -> None:
    """Persist what the case aggregate decided and publish its events (no-op for ``None``)."""
    if change is None:
        return
    await uow.store.save_case(change)
    for event in change.events:
        await uow.events.add(event)
