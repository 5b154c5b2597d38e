from fastapi import APIRouter

from socialaid.payments.api.deps import DbDep, problems
from socialaid.payments.schemas import PaymentRead
from socialaid.payments.use_cases.payments import read_payment

router = APIRouter(prefix="/v1/payments", tags=["payments"])


@router.get(
    "/{payment_id}",
    response_model=PaymentRead,
    responses=problems((404, "Not found")),
    summary="One payment instruction: amount, payee snapshot and the bank's result (R-PA-04)",
)
async def get_payment(payment_id: str, db: DbDep) -> PaymentRead:
    async with db.uow() as uow:
        return await read_payment(uow, payment_id=payment_id)
