"""Batch recalculation runs: list, read (progress and result) and request one (R-CA-01)."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from socialaid.benefits.api.deps import PROBLEMS, DbDep, IdempotencyKey
from socialaid.benefits.schemas.recalculations import (
    RecalculationCreate,
    RecalculationRead,
    RunStatus,
)
from socialaid.benefits.use_cases.recalculation import list_runs, read_run, request_run
from socialaid.db import UnitOfWork
from socialaid.web.idempotency import run_idempotent
from socialaid.web.limits import Limit

router = APIRouter(prefix="/v1/recalculations", tags=["recalculations"])


@router.get(
    "",
    response_model=list[RecalculationRead],
    summary="Recalculation runs, newest first (R-CA-01)",
)
async def get_runs(
    db: DbDep,
    status: RunStatus | None = None,
    limit: Limit = 50,
) -> list[RecalculationRead]:
    async with db.uow() as uow:
        return await list_runs(uow, status=status, limit=limit)


@router.get(
    "/{recalculation_id}",
    response_model=RecalculationRead,
    responses=PROBLEMS,
    summary="One run: status, counts, arrears and overpayment totals, duration",
)
async def get_run(recalculation_id: str, db: DbDep) -> RecalculationRead:
    async with db.uow() as uow:
        return await read_run(uow, run_id=recalculation_id)


@router.post(
    "",
    status_code=202,
    response_model=RecalculationRead,
    responses=PROBLEMS,
    summary="Request a recalculation of a region from a month (the worker executes it)",
)
async def create_run(
    data: RecalculationCreate, request: Request, db: DbDep, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    async def work(uow: UnitOfWork) -> tuple[int, RecalculationRead]:
        run = await request_run(
            uow,
            region_code=data.region_code,
            effective_month=data.effective_month,
            cause=data.cause,
        )
        return 202, run

    return await run_idempotent(
        request, db, key=idempotency_key, body=data.model_dump(mode="json"), work=work
    )
