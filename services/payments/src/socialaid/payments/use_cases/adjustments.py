"""Recalculated amounts from benefits: the new monthly amount and the adjustment for months
already paid (R-CA-01, R-PA-03).

``entitlement.changed`` → the entitlement's monthly amount becomes the new amount (version bump
and an ``entitlement_change`` row carrying the change id, so a change is applied once whatever the
event id), and the arrears (owed to the household) or overpayment (to recover) for the months
already paid becomes an ``adjustment`` row. Paying or recovering adjustments through a payroll is
not done yet: they stay ``open``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from socialaid.contracts.events import EntitlementChanged
from socialaid.core.money import round_yuan
from socialaid.db import UnitOfWork
from socialaid.payments.domain.records import (
    AdjustmentKind,
    AdjustmentRecord,
    NewAdjustment,
    NewEntitlementChange,
)
from socialaid.payments.repository import EntitlementRepository
from socialaid.payments.schemas import AdjustmentRead

ChangeOutcome = Literal["applied", "duplicate"]


class EntitlementNotKnownYet(Exception):
    """The case's approval has not reached payments yet (other topic): retried, then parked."""


async def apply_entitlement_change(
    uow: UnitOfWork, *, event: EntitlementChanged, event_id: str | None = None
) -> ChangeOutcome:
    """Returns ``applied`` or ``duplicate`` (the same change id was applied before)."""
    if event.new_amount < 0 or event.arrears < 0 or event.overpayment < 0:
        raise ValueError("amounts in entitlement.changed cannot be negative")
    if event.arrears > 0 and event.overpayment > 0:
        raise ValueError("a change has arrears or an overpayment, not both")
    repo = EntitlementRepository(uow.session)
    if await repo.change_applied(event.change_id):
        return "duplicate"
    current = await repo.get_of_case(event.case_id, event.programme, for_update=True)
    if current is None:
        raise EntitlementNotKnownYet(f"no {event.programme} entitlement for case {event.case_id}")
    new_amount = round_yuan(event.new_amount)
    reason = (
        f"recalculation {event.recalculation_id or '-'} from {event.effective_month}: {event.cause}"
    )
    await repo.set_monthly_amount(current.id, current.version, amount=new_amount)
    await repo.add_change(
        NewEntitlementChange(
            entitlement_id=current.id,
            from_version=current.version,
            old_amount=current.monthly_amount,
            new_amount=new_amount,
            old_start_month=current.start_month,
            new_start_month=current.start_month,
            reason=reason[:2000],
            source_event_id=event_id,
            change_id=event.change_id,
            effective_month=event.effective_month,
        )
    )
    amounts: tuple[tuple[AdjustmentKind, Decimal], ...] = (
        ("arrears", event.arrears),
        ("recovery", event.overpayment),
    )
    for kind, amount in amounts:
        if amount > 0:
            await repo.add_adjustment(
                NewAdjustment(
                    entitlement_id=current.id,
                    case_id=event.case_id,
                    programme=event.programme,
                    region_code=event.region_code,
                    kind=kind,
                    amount=round_yuan(amount),
                    months=list(event.months_already_paid),
                    effective_month=event.effective_month,
                    previous_amount=round_yuan(event.previous_amount),
                    new_amount=new_amount,
                    change_id=event.change_id,
                    recalculation_id=event.recalculation_id,
                    cause=event.cause,
                    source_event_id=event_id,
                )
            )
    return "applied"


def adjustment_read(a: AdjustmentRecord) -> AdjustmentRead:
    return AdjustmentRead(
        adjustment_id=a.id,
        case_id=a.case_id,
        programme=a.programme,
        region_code=a.region_code,
        kind=a.kind,
        amount=a.amount,
        months=list(a.months),
        effective_month=a.effective_month,
        previous_amount=a.previous_amount,
        new_amount=a.new_amount,
        change_id=a.change_id,
        recalculation_id=a.recalculation_id,
        cause=a.cause,
        status=a.status,
        created_at=a.created_at,
    )


async def list_adjustments(
    uow: UnitOfWork, *, case_id: str | None, limit: int = 100
) -> list[AdjustmentRead]:
    records = await EntitlementRepository(uow.session).list_adjustments(
        case_id=case_id, limit=limit
    )
    return [adjustment_read(a) for a in records]
