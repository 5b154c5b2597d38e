"""Events referral fans out to subscribed departments (R-RF-05).

Every case lifecycle event and every ``ReferralCompleted`` becomes one pending
delivery per matching department (minimised data, unique per department and
event), sent by the webhook job or pulled by the department.
"""

from __future__ import annotations

from typing import Any

from socialaid.contracts.events import ReferralCompleted
from socialaid.core.settings import ServiceSettings
from socialaid.db import UnitOfWork
from socialaid.events.envelope import Envelope
from socialaid.events.inbox import Subscription
from socialaid.referral.domain.matching import CASE_EVENTS
from socialaid.referral.repository import DepartmentRepository
from socialaid.referral.use_cases.deliveries import fan_out


async def on_case_event(event: Any, env: Envelope, uow: UnitOfWork) -> None:
    await DepartmentRepository(uow.session).upsert_case_ref(
        case_id=event.case_id,
        region_code=event.region_code,
        programme=event.programme,
        event_type=env.type,
    )
    await fan_out(uow, env=env, region_code=event.region_code, programme=event.programme)


async def on_referral_completed(event: ReferralCompleted, env: Envelope, uow: UnitOfWork) -> None:
    # The report carries no region: use what the case topic told us (unknown → national subscribers only).
    ref = await DepartmentRepository(uow.session).get_case_ref(event.case_id)
    await fan_out(
        uow,
        env=env,
        region_code=ref["region_code"] if ref else None,
        programme=ref["programme"] if ref else None,
    )


def subscriptions(settings: ServiceSettings) -> dict[str, Subscription]:
    subs = {c.TYPE: Subscription(c, on_case_event) for c in CASE_EVENTS}
    subs[ReferralCompleted.TYPE] = Subscription(ReferralCompleted, on_referral_completed)
    return subs
