"""Recalculated amounts from benefits: the new monthly amount and the adjustment for months
already paid (R-CA-01, R-PA-03).

``entitlement.changed`` → the entitlement's monthly amount becomes the new amount (version bump
and an ``entitlement_change`` row carrying the change id, so a change is applied once whatever the
event id), and the arrears (owed to the household) or overpayment (to recover) for the months
already paid becomes an ``adjustment`` row. Paying or recovering adjustments through a payroll is
not done yet: they stay ``open``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import RowMapping

from socialaid.contracts.events import EntitlementChanged
from socialaid.core.money import round_yuan
from socialaid.db import UnitOfWork
from socialaid.payments.repository import PaymentsRepository


class EntitlementNotKnownYet(Exception):
    """The case's approval has not reached payments yet (other topic): retried, then parked."""


async def apply_entitlement_change(
    uow: UnitOfWork, *, event: EntitlementChanged, event_id: str | None = None
) -> str:
    """Returns ``applied`` or ``duplicate`` (the same change id was applied before)."""
    if event.new_amount < 0 or event.arrears < 0 or event.overpayment < 0:
        raise ValueError("amounts in entitlement.changed cannot be negative")
    if event.arrears > 0 and event.overpayment > 0:
        raise ValueError("a change has arrears or an overpayment, not both")
    repo = PaymentsRepository(uow.session)
    if await repo.entitlement_change_applied(event.change_id):
        return "duplicate"
    row = await repo.get_entitlement_of_case(event.case_id, event.programme, for_update=True)
    if row is None:
        raise EntitlementNotKnownYet(f"no {event.programme} entitlement for case {event.case_id}")
    new_amount = round_yuan(event.new_amount)
    reason = (
        f"recalculation {event.recalculation_id or '-'} from {event.effective_month}: {event.cause}"
    )
    await repo.update_entitlement(row["id"], row["version"], monthly_amount=new_amount)
    await repo.add_entitlement_change(
        entitlement_id=row["id"],
        from_version=row["version"],
        old_amount=row["monthly_amount"],
        new_amount=new_amount,
        old_start_month=row["start_month"],
        new_start_month=row["start_month"],
        reason=reason[:2000],
        source_event_id=event_id,
        change_id=event.change_id,
        effective_month=event.effective_month,
    )
    for kind, amount in (("arrears", event.arrears), ("recovery", event.overpayment)):
        if amount > 0:
            await repo.add_adjustment(
                entitlement_id=row["id"],
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
    return "applied"


def adjustment_view(row: RowMapping) -> dict[str, Any]:
    return {
        "adjustment_id": row["id"],
        "case_id": row["case_id"],
        "programme": row["programme"],
        "region_code": row["region_code"],
        "kind": row["kind"],
        "amount": row["amount"],
        "months": list(row["months"]),
        "effective_month": row["effective_month"],
        "previous_amount": row["previous_amount"],
        "new_amount": row["new_amount"],
        "change_id": row["change_id"],
        "recalculation_id": row["recalculation_id"],
        "cause": row["cause"],
        "status": row["status"],
        "created_at": row["created_at"],
    }


async def list_adjustments(
    uow: UnitOfWork, *, case_id: str | None, limit: int = 100
) -> list[dict[str, Any]]:
    rows = await PaymentsRepository(uow.session).list_adjustments(case_id=case_id, limit=limit)
    return [adjustment_view(r) for r in rows]
