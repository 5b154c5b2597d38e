"""Stored assessments: the decision, its canonical input and its trace. Never commits."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncSession

from socialaid.benefits.db import assessment
from socialaid.core.errors import NotFound
from socialaid.db.records import parse_uuid


@dataclass(frozen=True, slots=True)
class NewAssessment:
    """An assessment to store. The JSON columns hold canonical JSON documents (``input``,
    ``breakdown``, ``figures``, ``parameters``, ``trace``) exactly as they were computed."""

    id: uuid.UUID
    case_id: str | None
    verification_id: str | None
    origin: str  # api | verification
    programme: str
    region_code: str
    benefit_month: str
    input: dict[str, Any]
    input_hash: str
    eligible: bool
    amount: Decimal
    standard: Decimal | None
    per_capita_income: Decimal | None
    household_size: int
    reason_codes: list[str]
    flags: list[str]
    approval_level: str | None
    review_frequency: str | None
    breakdown: dict[str, str]
    figures: dict[str, Any]
    rule_set_version: str
    parameters: list[dict[str, Any]]
    parameter_snapshot_id: str
    trace: list[dict[str, Any]]
    known_at: dt.datetime


@dataclass(frozen=True, slots=True)
class StoredAssessment(NewAssessment):
    """A row of ``assessment``: what was stored, with what the database set."""

    created_at: dt.datetime


_NEW_FIELDS = tuple(f.name for f in fields(NewAssessment))
_STORED_FIELDS = tuple(f.name for f in fields(StoredAssessment))
_INSERT = assessment.insert().returning(assessment.c.created_at, assessment.c.known_at)
_COLUMNS = [assessment.c[name] for name in _STORED_FIELDS]


def _stored(row: Row[Any]) -> StoredAssessment:
    return StoredAssessment(**row._asdict())


class AssessmentRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def add(self, new: NewAssessment) -> StoredAssessment:
        """Insert one assessment; the row as stored. The statement is built once (bound values,
        no per-call clause construction) and only what the database sets comes back, not the
        trace and input JSON just sent."""
        values = {name: getattr(new, name) for name in _NEW_FIELDS}
        created_at, known_at = (await self.session.execute(_INSERT, values)).one()
        return StoredAssessment(**{**values, "known_at": known_at}, created_at=created_at)

    async def get(self, assessment_id: str) -> StoredAssessment:
        q = select(*_COLUMNS).where(assessment.c.id == parse_uuid(assessment_id, "assessment"))
        row = (await self.session.execute(q)).first()
        if row is None:
            raise NotFound(f"No assessment {assessment_id}.")
        return _stored(row)

    async def get_by_case_month(self, case_id: str, benefit_month: str) -> StoredAssessment | None:
        q = select(*_COLUMNS).where(
            assessment.c.case_id == case_id, assessment.c.benefit_month == benefit_month
        )
        row = (await self.session.execute(q)).first()
        return None if row is None else _stored(row)

    async def latest_input_of_case(self, case_id: str) -> tuple[uuid.UUID, dict[str, Any]] | None:
        """The id and stored input of the case's latest assessment (latest benefit month)."""
        q = (
            select(assessment.c.id, assessment.c.input)
            .where(assessment.c.case_id == case_id)
            .order_by(assessment.c.benefit_month.desc(), assessment.c.created_at.desc())
            .limit(1)
        )
        row = (await self.session.execute(q)).first()
        return None if row is None else (row.id, row.input)
