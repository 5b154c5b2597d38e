"""In-memory intake store and unit of work: the use cases' port without a database.

It behaves like ``IntakeRepository`` where the use cases depend on it: unknown or
malformed ids raise ``NotFound``, a change is saved only if the stored version is
still the one it was decided on (409 ``stale_case``), lists keep the repository's order.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Sequence

from socialaid.core.errors import Conflict, NotFound
from socialaid.events.sink import RecordingSink
from socialaid.intake.domain.case import Case, CaseChange
from socialaid.intake.domain.records import (
    Application,
    CaseHistoryRecord,
    CaseListing,
    CaseOfApplication,
    Member,
)


def _check_id(value: str, what: str) -> None:
    try:
        uuid.UUID(value)
    except ValueError as exc:
        raise NotFound(f"No {what} {value}.") from exc


class FakeIntakeStore:
    def __init__(self) -> None:
        self.applications: dict[str, Application] = {}
        self.members: dict[str, list[Member]] = {}
        self.cases: dict[str, Case] = {}
        self.history: dict[str, list[CaseHistoryRecord]] = {}
        self.updated_at: dict[str, dt.datetime] = {}
        self.created: list[str] = []  # case ids in creation order
        self._concurrent: set[str] = set()

    def change_meanwhile(self, case_id: str) -> None:
        """Make another writer change the case right after the next ``get_case`` reads it."""
        self._concurrent.add(case_id)

    async def add_application(self, app: Application, members: Sequence[Member]) -> None:
        self.applications[app.id] = app
        self.members[app.id] = list(members)

    async def save_case(self, change: CaseChange) -> None:
        new = change.case
        if change.expected_version is None:
            if new.id in self.cases:
                raise AssertionError(f"case {new.id} inserted twice")
            self.created.append(new.id)
        else:
            stored = self.cases.get(new.id)
            if stored is None or stored.version != change.expected_version:
                raise Conflict("The case changed meanwhile; reload and retry.", code="stale_case")
        now = dt.datetime.now(dt.UTC)
        self.cases[new.id] = new
        self.updated_at[new.id] = now
        if change.history is not None:
            h = change.history
            self.history.setdefault(new.id, []).append(
                CaseHistoryRecord(
                    from_status=None if h.from_status is None else h.from_status.value,
                    to_status=h.to_status.value,
                    actor=h.actor,
                    note=h.note,
                    at=now,
                )
            )

    async def get_application(self, application_id: str) -> Application:
        _check_id(application_id, "application")
        try:
            return self.applications[application_id]
        except KeyError:
            raise NotFound(f"No application {application_id}.") from None

    async def get_case(self, case_id: str, *, for_update: bool = False) -> Case:
        _check_id(case_id, "case")
        try:
            case = self.cases[case_id]
        except KeyError:
            raise NotFound(f"No case {case_id}.") from None
        if case_id in self._concurrent:
            self._concurrent.discard(case_id)
            self.cases[case_id] = dataclasses.replace(case, version=case.version + 1)
        return case

    async def list_cases_of_application(self, application_id: str) -> list[CaseOfApplication]:
        _check_id(application_id, "application")
        return sorted(
            (
                CaseOfApplication(id=c.id, programme=c.programme, status=c.status.value)
                for c in self.cases.values()
                if c.application_id == application_id
            ),
            key=lambda c: c.programme,
        )

    async def list_members(self, application_id: str) -> list[Member]:
        _check_id(application_id, "application")
        return sorted(self.members.get(application_id, []), key=lambda m: m.position)

    async def list_history(self, case_id: str) -> list[CaseHistoryRecord]:
        _check_id(case_id, "case")
        return list(self.history.get(case_id, []))

    async def list_cases(
        self, *, region_code: str | None, status: str | None, limit: int, offset: int
    ) -> list[CaseListing]:
        newest_first = [self.cases[i] for i in reversed(self.created)]
        chosen = [
            c
            for c in newest_first
            if (not region_code or c.region_code == region_code)
            and (not status or c.status.value == status)
        ]
        return [
            CaseListing(
                id=c.id,
                application_id=c.application_id,
                programme=c.programme,
                region_code=c.region_code,
                status=c.status.value,
                monthly_amount=c.monthly_amount,
                updated_at=self.updated_at[c.id],
            )
            for c in chosen[offset : offset + limit]
        ]


class FakeIntakeUnitOfWork:
    def __init__(self) -> None:
        self.store = FakeIntakeStore()
        self.events = RecordingSink()
