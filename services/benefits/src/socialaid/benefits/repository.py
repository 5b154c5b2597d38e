"""Queries over benefits tables. Never commits."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ARRAY, RowMapping, String, and_, func, literal, or_, select, text, update
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.ext.asyncio import AsyncSession

from socialaid.benefits.db import assessment, parameter_version
from socialaid.core.errors import NotFound

pv = parameter_version


def known_at_clause(known_at: dt.datetime) -> Any:
    """Versions the system knew at ``known_at`` (knowledge time)."""
    return and_(
        pv.c.recorded_at <= known_at,
        or_(pv.c.superseded_at.is_(None), pv.c.superseded_at > known_at),
    )


def _uuid(value: str, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError as exc:
        raise NotFound(f"No {what} {value}.") from exc


class ParameterRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def lock_series(self, key: str, region_code: str) -> None:
        """Serialise writers of one key+region (the exclusion constraint is the backstop)."""
        await self.session.execute(
            text("SELECT pg_advisory_xact_lock(hashtext(:k))"),
            {"k": f"parameter|{key}|{region_code}"},
        )

    async def effective(
        self,
        *,
        lineage: list[str],
        as_of: dt.date,
        known_at: dt.datetime,
        keys: Sequence[str] | None = None,
    ) -> Sequence[RowMapping]:
        """Per key, the version in force on ``as_of`` as known at ``known_at``, nearest region first."""
        lineage_arr = literal(lineage, ARRAY(String))
        q = (
            select(pv)
            .ext(distinct_on(pv.c.key))
            .where(
                pv.c.region_code.in_(lineage),
                pv.c.valid_from <= as_of,
                or_(pv.c.valid_to.is_(None), pv.c.valid_to >= as_of),
                known_at_clause(known_at),
            )
            .order_by(pv.c.key, func.array_position(lineage_arr, pv.c.region_code))
        )
        if keys is not None:
            q = q.where(pv.c.key.in_(list(keys)))
        return (await self.session.execute(q)).mappings().all()

    async def current_versions(self, key: str, region_code: str) -> Sequence[RowMapping]:
        """Versions of one key+region the system currently holds true, by valid_from."""
        q = (
            select(pv)
            .where(pv.c.key == key, pv.c.region_code == region_code, pv.c.superseded_at.is_(None))
            .order_by(pv.c.valid_from)
        )
        return (await self.session.execute(q)).mappings().all()

    async def history(self, key: str, region_code: str | None) -> Sequence[RowMapping]:
        q = select(pv).where(pv.c.key == key)
        if region_code is not None:
            q = q.where(pv.c.region_code == region_code)
        q = q.order_by(pv.c.region_code, pv.c.valid_from, pv.c.recorded_at)
        return (await self.session.execute(q)).mappings().all()

    async def add(self, **values: Any) -> RowMapping:
        return (
            (await self.session.execute(pv.insert().values(**values).returning(pv)))
            .mappings()
            .one()
        )

    async def supersede(self, version_id: uuid.UUID) -> None:
        await self.session.execute(
            update(pv)
            .where(pv.c.id == version_id, pv.c.superseded_at.is_(None))
            .values(superseded_at=func.now())
        )


_INSERT_ASSESSMENT = assessment.insert().returning(assessment.c.created_at, assessment.c.known_at)


class AssessmentRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def add(self, **values: Any) -> dict[str, Any]:
        """Insert one assessment; the row as stored. The statement is built once (bound values,
        no per-call clause construction) and only what the database sets comes back, not the
        trace and input JSON just sent."""
        stored = (await self.session.execute(_INSERT_ASSESSMENT, values)).mappings().one()
        return {**values, **stored}

    async def get(self, assessment_id: str) -> RowMapping:
        row = (
            (
                await self.session.execute(
                    select(assessment).where(assessment.c.id == _uuid(assessment_id, "assessment"))
                )
            )
            .mappings()
            .first()
        )
        if row is None:
            raise NotFound(f"No assessment {assessment_id}.")
        return row

    async def get_by_case_month(self, case_id: str, benefit_month: str) -> RowMapping | None:
        return (
            (
                await self.session.execute(
                    select(assessment).where(
                        assessment.c.case_id == case_id, assessment.c.benefit_month == benefit_month
                    )
                )
            )
            .mappings()
            .first()
        )
