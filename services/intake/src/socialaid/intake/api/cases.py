from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from socialaid.db import UnitOfWork
from socialaid.intake.api.applications import PROBLEMS
from socialaid.intake.api.deps import DbDep, IdempotencyKey, SettingsDep
from socialaid.intake.domain.case import CaseStatus
from socialaid.intake.schemas import (
    CaseAccept,
    CaseAcceptanceRead,
    CaseApprovalRead,
    CaseApprove,
    CaseListItemRead,
    CaseRead,
    CaseReject,
    CaseRejectionRead,
)
from socialaid.intake.use_cases import cases as use_cases
from socialaid.intake.use_cases.cases import (
    accept_case,
    approve_case,
    read_case,
    reject_case,
)
from socialaid.intake.use_cases.ports import SqlIntakeUnitOfWork
from socialaid.web.idempotency import run_idempotent
from socialaid.web.limits import Limit, Offset

router = APIRouter(prefix="/v1/cases", tags=["cases"])


@router.get("", response_model=list[CaseListItemRead], summary="List cases, newest first")
async def list_cases(
    db: DbDep,
    region_code: str | None = Query(None, pattern=r"^\d{6}$"),
    status: CaseStatus | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> list[CaseListItemRead]:
    async with db.uow() as uow:
        return await use_cases.list_cases(
            SqlIntakeUnitOfWork(uow),
            region_code=region_code,
            status=status,
            limit=limit,
            offset=offset,
        )


@router.get(
    "/{case_id}",
    response_model=CaseRead,
    responses=PROBLEMS,
    summary="A case with its household (ID numbers masked), proposal and status history",
)
async def get_case(case_id: str, db: DbDep) -> CaseRead:
    async with db.uow() as uow:
        return await read_case(SqlIntakeUnitOfWork(uow), case_id=case_id)


@router.post(
    "/{case_id}/accept",
    response_model=CaseAcceptanceRead,
    responses=PROBLEMS,
    summary="The window accepts the case (R-IN-02)",
)
async def accept(
    case_id: str,
    data: CaseAccept,
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    async def work(uow: UnitOfWork) -> tuple[int, CaseAcceptanceRead]:
        return 200, await accept_case(
            SqlIntakeUnitOfWork(uow), case_id=case_id, data=data, settings=settings
        )

    return await run_idempotent(
        request, db, key=idempotency_key, body=data.model_dump(mode="json"), work=work
    )


@router.post(
    "/{case_id}/approve",
    response_model=CaseApprovalRead,
    responses=PROBLEMS,
    summary="County approval with the monthly amount and start month (R-IN-08)",
)
async def approve(
    case_id: str,
    data: CaseApprove,
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    async def work(uow: UnitOfWork) -> tuple[int, CaseApprovalRead]:
        return 200, await approve_case(
            SqlIntakeUnitOfWork(uow), case_id=case_id, data=data, settings=settings
        )

    return await run_idempotent(
        request, db, key=idempotency_key, body=data.model_dump(mode="json"), work=work
    )


@router.post(
    "/{case_id}/reject",
    response_model=CaseRejectionRead,
    responses=PROBLEMS,
    summary="Reject with written reasons (R-IN-08)",
)
async def reject(
    case_id: str,
    data: CaseReject,
    request: Request,
    db: DbDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    async def work(uow: UnitOfWork) -> tuple[int, CaseRejectionRead]:
        return 200, await reject_case(SqlIntakeUnitOfWork(uow), case_id=case_id, data=data)

    return await run_idempotent(
        request, db, key=idempotency_key, body=data.model_dump(mode="json"), work=work
    )
