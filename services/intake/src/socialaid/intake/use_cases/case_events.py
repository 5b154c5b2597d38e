"""What other services' results do to a case: verification, assessment, first payment.

Each is applied in the inbox's transaction (never committed here); a result for a case
that has moved on meanwhile changes nothing (the aggregate answers ``None``).
"""

from __future__ import annotations

import datetime as dt

from socialaid.contracts.events import (
    AssessmentCompleted,
    PaymentSettled,
    VerificationCompleted,
    VerificationFailed,
)
from socialaid.intake.use_cases.ports import IntakeUnitOfWork, apply_change


async def record_verification(uow: IntakeUnitOfWork, event: VerificationCompleted) -> None:
    case = await uow.store.get_case(event.case_id, for_update=True)
    await apply_change(uow, case.record_verification(event))


async def fail_verification(uow: IntakeUnitOfWork, event: VerificationFailed) -> None:
    case = await uow.store.get_case(event.case_id, for_update=True)
    await apply_change(uow, case.fail_verification(event))


async def assess_case(uow: IntakeUnitOfWork, event: AssessmentCompleted) -> None:
    if event.case_id is None:
        return  # a what-if assessment not tied to a case
    case = await uow.store.get_case(event.case_id, for_update=True)
    await apply_change(uow, case.assess(event))


async def enrol_case(uow: IntakeUnitOfWork, event: PaymentSettled) -> None:
    case = await uow.store.get_case(event.case_id, for_update=True)
    await apply_change(uow, case.enrol(event, at=dt.datetime.now(dt.UTC)))
