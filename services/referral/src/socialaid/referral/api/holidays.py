import datetime as dt

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from socialaid.db import UnitOfWork
from socialaid.referral.api.departments import PROBLEMS
from socialaid.referral.api.deps import DbDep, IdempotencyKey
from socialaid.referral.schemas import HolidayRead, HolidayUpdate
from socialaid.referral.use_cases.holidays import declare_holiday, list_holidays
from socialaid.web.idempotency import run_idempotent

router = APIRouter(prefix="/v1/holidays", tags=["calendar"])


@router.get(
    "",
    response_model=list[HolidayRead],
    summary="Public holidays and make-up working days used for referral deadlines",
)
async def get_holidays(
    db: DbDep, year: int | None = Query(None, ge=2000, le=2100)
) -> list[HolidayRead]:
    async with db.uow() as uow:
        return await list_holidays(uow, year=year)


@router.put(
    "/{day}",
    response_model=HolidayRead,
    responses=PROBLEMS,
    summary="Declare a day a holiday or a make-up working day (applies to new referrals)",
)
async def put_holiday(
    day: dt.date,
    data: HolidayUpdate,
    request: Request,
    db: DbDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    async def work(uow: UnitOfWork) -> tuple[int, HolidayRead]:
        return 200, await declare_holiday(uow, day=day, data=data)

    return await run_idempotent(
        request, db, key=idempotency_key, body=data.model_dump(mode="json"), work=work
    )
