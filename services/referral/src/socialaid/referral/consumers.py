"""Events referral fans out to subscribed departments (R-RF-05).

Every case lifecycle event and every ``ReferralCompleted`` becomes one pending
delivery per matching department (minimised data, unique per department and
event), sent by the webhook job or pulled by the department. Each handler only
translates the event into a use case call, in the inbox's transaction.
"""

from __future__ import annotations

from socialaid.contracts.events import (
    CaseAccepted,
    CaseApproved,
    CaseAssessed,
    CaseEnrolled,
    CaseRejected,
    CaseSubmitted,
    ReferralCompleted,
)
from socialaid.core.settings import ServiceSettings
from socialaid.db import UnitOfWork
from socialaid.events.envelope import Envelope
from socialaid.events.inbox import Subscription
from socialaid.referral.domain.matching import CASE_EVENTS
from socialaid.referral.use_cases.deliveries import fan_out_case_event, fan_out_referral_completed

CaseEvent = CaseSubmitted | CaseAccepted | CaseAssessed | CaseApproved | CaseRejected | CaseEnrolled


async def on_case_event(event: CaseEvent, env: Envelope, uow: UnitOfWork) -> None:
    await fan_out_case_event(
        uow,
        env=env,
        case_id=event.case_id,
        region_code=event.region_code,
        programme=event.programme,
    )


async def on_referral_completed(event: ReferralCompleted, env: Envelope, uow: UnitOfWork) -> None:
    await fan_out_referral_completed(uow, env=env, case_id=event.case_id)


def subscriptions(settings: ServiceSettings) -> dict[str, Subscription]:
    subs = {c.TYPE: Subscription(c, on_case_event) for c in CASE_EVENTS}
    subs[ReferralCompleted.TYPE] = Subscription(ReferralCompleted, on_referral_completed)
    return subs
