"""Batch recalculation runs: list, read (progress and result) and request one (R-CA-01)."""

from typing import Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from socialaid.benefits.api.deps import PROBLEMS, DbDep, IdempotencyKey
from socialaid.benefits.use_cases.recalculation import list_runs, read_run, request_run
from socialaid.db import UnitOfWork
from socialaid.web.idempotency import run_idempotent

router = APIRouter(prefix="/v1/recalculations", tags=["recalculations"])
YM = r"^\d{4}-(0[1-9]|1[0-2])$"


class RecalculationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    region_code: str = Field(pattern=r"^\d{6}$", description="This region and its descendants")
    effective_month: str = Field(pattern=YM, description="First month the new amounts apply to")
    cause: str | None = Field(default=None, max_length=500)


class RecalculationCounts(BaseModel):
    scanned: int
    changed: int
    unchanged: int
    engine_path: int = Field(description="Households assessed one by one by the rules engine")


class RecalculationRead(BaseModel):
    recalculation_id: str
    trigger: Literal["parameter", "manual"]
    parameter_id: str | None
    region_code: str
    effective_month: str
    cause: str
    status: Literal["pending", "running", "completed", "failed"]
    phase: str | None
    regions: list[str]
    counts: RecalculationCounts
    arrears_total: str
    overpayment_total: str
    attempts: int
    error: str | None
    created_at: str
    started_at: str | None
    finished_at: str | None
    duration_ms: int | None


@router.get(
    "",
    response_model=list[RecalculationRead],
    summary="Recalculation runs, newest first (R-CA-01)",
)
async def get_runs(
    db: DbDep,
    status: Literal["pending", "running", "completed", "failed"] | None = None,
    limit: int = Query(50, ge=1, le=500),
) -> list[dict[str, Any]]:
    async with db.uow() as uow:
        return await list_runs(uow, status=status, limit=limit)


@router.get(
    "/{recalculation_id}",
    response_model=RecalculationRead,
    responses=PROBLEMS,
    summary="One run: status, counts, arrears and overpayment totals, duration",
)
async def get_run(recalculation_id: str, db: DbDep) -> dict[str, Any]:
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
    async def work(uow: UnitOfWork) -> tuple[int, dict]:
        out = await request_run(
            uow,
            region_code=data.region_code,
            effective_month=data.effective_month,
            cause=data.cause,
        )
        return 202, RecalculationRead.model_validate(out).model_dump(mode="json")

    return await run_idempotent(
        request, db, key=idempotency_key, body=data.model_dump(mode="json"), work=work
    )
