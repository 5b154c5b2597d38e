"""Active entitlements as benefits knows them, for recalculation (R-CA-01).

``case.approved`` creates (or, for a later approval, replaces) the case's entitlement and its
household facts (``entitlement_facts``: the case-driven assessment reduced to the dibao
aggregates); ``payment.settled``
moves ``last_paid_month`` forward (the months already paid, for arrears and overpayments).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.dialects.postgresql import insert

from socialaid.benefits.db import active_entitlement, assessment, entitlement_facts
from socialaid.benefits.domain.recalc import aggregates
from socialaid.benefits.use_cases.recalculation import stored_household
from socialaid.contracts.events import CaseApproved, PaymentSettled
from socialaid.core.money import round_yuan
from socialaid.core.settings import ServiceSettings
from socialaid.db import UnitOfWork
from socialaid.events.envelope import Envelope
from socialaid.events.inbox import PermanentError, Subscription

RECALCULATED = frozenset({"dibao"})


async def on_case_approved(event: CaseApproved, env: Envelope, uow: UnitOfWork) -> None:
    if event.programme not in RECALCULATED:
        return  # other programmes' amounts are not recalculated from parameters (yet)
    row = (
        (
            await uow.session.execute(
                select(assessment.c.id, assessment.c.input)
                .where(assessment.c.case_id == event.case_id)
                .order_by(assessment.c.benefit_month.desc(), assessment.c.created_at.desc())
                .limit(1)
            )
        )
        .mappings()
        .first()
    )
    if row is None:
        raise PermanentError(f"case {event.case_id} was approved but benefits never assessed it")
    try:
        agg = aggregates(stored_household(row["input"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise PermanentError(
            f"assessment {row['id']} of case {event.case_id} has no usable household: {exc}"
        ) from exc
    amount = round_yuan(event.monthly_amount)
    values: dict[str, Any] = {
        "programme": event.programme,
        "region_code": event.region_code,
        "start_month": event.start_month,
        "approved_amount": amount,
        "monthly_amount": amount,
        "amount_from_month": event.start_month,
        "status": "active",
        "assessment_id": row["id"],
    }
    stmt = insert(active_entitlement).values(case_id=event.case_id, **values)
    entitlement_id = (
        await uow.session.execute(
            stmt.on_conflict_do_update(
                index_elements=["case_id"], set_={**values, "updated_at": func.now()}
            ).returning(active_entitlement.c.id)
        )
    ).scalar_one()
    facts = agg.row()
    await uow.session.execute(
        insert(entitlement_facts)
        .values(entitlement_id=entitlement_id, **facts)
        .on_conflict_do_update(index_elements=["entitlement_id"], set_=facts)
    )


async def on_payment_settled(event: PaymentSettled, env: Envelope, uow: UnitOfWork) -> None:
    await uow.session.execute(
        text(
            "UPDATE active_entitlement SET last_paid_month = greatest(last_paid_month, :m), "
            "updated_at = now() WHERE case_id = :c"
        ),
        {"m": event.month, "c": event.case_id},
    )


def subscriptions(settings: ServiceSettings) -> dict[str, Subscription]:
    return {
        CaseApproved.TYPE: Subscription(CaseApproved, on_case_approved),
        PaymentSettled.TYPE: Subscription(PaymentSettled, on_payment_settled),
    }
