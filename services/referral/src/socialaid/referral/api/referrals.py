from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from socialaid.db import UnitOfWork
from socialaid.referral.api.departments import PROBLEMS
from socialaid.referral.api.deps import DbDep, IdempotencyKey
from socialaid.referral.domain.referral import ReferralStatus
from socialaid.referral.schemas import ReferralCreate, ReferralRead, ReportCreate
from socialaid.referral.use_cases.referrals import (
    create_referral,
    list_referrals,
    read_referral,
    report_referral,
)
from socialaid.web.idempotency import run_idempotent
from socialaid.web.limits import Limit, Offset

router = APIRouter(prefix="/v1/referrals", tags=["referrals"])


@router.post(
    "",
    status_code=201,
    response_model=ReferralRead,
    responses=PROBLEMS,
    summary="Forward a case to a department with a deadline in working days (R-RF-01)",
)
async def post_referral(
    data: ReferralCreate, request: Request, db: DbDep, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    async def work(uow: UnitOfWork) -> tuple[int, ReferralRead]:
        return 201, await create_referral(uow, data=data)

    return await run_idempotent(
        request, db, key=idempotency_key, body=data.model_dump(mode="json"), work=work
    )


@router.get(
    "",
    response_model=list[ReferralRead],
    summary="List referrals by deadline; status=overdue lists the escalated ones (R-RF-06)",
)
async def get_referrals(
    db: DbDep,
    department_code: str | None = Query(None, max_length=40),
    status: ReferralStatus | None = None,
    case_id: str | None = Query(None, max_length=64),
    limit: Limit = 100,
    offset: Offset = 0,
) -> list[ReferralRead]:
    async with db.uow() as uow:
        return await list_referrals(
            uow,
            department_code=department_code,
            status=status,
            case_id=case_id,
            limit=limit,
            offset=offset,
        )


@router.get("/{referral_id}", response_model=ReferralRead, responses=PROBLEMS)
async def get_referral(referral_id: str, db: DbDep) -> ReferralRead:
    async with db.uow() as uow:
        return await read_referral(uow, referral_id=referral_id)


@router.post(
    "/{referral_id}/reports",
    response_model=ReferralRead,
    responses=PROBLEMS,
    summary="The department reports the result back (R-RF-01, R-RF-02)",
)
async def post_report(
    referral_id: str,
    data: ReportCreate,
    request: Request,
    db: DbDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    async def work(uow: UnitOfWork) -> tuple[int, ReferralRead]:
        return 200, await report_referral(uow, referral_id=referral_id, data=data)

    return await run_idempotent(
        request, db, key=idempotency_key, body=data.model_dump(mode="json"), work=work
    )
