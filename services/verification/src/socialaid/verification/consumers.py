"""Events verification applies: ``case.accepted`` starts a verification (R-VE-01, R-VE-05).

A department that stays unavailable after the connector's bounded retries raises
``DepartmentUnavailable``: the transaction rolls back (nothing stored, the inbox row
included) and the consumer runner retries the message with back-off; if it still fails
the message is parked and dead-lettered, and an operator redrives the case once the
department is back (``POST /v1/admin/parked/subjects/{case_id}/redrive``). An outage is
not a fact about the household, so it never becomes a ``verification.failed`` (which
intake treats as final). A department that refuses the protocol is a permanent error.
"""

from __future__ import annotations

from typing import cast

from socialaid.contracts.events import CaseAccepted
from socialaid.core.settings import ServiceSettings
from socialaid.db import UnitOfWork
from socialaid.events.envelope import Envelope
from socialaid.events.inbox import Handler, PermanentError, Subscription
from socialaid.verification.adapters.departments import DepartmentGateway, DepartmentProtocolError
from socialaid.verification.config import Settings
from socialaid.verification.use_cases.verify_case import verify_case


def gateway_for(settings: Settings) -> DepartmentGateway:
    return DepartmentGateway(
        base_url=settings.department_url,
        timeout=settings.department_timeout_seconds,
        retries=settings.department_retries,
        backoff=settings.department_retry_backoff_seconds,
        hash_key=settings.pii_hash_key,
    )


def case_accepted_handler(settings: Settings, gateway: DepartmentGateway | None = None) -> Handler:
    gw = gateway or gateway_for(settings)

    async def on_case_accepted(event: CaseAccepted, env: Envelope, uow: UnitOfWork) -> None:
        try:
            await verify_case(
                uow, event=event, gateway=gw, settings=settings, source_event_id=env.id
            )
        except DepartmentProtocolError as exc:
            raise PermanentError(str(exc)) from exc

    return on_case_accepted


def subscriptions(settings: ServiceSettings) -> dict[str, Subscription]:
    s = cast(Settings, settings)
    return {CaseAccepted.TYPE: Subscription(CaseAccepted, case_accepted_handler(s))}
