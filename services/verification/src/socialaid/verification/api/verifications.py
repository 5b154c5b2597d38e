from fastapi import APIRouter, Query

from socialaid.contracts.events import Programme
from socialaid.verification.api.deps import DbDep
from socialaid.verification.schemas import EvidenceRead, VerificationRead
from socialaid.verification.use_cases.read import (
    list_verifications,
    read_evidence,
    read_verification,
)
from socialaid.web.limits import Limit, Offset
from socialaid.web.problems import problem_responses

router = APIRouter(prefix="/v1/verifications", tags=["verifications"])
PROBLEMS = problem_responses((404, "Not found"), (422, "Invalid query"))


@router.get(
    "",
    response_model=list[VerificationRead],
    responses=PROBLEMS,
    summary="Verifications, newest first, optionally of one case (R-VE-01, R-VE-02)",
)
async def list_(
    db: DbDep,
    case_id: str | None = Query(None, min_length=1, max_length=64),
    programme: Programme | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> list[VerificationRead]:
    async with db.uow() as uow:
        return await list_verifications(
            uow, case_id=case_id, programme=programme, limit=limit, offset=offset
        )


@router.get(
    "/{verification_id}",
    response_model=VerificationRead,
    responses=PROBLEMS,
    summary="One verification with its verified figures, evidence list, discrepancies and "
    "department queries",
)
async def get(verification_id: str, db: DbDep) -> VerificationRead:
    async with db.uow() as uow:
        return await read_verification(uow, verification_id=verification_id)


@router.get(
    "/{verification_id}/evidence/{evidence_id}",
    response_model=EvidenceRead,
    responses=PROBLEMS,
    summary="One department's answer as stored, with its hash",
)
async def get_evidence(verification_id: str, evidence_id: str, db: DbDep) -> EvidenceRead:
    async with db.uow() as uow:
        return await read_evidence(uow, verification_id=verification_id, evidence_id=evidence_id)
