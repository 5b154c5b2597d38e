"""Events payments applies: county approvals become entitlement schedules; recalculated amounts
(entitlement.changed) change them and record arrears or recoveries."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from socialaid.contracts.events import CaseApproved, EntitlementChanged
from socialaid.core.crypto import FieldCipher
from socialaid.core.settings import ServiceSettings
from socialaid.db import UnitOfWork
from socialaid.events.envelope import Envelope
from socialaid.events.inbox import PermanentError, Subscription
from socialaid.payments.use_cases.adjustments import apply_entitlement_change
from socialaid.payments.use_cases.entitlements import record_approval


def on_case_approved(
    cipher: FieldCipher,
) -> Callable[[CaseApproved, Envelope, UnitOfWork], Awaitable[None]]:
    """The handler, storing the payee's account number encrypted with ``cipher``."""

    async def handle(event: CaseApproved, env: Envelope, uow: UnitOfWork) -> None:
        try:
            await record_approval(uow, event=event, cipher=cipher, event_id=env.id)
        except ValueError as exc:
            raise PermanentError(str(exc)) from exc

    return handle


async def on_entitlement_changed(event: EntitlementChanged, env: Envelope, uow: UnitOfWork) -> None:
    try:
        await apply_entitlement_change(uow, event=event, event_id=env.id)
    except ValueError as exc:
        raise PermanentError(str(exc)) from exc


def subscriptions(settings: ServiceSettings) -> dict[str, Subscription]:
    return {
        CaseApproved.TYPE: Subscription(
            CaseApproved, on_case_approved(FieldCipher(settings.pii_encryption_key))
        ),
        EntitlementChanged.TYPE: Subscription(EntitlementChanged, on_entitlement_changed),
    }
