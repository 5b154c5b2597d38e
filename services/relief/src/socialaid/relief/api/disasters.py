from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from socialaid.db import UnitOfWork
from socialaid.relief.api.deps import DbDep, IdempotencyKey
from socialaid.relief.schemas import DisasterCreate, DisasterRead
from socialaid.relief.use_cases.disasters import declare_disaster, list_disasters, read_disaster
from socialaid.web.idempotency import run_idempotent
from socialaid.web.limits import Limit, Offset
from socialaid.web.problems import problem_responses

router = APIRouter(prefix="/v1/disasters", tags=["disasters"])
PROBLEMS = problem_responses(
    (400, "Malformed body"),
    (404, "Not found"),
    (409, "Idempotency-Key reused"),
    (422, "Invalid disaster"),
)


@router.post(
    "",
    status_code=201,
    response_model=DisasterRead,
    responses=PROBLEMS,
    summary="Declare a disaster with its response level (R-DR-01)",
)
async def create_disaster(
    data: DisasterCreate, request: Request, db: DbDep, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    async def work(uow: UnitOfWork) -> tuple[int, DisasterRead]:
        return 201, await declare_disaster(uow, data=data)

    return await run_idempotent(
        request, db, key=idempotency_key, body=data.model_dump(mode="json"), work=work
    )


@router.get("", response_model=list[DisasterRead], summary="List disasters, newest first")
async def get_disasters(
    db: DbDep,
    region_code: str | None = Query(None, pattern=r"^\d{6}$"),
    limit: Limit = 50,
    offset: Offset = 0,
) -> list[DisasterRead]:
    async with db.uow() as uow:
        return await list_disasters(uow, region_code=region_code, limit=limit, offset=offset)


@router.get("/{disaster_id}", response_model=DisasterRead, responses=PROBLEMS)
async def get_disaster(disaster_id: str, db: DbDep) -> DisasterRead:
    async with db.uow() as uow:
        return await read_disaster(uow, disaster_id=disaster_id)
