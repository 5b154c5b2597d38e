from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from socialaid.db import UnitOfWork
from socialaid.intake.api.applications import PROBLEMS
from socialaid.intake.api.deps import DbDep, IdempotencyKey, SettingsDep
from socialaid.intake.domain.case import CaseStatus
from socialaid.intake.repository import IntakeRepository
from socialaid.intake.schemas import AcceptIn, ApproveIn, CaseRead, RejectIn
from socialaid.intake.use_cases.cases import accept_case, approve_case, read_case, reject_case
from socialaid.web.idempotency import run_idempotent

router = APIRouter(prefix="/v1/cases", tags=["cases"])


@router.get("", summary="List cases, newest first")
async def list_cases(
    db: DbDep,
    region_code: str | None = Query(None, pattern=r"^\d{6}$"),
    status: CaseStatus | None = None,
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0),
) -> list[dict[str, Any]]:
    async with db.uow() as uow:
        rows = await IntakeRepository(uow.session).list_cases(
            region_code=region_code,
            status=status.value if status else None,
            limit=limit,
            offset=offset,
        )
    return [
        {
            **r,
            "id": str(r["id"]),
            "application_id": str(r["application_id"]),
            "monthly_amount": None if r["monthly_amount"] is None else str(r["monthly_amount"]),
        }
        for r in rows
    ]


@router.get(
    "/{case_id}",
    response_model=CaseRead,
    responses=PROBLEMS,
    summary="A case with its household (ID numbers masked), proposal and status history",
)
async def get_case(case_id: str, db: DbDep) -> CaseRead:
    async with db.uow() as uow:
        return CaseRead.model_validate(await read_case(uow, case_id=case_id))


@router.post(
    "/{case_id}/accept", responses=PROBLEMS, summary="The window accepts the case (R-IN-02)"
)
async def accept(
    case_id: str,
    data: AcceptIn,
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    async def work(uow: UnitOfWork) -> tuple[int, dict]:
        return 200, await accept_case(uow, case_id=case_id, data=data, settings=settings)

    return await run_idempotent(
        request, db, key=idempotency_key, body=data.model_dump(mode="json"), work=work
    )


@router.post(
    "/{case_id}/approve",
    responses=PROBLEMS,
    summary="County approval with the monthly amount and start month (R-IN-08)",
)
async def approve(
    case_id: str,
    data: ApproveIn,
    request: Request,
    db: DbDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    async def work(uow: UnitOfWork) -> tuple[int, dict]:
        return 200, await approve_case(uow, case_id=case_id, data=data)

    return await run_idempotent(
        request, db, key=idempotency_key, body=data.model_dump(mode="json"), work=work
    )


@router.post(
    "/{case_id}/reject", responses=PROBLEMS, summary="Reject with written reasons (R-IN-08)"
)
async def reject(
    case_id: str,
    data: RejectIn,
    request: Request,
    db: DbDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    async def work(uow: UnitOfWork) -> tuple[int, dict]:
        return 200, await reject_case(uow, case_id=case_id, data=data)

    return await run_idempotent(
        request, db, key=idempotency_key, body=data.model_dump(mode="json"), work=work
    )
