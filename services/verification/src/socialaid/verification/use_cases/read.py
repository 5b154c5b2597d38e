"""Reading verifications with their evidence, discrepancies and department queries."""

from __future__ import annotations

from typing import Any

from sqlalchemy import RowMapping

from socialaid.db import UnitOfWork
from socialaid.verification.repository import VerificationRepository


async def _assemble(repo: VerificationRepository, row: RowMapping) -> dict[str, Any]:
    vid = row["id"]
    return {
        "verification_id": str(vid),
        "case_id": row["case_id"],
        "programme": row["programme"],
        "region_code": row["region_code"],
        "benefit_month": row["benefit_month"],
        "status": row["status"],
        "reasons": list(row["reasons"]),
        "household_size": row["household_size"],
        "verified_monthly_income": row["verified_monthly_income"],
        "financial_assets": row["financial_assets"],
        "vehicles": row["vehicles"],
        "properties": row["properties"],
        "deceased_members": row["deceased_members"],
        "figures": row["figures"],
        "created_at": row["created_at"],
        "completed_at": row["completed_at"],
        "evidence": [
            {
                "evidence_id": str(e["id"]),
                "source": e["source"],
                "fetched_at": e["fetched_at"],
                "payload_hash": e["payload_hash"],
                "response_hash": e["response_hash"],
            }
            for e in await repo.list_evidence(vid)
        ],
        "discrepancies": [
            {
                "item": d["item"],
                "member_id": d["member_id"],
                "declared": d["declared"],
                "verified": d["verified"],
            }
            for d in await repo.list_discrepancies(vid)
        ],
        "department_queries": [dict(q) for q in await repo.list_queries(vid)],
    }


async def read_verification(uow: UnitOfWork, *, verification_id: str) -> dict[str, Any]:
    repo = VerificationRepository(uow.session)
    return await _assemble(repo, await repo.get(verification_id))


async def list_verifications(
    uow: UnitOfWork, *, case_id: str | None, programme: str | None, limit: int, offset: int
) -> list[dict[str, Any]]:
    repo = VerificationRepository(uow.session)
    rows = await repo.list_requests(
        case_id=case_id, programme=programme, limit=limit, offset=offset
    )
    return [await _assemble(repo, r) for r in rows]


async def read_evidence(
    uow: UnitOfWork, *, verification_id: str, evidence_id: str
) -> dict[str, Any]:
    e = await VerificationRepository(uow.session).get_evidence(verification_id, evidence_id)
    return {
        "evidence_id": str(e["id"]),
        "verification_id": str(e["verification_id"]),
        "source": e["source"],
        "fetched_at": e["fetched_at"],
        "payload_hash": e["payload_hash"],
        "response_hash": e["response_hash"],
        "payload": e["payload"],
    }
