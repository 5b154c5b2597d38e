"""Queries over verification tables; rows come back as the records of ``domain.records``.

Never commits: the caller's unit of work does.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import fields
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Column, RowMapping, Table, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from socialaid.core.errors import NotFound
from socialaid.verification.db import department_query, discrepancy, evidence, verification_request
from socialaid.verification.domain.records import (
    DepartmentQueryRecord,
    DiscrepancyRecord,
    EvidenceRecord,
    EvidenceSummaryRecord,
    NewVerification,
    VerificationRecord,
)

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

R = TypeVar("R", bound="DataclassInstance")


def _columns(table: Table, record: type[DataclassInstance]) -> list[Column[Any]]:
    """The table's columns named like the record's fields, in field order."""
    return [table.c[f.name] for f in fields(record)]


def _values(record: DataclassInstance) -> dict[str, Any]:
    return {f.name: getattr(record, f.name) for f in fields(record)}


def _to(record: type[R], row: RowMapping) -> R:
    return record(**row)


def parse_uuid(value: str, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError as exc:
        raise NotFound(f"No {what} {value}.") from exc


class VerificationRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def exists_for_case(self, *, programme: str, case_id: str) -> bool:
        found = await self.session.scalar(
            select(verification_request.c.id).where(
                verification_request.c.programme == programme,
                verification_request.c.case_id == case_id,
            )
        )
        return found is not None

    async def add_request(self, new: NewVerification) -> uuid.UUID | None:
        """Insert a request; None when one already exists for the programme and case."""
        row = (
            await self.session.execute(
                insert(verification_request)
                .values(**_values(new))
                .on_conflict_do_nothing(index_elements=["programme", "case_id"])
                .returning(verification_request.c.id)
            )
        ).first()
        return None if row is None else row.id

    async def add_queries(self, queries: Sequence[DepartmentQueryRecord]) -> None:
        if queries:
            await self.session.execute(department_query.insert(), [_values(q) for q in queries])

    async def add_evidence(self, items: Sequence[EvidenceRecord]) -> None:
        if items:
            await self.session.execute(evidence.insert(), [_values(e) for e in items])

    async def add_discrepancies(self, items: Sequence[DiscrepancyRecord]) -> None:
        if items:
            await self.session.execute(discrepancy.insert(), [_values(d) for d in items])

    async def get(self, verification_id: str) -> VerificationRecord:
        row = (
            (
                await self.session.execute(
                    select(*_columns(verification_request, VerificationRecord)).where(
                        verification_request.c.id == parse_uuid(verification_id, "verification")
                    )
                )
            )
            .mappings()
            .first()
        )
        if row is None:
            raise NotFound(f"No verification {verification_id}.")
        return _to(VerificationRecord, row)

    async def list_requests(
        self, *, case_id: str | None, programme: str | None, limit: int, offset: int
    ) -> list[VerificationRecord]:
        q = select(*_columns(verification_request, VerificationRecord)).order_by(
            verification_request.c.created_at.desc(), verification_request.c.id
        )
        if case_id is not None:
            q = q.where(verification_request.c.case_id == case_id)
        if programme is not None:
            q = q.where(verification_request.c.programme == programme)
        rows = (await self.session.execute(q.limit(limit).offset(offset))).mappings()
        return [_to(VerificationRecord, r) for r in rows]

    async def list_evidence(self, verification_id: uuid.UUID) -> list[EvidenceSummaryRecord]:
        rows = (
            await self.session.execute(
                select(*_columns(evidence, EvidenceSummaryRecord))
                .where(evidence.c.verification_id == verification_id)
                .order_by(evidence.c.source)
            )
        ).mappings()
        return [_to(EvidenceSummaryRecord, r) for r in rows]

    async def get_evidence(self, verification_id: str, evidence_id: str) -> EvidenceRecord:
        row = (
            (
                await self.session.execute(
                    select(*_columns(evidence, EvidenceRecord)).where(
                        evidence.c.verification_id == parse_uuid(verification_id, "verification"),
                        evidence.c.id == parse_uuid(evidence_id, "evidence"),
                    )
                )
            )
            .mappings()
            .first()
        )
        if row is None:
            raise NotFound(f"No evidence {evidence_id} in verification {verification_id}.")
        return _to(EvidenceRecord, row)

    async def list_discrepancies(self, verification_id: uuid.UUID) -> list[DiscrepancyRecord]:
        rows = (
            await self.session.execute(
                select(*_columns(discrepancy, DiscrepancyRecord))
                .where(discrepancy.c.verification_id == verification_id)
                .order_by(discrepancy.c.id)
            )
        ).mappings()
        return [_to(DiscrepancyRecord, r) for r in rows]

    async def list_queries(self, verification_id: uuid.UUID) -> list[DepartmentQueryRecord]:
        rows = (
            await self.session.execute(
                select(*_columns(department_query, DepartmentQueryRecord))
                .where(department_query.c.verification_id == verification_id)
                .order_by(department_query.c.department, department_query.c.attempt)
            )
        ).mappings()
        return [_to(DepartmentQueryRecord, r) for r in rows]
