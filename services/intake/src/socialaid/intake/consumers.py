"""Events intake applies: verifications, proposals and first payments.

Each handler translates its event into a use case run in the inbox's transaction.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from socialaid.contracts.base import Contract
from socialaid.contracts.events import (
    AssessmentCompleted,
    PaymentSettled,
    VerificationCompleted,
    VerificationFailed,
)
from socialaid.core.errors import NotFound
from socialaid.core.settings import ServiceSettings
from socialaid.db import UnitOfWork
from socialaid.events.envelope import Envelope
from socialaid.events.inbox import PermanentError, Subscription
from socialaid.intake.use_cases.case_events import (
    assess_case,
    enrol_case,
    fail_verification,
    record_verification,
)
from socialaid.intake.use_cases.ports import IntakeUnitOfWork, SqlIntakeUnitOfWork

E = TypeVar("E", bound=Contract)


async def _apply(
    use_case: Callable[[IntakeUnitOfWork, E], Awaitable[None]], event: E, uow: UnitOfWork
) -> None:
    """Run the use case in the inbox's transaction; an event for a case intake never had can
    never be applied, so it is parked at once."""
    try:
        await use_case(SqlIntakeUnitOfWork(uow), event)
    except NotFound as exc:
        raise PermanentError(f"event for unknown case {event.subject()}") from exc


async def on_verification_completed(
    event: VerificationCompleted, env: Envelope, uow: UnitOfWork
) -> None:
    await _apply(record_verification, event, uow)


async def on_verification_failed(event: VerificationFailed, env: Envelope, uow: UnitOfWork) -> None:
    await _apply(fail_verification, event, uow)


async def on_assessment_completed(
    event: AssessmentCompleted, env: Envelope, uow: UnitOfWork
) -> None:
    await _apply(assess_case, event, uow)


async def on_payment_settled(event: PaymentSettled, env: Envelope, uow: UnitOfWork) -> None:
    await _apply(enrol_case, event, uow)


def subscriptions(settings: ServiceSettings) -> dict[str, Subscription]:
    return {
        VerificationCompleted.TYPE: Subscription(VerificationCompleted, on_verification_completed),
        VerificationFailed.TYPE: Subscription(VerificationFailed, on_verification_failed),
        AssessmentCompleted.TYPE: Subscription(AssessmentCompleted, on_assessment_completed),
        PaymentSettled.TYPE: Subscription(PaymentSettled, on_payment_settled),
    }
