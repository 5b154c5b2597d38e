"""Events benefits applies: the handler table and thin handlers (the logic is in use cases).

Each handler translates its event into one use-case call, in the inbox's transaction (the inbox
library commits; handlers and use cases never do).
"""

from __future__ import annotations

from socialaid.benefits.use_cases.active_entitlements import record_approval, record_payment
from socialaid.benefits.use_cases.verification import assess_verification
from socialaid.contracts.events import CaseApproved, PaymentSettled, VerificationCompleted
from socialaid.core.settings import ServiceSettings
from socialaid.db import UnitOfWork
from socialaid.events.envelope import Envelope
from socialaid.events.inbox import Subscription


async def on_verification_completed(
    event: VerificationCompleted, env: Envelope, uow: UnitOfWork
) -> None:
    """A verified household: assessed, and the proposal published (``assessment.completed``)."""
    await assess_verification(uow, event=event)


async def on_case_approved(event: CaseApproved, env: Envelope, uow: UnitOfWork) -> None:
    """An approved case: its entitlement as recalculations see it."""
    await record_approval(
        uow,
        case_id=event.case_id,
        programme=event.programme,
        region_code=event.region_code,
        start_month=event.start_month,
        monthly_amount=event.monthly_amount,
    )


async def on_payment_settled(event: PaymentSettled, env: Envelope, uow: UnitOfWork) -> None:
    """A settled payment: the months already paid move forward."""
    await record_payment(uow, case_id=event.case_id, month=event.month)


def subscriptions(settings: ServiceSettings) -> dict[str, Subscription]:
    return {
        VerificationCompleted.TYPE: Subscription(VerificationCompleted, on_verification_completed),
        CaseApproved.TYPE: Subscription(CaseApproved, on_case_approved),
        PaymentSettled.TYPE: Subscription(PaymentSettled, on_payment_settled),
    }
