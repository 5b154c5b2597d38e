"""Reading payment instructions with the bank's results (R-PA-04)."""

from __future__ import annotations

from socialaid.db import UnitOfWork
from socialaid.payments.domain.payroll import PaymentState
from socialaid.payments.domain.records import InstructionRecord
from socialaid.payments.repository import PayrollRepository, parse_uuid
from socialaid.payments.schemas import Payee, PaymentRead


def payment_read(i: InstructionRecord) -> PaymentRead:
    return PaymentRead(
        payment_id=str(i.id),
        payroll_id=str(i.payroll_id),
        entitlement_id=str(i.entitlement_id),
        case_id=i.case_id,
        programme=i.programme,
        region_code=i.region_code,
        month=i.month,
        amount=i.amount,
        payee=Payee(
            account_name=i.payee_account_name,
            account_number=i.payee_account_masked,
            bank_code=i.payee_bank_code,
        ),
        status=i.status,
        bank_reference=i.bank_reference,
        failure_code=i.failure_code,
        failure_reason=i.failure_reason,
        attempts=i.attempts,
        version=i.version,
        resolved_at=i.resolved_at,
    )


async def list_payroll_payments(
    uow: UnitOfWork, *, payroll_id: str, status: PaymentState | None, limit: int, offset: int
) -> list[PaymentRead]:
    repo = PayrollRepository(uow.session)
    p = await repo.get(payroll_id)
    return [
        payment_read(i)
        for i in await repo.list_instructions(p.id, status=status, limit=limit, offset=offset)
    ]


async def read_payment(uow: UnitOfWork, *, payment_id: str) -> PaymentRead:
    return payment_read(
        await PayrollRepository(uow.session).get_instruction(parse_uuid(payment_id, "payment"))
    )
