from typing import Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from socialaid.core.crypto import FieldCipher
from socialaid.db import UnitOfWork
from socialaid.payments.adapters.bank import bank_client
from socialaid.payments.adapters.metrics import record_payroll
from socialaid.payments.api.deps import DbDep, IdempotencyKey, SettingsDep, problems
from socialaid.payments.schemas import PaymentRead, PayrollCreate, PayrollCreated, PayrollRead
from socialaid.payments.use_cases.disbursement import send_payroll
from socialaid.payments.use_cases.payments import list_payroll_payments
from socialaid.payments.use_cases.payrolls import create_payroll, read_payroll
from socialaid.web.idempotency import run_idempotent

router = APIRouter(prefix="/v1/payrolls", tags=["payrolls"])


@router.post(
    "",
    status_code=201,
    response_model=PayrollCreated,
    responses=problems(
        (400, "Malformed body"),
        (409, "Payroll exists / Idempotency-Key reused"),
        (422, "Invalid request or nothing to pay"),
    ),
    summary="Lock a month's payroll for a county or city with control totals (R-PA-01, R-PA-03)",
)
async def post_payroll(
    data: PayrollCreate, request: Request, db: DbDep, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    async def work(uow: UnitOfWork) -> tuple[int, PayrollCreated]:
        return 201, await create_payroll(uow, data=data)

    response = await run_idempotent(
        request, db, key=idempotency_key, body=data.model_dump(mode="json"), work=work
    )
    if response.status_code == 201:
        record_payroll(PayrollCreated.model_validate_json(bytes(response.body)))
    return response


@router.get(
    "/{payroll_id}",
    response_model=PayrollRead,
    responses=problems((404, "Not found")),
    summary="A payroll's status, control totals and settled/failed/pending counts (R-PA-04)",
)
async def get_payroll(payroll_id: str, db: DbDep) -> PayrollRead:
    async with db.uow() as uow:
        return await read_payroll(uow, payroll_id=payroll_id)


@router.get(
    "/{payroll_id}/payments",
    response_model=list[PaymentRead],
    responses=problems((404, "Not found")),
    summary="The payroll's payment instructions with the bank's results",
)
async def get_payroll_payments(
    payroll_id: str,
    db: DbDep,
    status: Literal["pending", "settled", "failed"] | None = None,
    limit: int = Query(500, ge=1, le=10_000),
    offset: int = Query(0, ge=0, le=10_000_000, description="A payroll's payments, in pages"),
) -> list[PaymentRead]:
    async with db.uow() as uow:
        return await list_payroll_payments(
            uow, payroll_id=payroll_id, status=status, limit=limit, offset=offset
        )


@router.post(
    "/{payroll_id}/submit",
    response_model=PayrollRead,
    responses=problems(
        (404, "Not found"),
        (502, "Bank refused the batch"),
        (503, "Bank unavailable: nothing recorded, retry later"),
    ),
    summary="Send the payroll's pending instructions to the bank now and record the results "
    "(safe to repeat: the bank never pays an instruction twice)",
)
async def submit_payroll(payroll_id: str, db: DbDep, settings: SettingsDep) -> PayrollRead:
    return await send_payroll(
        db=db,
        bank=bank_client(settings),
        cipher=FieldCipher(settings.pii_encryption_key),
        payroll_id=payroll_id,
        batch_size=settings.bank_batch_size,
    )
