"""Queries over verification tables. Never commits."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import RowMapping, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from socialaid.core.errors import NotFound
from socialaid.verification.db import department_query, discrepancy, evidence, verification_request


def parse_uuid(value: str, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError as exc:
        raise NotFound(f"No {what} {value}.") from exc


class VerificationRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def get_by_case(self, *, programme: str, case_id: str) -> RowMapping | None:
        return (
            (
                await self.session.execute(
                    select(verification_request).where(
                        verification_request.c.programme == programme,
                        verification_request.c.case_id == case_id,
                    )
                )
            )
            .mappings()
            .first()
        )

    async def add_request(self, **values: Any) -> uuid.UUID | None:
        """Insert a request; None when one already exists for the programme and case."""
        row = (
            await self.session.execute(
                insert(verification_request)
                .values(**values)
                .on_conflict_do_nothing(index_elements=["programme", "case_id"])
                .returning(verification_request.c.id)
            )
        ).first()
        return None if row is None else row[0]

    async def add_queries(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            await self.session.execute(department_query.insert(), rows)

    async def add_evidence(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            await self.session.execute(evidence.insert(), rows)

    async def add_discrepancies(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            await self.session.execute(discrepancy.insert(), rows)

    async def get(self, verification_id: str) -> RowMapping:
        row = (
            (
                await self.session.execute(
                    select(verification_request).where(
                        verification_request.c.id == parse_uuid(verification_id, "verification")
                    )
                )
            )
            .mappings()
            .first()
        )
        if row is None:
            raise NotFound(f"No verification {verification_id}.")
        return row

    async def list_requests(
        self, *, case_id: str | None, programme: str | None, limit: int, offset: int
    ) -> Sequence[RowMapping]:
        q = select(verification_request).order_by(
            verification_request.c.created_at.desc(), verification_request.c.id
        )
        if case_id is not None:
            q = q.where(verification_request.c.case_id == case_id)
        if programme is not None:
            q = q.where(verification_request.c.programme == programme)
        return (await self.session.execute(q.limit(limit).offset(offset))).mappings().all()

    async def list_evidence(self, verification_id: uuid.UUID) -> Sequence[RowMapping]:
        return (
            (
                await self.session.execute(
                    select(
                        evidence.c.id,
                        evidence.c.source,
                        evidence.c.fetched_at,
                        evidence.c.payload_hash,
                        evidence.c.response_hash,
                    )
                    .where(evidence.c.verification_id == verification_id)
                    .order_by(evidence.c.source)
                )
            )
            .mappings()
            .all()
        )

    async def get_evidence(self, verification_id: str, evidence_id: str) -> RowMapping:
        row = (
            (
                await self.session.execute(
                    select(evidence).where(
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
        return row

    async def list_discrepancies(self, verification_id: uuid.UUID) -> Sequence[RowMapping]:
        return (
            (
                await self.session.execute(
                    select(discrepancy)
                    .where(discrepancy.c.verification_id == verification_id)
                    .order_by(discrepancy.c.id)
                )
            )
            .mappings()
            .all()
        )

    async def list_queries(self, verification_id: uuid.UUID) -> Sequence[RowMapping]:
        return (
            (
                await self.session.execute(
                    select(department_query)
                    .where(department_query.c.verification_id == verification_id)
                    .order_by(department_query.c.department, department_query.c.attempt)
                )
            )
            .mappings()
            .all()
        )
