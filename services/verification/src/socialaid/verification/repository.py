"""Queries over verification tables; rows come back as the records of ``domain.records``.

Never commits: the caller's unit of work does.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from socialaid.core.errors import NotFound
from socialaid.db.records import columns_of, parse_uuid, to_record, values_of
from socialaid.verification.db import department_query, discrepancy, evidence, verification_request
from socialaid.verification.domain.records import (
    DepartmentQueryRecord,
    DiscrepancyRecord,
    EvidenceRecord,
    EvidenceSummaryRecord,
    NewVerification,
    VerificationRecord,
)


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
                .values(**values_of(new))
                .on_conflict_do_nothing(index_elements=["programme", "case_id"])
                .returning(verification_request.c.id)
            )
        ).first()
        return None if row is None else row.id

    async def add_queries(self, queries: Sequence[DepartmentQueryRecord]) -> None:
        if queries:
            await self.session.execute(department_query.insert(), [values_of(q) for q in queries])

    async def add_evidence(self, items: Sequence[EvidenceRecord]) -> None:
        if items:
            await self.session.execute(evidence.insert(), [values_of(e) for e in items])

    async def add_discrepancies(self, items: Sequence[DiscrepancyRecord]) -> None:
        if items:
            await self.session.execute(discrepancy.insert(), [values_of(d) for d in items])

    async def get(self, verification_id: str) -> VerificationRecord:
        row = (
            (
                await self.session.execute(
                    select(*columns_of(verification_request, VerificationRecord)).where(
                        verification_request.c.id == parse_uuid(verification_id, "verification")
                    )
                )
            )
            .mappings()
            .first()
        )
        if row is None:
            raise NotFound(f"No verification {verification_id}.")
        return to_record(VerificationRecord, row)

    async def list_requests(
        self, *, case_id: str | None, programme: str | None, limit: int, offset: int
    ) -> list[VerificationRecord]:
        q = select(*columns_of(verification_request, VerificationRecord)).order_by(
            verification_request.c.created_at.desc(), verification_request.c.id
        )
        if case_id is not None:
            q = q.where(verification_request.c.case_id == case_id)
        if programme is not None:
            q = q.where(verification_request.c.programme == programme)
        rows = (await self.session.execute(q.limit(limit).offset(offset))).mappings()
        return [to_record(VerificationRecord, r) for r in rows]

    async def list_evidence(self, verification_id: uuid.UUID) -> list[EvidenceSummaryRecord]:
        rows = (
            await self.session.execute(
                select(*columns_of(evidence, EvidenceSummaryRecord))
                .where(evidence.c.verification_id == verification_id)
                .order_by(evidence.c.source)
            )
        ).mappings()
        return [to_record(EvidenceSummaryRecord, r) for r in rows]

    async def get_evidence(self, verification_id: str, evidence_id: str) -> EvidenceRecord:
        row = (
            (
                await self.session.execute(
                    select(*columns_of(evidence, EvidenceRecord)).where(
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
        return to_record(EvidenceRecord, row)

    async def list_discrepancies(self, verification_id: uuid.UUID) -> list[DiscrepancyRecord]:
        rows = (
            await self.session.execute(
                select(*columns_of(discrepancy, DiscrepancyRecord))
                .where(discrepancy.c.verification_id == verification_id)
                .order_by(discrepancy.c.id)
            )
        ).mappings()
        return [to_record(DiscrepancyRecord, r) for r in rows]

    async def list_queries(self, verification_id: uuid.UUID) -> list[DepartmentQueryRecord]:
        rows = (
            await self.session.execute(
                select(*columns_of(department_query, DepartmentQueryRecord))
                .where(department_query.c.verification_id == verification_id)
                .order_by(department_query.c.department, department_query.c.attempt)
            )
        ).mappings()
        return [to_record(DepartmentQueryRecord, r) for r in rows]
