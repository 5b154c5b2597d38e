import datetime as dt

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from socialaid.benefits.api.deps import PROBLEMS, DbDep, IdempotencyKey
from socialaid.benefits.schemas.parameters import (
    EffectiveParameterRead,
    ParameterCreate,
    ParameterKeyRead,
    ParameterRead,
    PublishedParameterRead,
)
from socialaid.benefits.use_cases.parameters import (
    list_effective,
    list_parameter_keys,
    parameter_history,
    publish_parameter,
)
from socialaid.core.errors import RuleViolation
from socialaid.db import UnitOfWork
from socialaid.web.idempotency import run_idempotent
from socialaid.web.limits import KiB, body_limit

router = APIRouter(prefix="/v1/parameters", tags=["parameters"])


@router.get(
    "",
    response_model=list[EffectiveParameterRead],
    responses=PROBLEMS,
    summary="Parameters in force for a region on a date, as known at a moment (R-CA-01)",
)
async def get_effective(
    db: DbDep,
    region_code: str = Query(
        pattern=r"^\d{6}$", description="Falls back county → city → province → national"
    ),
    as_of: dt.date | None = Query(
        None, description="Law time: the day the values are in force (default today)"
    ),
    known_at: dt.datetime | None = Query(
        None, description="Knowledge time: as recorded at this moment (default now)"
    ),
) -> list[EffectiveParameterRead]:
    now = dt.datetime.now(dt.UTC)
    if known_at is not None and known_at.tzinfo is None:
        raise RuleViolation(
            "known_at needs a time zone, e.g. 2026-07-01T00:00:00+08:00.", code="naive_known_at"
        )
    async with db.uow() as uow:
        return await list_effective(
            uow, region_code=region_code, as_of=as_of or dt.date.today(), known_at=known_at or now
        )


@router.get(
    "/keys", response_model=list[ParameterKeyRead], summary="The parameter catalogue: known keys"
)
async def list_keys() -> list[ParameterKeyRead]:
    return list_parameter_keys()


@router.get(
    "/{key}/history",
    response_model=list[ParameterRead],
    responses=PROBLEMS,
    summary="Every recorded version of a key (superseded ones included), by region and date",
)
async def get_history(
    key: str, db: DbDep, region_code: str | None = Query(None, pattern=r"^\d{6}$")
) -> list[ParameterRead]:
    async with db.uow() as uow:
        return await parameter_history(uow, key=key, region_code=region_code)


@router.post(
    "",
    status_code=201,
    response_model=PublishedParameterRead,
    responses=PROBLEMS,
    summary="Record a new parameter version (closes the open-ended previous one) (R-CA-01)",
    openapi_extra=body_limit(256 * KiB),
)
async def create_parameter(
    data: ParameterCreate, request: Request, db: DbDep, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    async def work(uow: UnitOfWork) -> tuple[int, PublishedParameterRead]:
        return 201, await publish_parameter(uow, data=data)

    return await run_idempotent(
        request, db, key=idempotency_key, body=data.model_dump(mode="json"), work=work
    )
