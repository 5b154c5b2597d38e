"""Reading verifications with their evidence, discrepancies and department queries."""

from __future__ import annotations

from socialaid.db import UnitOfWork
from socialaid.verification.domain.records import VerificationRecord
from socialaid.verification.repository import VerificationRepository
from socialaid.verification.schemas import (
    DepartmentQueryRead,
    DiscrepancyRead,
    EvidenceRead,
    EvidenceSummary,
    VerificationRead,
)


async def _assemble(repo: VerificationRepository, v: VerificationRecord) -> VerificationRead:
    return VerificationRead(
        verification_id=str(v.id),
        case_id=v.case_id,
        programme=v.programme,
        region_code=v.region_code,
        benefit_month=v.benefit_month,
        status=v.status,
        reasons=list(v.reasons),
        household_size=v.household_size,
        verified_monthly_income=v.verified_monthly_income,
        financial_assets=v.financial_assets,
        vehicles=v.vehicles,
        properties=v.properties,
        deceased_members=v.deceased_members,
        figures=v.figures,
        created_at=v.created_at,
        completed_at=v.completed_at,
        evidence=[
            EvidenceSummary(
                evidence_id=str(e.id),
                source=e.source,
                fetched_at=e.fetched_at,
                payload_hash=e.payload_hash,
                response_hash=e.response_hash,
            )
            for e in await repo.list_evidence(v.id)
        ],
        discrepancies=[
            DiscrepancyRead(
                item=d.item, member_id=d.member_id, declared=d.declared, verified=d.verified
            )
            for d in await repo.list_discrepancies(v.id)
        ],
        department_queries=[
            DepartmentQueryRead(
                department=q.department,
                attempt=q.attempt,
                status=q.status,
                http_status=q.http_status,
                duration_ms=q.duration_ms,
                error=q.error,
                queried_at=q.queried_at,
            )
            for q in await repo.list_queries(v.id)
        ],
    )


async def read_verification(uow: UnitOfWork, *, verification_id: str) -> VerificationRead:
    repo = VerificationRepository(uow.session)
    return await _assemble(repo, await repo.get(verification_id))


async def list_verifications(
    uow: UnitOfWork, *, case_id: str | None, programme: str | None, limit: int, offset: int
) -> list[VerificationRead]:
    repo = VerificationRepository(uow.session)
    rows = await repo.list_requests(
        case_id=case_id, programme=programme, limit=limit, offset=offset
    )
    return [await _assemble(repo, r) for r in rows]


async def read_evidence(uow: UnitOfWork, *, verification_id: str, evidence_id: str) -> EvidenceRead:
    e = await VerificationRepository(uow.session).get_evidence(verification_id, evidence_id)
    return EvidenceRead(
        evidence_id=str(e.id),
        verification_id=str(e.verification_id),
        source=e.source,
        fetched_at=e.fetched_at,
        payload_hash=e.payload_hash,
        response_hash=e.response_hash,
        payload=e.payload,
    )
