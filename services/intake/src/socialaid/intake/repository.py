"""Queries over intake tables. Never commits."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import RowMapping, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from socialaid.core.errors import NotFound
from socialaid.intake.db import application, case, case_status_history, household_member


def _uuid(value: str, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError as exc:
        raise NotFound(f"No {what} {value}.") from exc


class IntakeRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def add_application(self, **values: Any) -> None:
        await self.session.execute(application.insert().values(**values))

    async def add_members(self, rows: list[dict[str, Any]]) -> None:
        await self.session.execute(household_member.insert(), rows)

    async def add_case(self, **values: Any) -> None:
        await self.session.execute(case.insert().values(**values))

    async def add_history(
        self,
        *,
        case_id: uuid.UUID,
        from_status: str | None,
        to_status: str,
        actor: str,
        note: str | None = None,
    ) -> None:
        await self.session.execute(
            case_status_history.insert().values(
                case_id=case_id,
                from_status=from_status,
                to_status=to_status,
                actor=actor,
                note=note,
            )
        )

    async def get_application(self, application_id: str) -> RowMapping:
        row = (
            (
                await self.session.execute(
                    select(application).where(
                        application.c.id == _uuid(application_id, "application")
                    )
                )
            )
            .mappings()
            .first()
        )
        if row is None:
            raise NotFound(f"No application {application_id}.")
        return row

    async def get_case(self, case_id: str, *, for_update: bool = False) -> RowMapping:
        q = select(case).where(case.c.id == _uuid(case_id, "case"))
        if for_update:
            q = q.with_for_update()
        row = (await self.session.execute(q)).mappings().first()
        if row is None:
            raise NotFound(f"No case {case_id}.")
        return row

    async def update_case(self, case_id: uuid.UUID, expected_version: int, **values: Any) -> None:
        res = await self.session.execute(
            update(case)
            .where(case.c.id == case_id, case.c.version == expected_version)
            .values(version=expected_version + 1, updated_at=func.now(), **values)
        )
        if res.rowcount != 1:  # type: ignore[attr-defined]
            from socialaid.core.errors import Conflict

            raise Conflict("The case changed meanwhile; reload and retry.", code="stale_case")

    async def list_cases_of_application(self, application_id: uuid.UUID) -> Sequence[RowMapping]:
        return (
            (
                await self.session.execute(
                    select(case.c.id, case.c.programme, case.c.status)
                    .where(case.c.application_id == application_id)
                    .order_by(case.c.programme)
                )
            )
            .mappings()
            .all()
        )

    async def list_members(self, application_id: uuid.UUID) -> Sequence[RowMapping]:
        return (
            (
                await self.session.execute(
                    select(household_member)
                    .where(household_member.c.application_id == application_id)
                    .order_by(household_member.c.position)
                )
            )
            .mappings()
            .all()
        )

    async def list_history(self, case_id: uuid.UUID) -> Sequence[RowMapping]:
        return (
            (
                await self.session.execute(
                    select(case_status_history)
                    .where(case_status_history.c.case_id == case_id)
                    .order_by(case_status_history.c.id)
                )
            )
            .mappings()
            .all()
        )

    async def list_cases(
        self, *, region_code: str | None, status: str | None, limit: int, offset: int
    ) -> Sequence[RowMapping]:
        q = select(
            case.c.id,
            case.c.application_id,
            case.c.programme,
            case.c.region_code,
            case.c.status,
            case.c.monthly_amount,
            case.c.updated_at,
        ).order_by(case.c.created_at.desc(), case.c.id)
        if region_code:
            q = q.where(case.c.region_code == region_code)
        if status:
            q = q.where(case.c.status == status)
        return (await self.session.execute(q.limit(limit).offset(offset))).mappings().all()
