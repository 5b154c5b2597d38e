"""Active entitlements as benefits knows them, for recalculation (R-CA-01).

An approval (``case.approved``) creates (or, for a later approval, replaces) the case's
entitlement and its household facts (``entitlement_facts``: the case-driven assessment reduced
to the dibao aggregates); a settled payment (``payment.settled``) moves ``last_paid_month``
forward (the months already paid, for arrears and overpayments).
"""

from __future__ import annotations

from decimal import Decimal

from socialaid.benefits.domain.recalc import aggregates
from socialaid.benefits.repository.assessments import AssessmentRepository
from socialaid.benefits.repository.entitlements import EntitlementRepository
from socialaid.benefits.use_cases.canonical import stored_household
from socialaid.core.money import round_yuan
from socialaid.db import UnitOfWork
from socialaid.events.inbox import PermanentError

RECALCULATED = frozenset({"dibao"})


async def record_approval(
    uow: UnitOfWork,
    *,
    case_id: str,
    programme: str,
    region_code: str,
    start_month: str,
    monthly_amount: Decimal,
) -> None:
    """The approved case's entitlement, with the household of its latest assessment."""
    if programme not in RECALCULATED:
        return  # other programmes' amounts are not recalculated from parameters (yet)
    latest = await AssessmentRepository(uow.session).latest_input_of_case(case_id)
    if latest is None:
        raise PermanentError(f"case {case_id} was approved but benefits never assessed it")
    assessment_id, stored_input = latest
    try:
        agg = aggregates(stored_household(stored_input))
    except (KeyError, TypeError, ValueError) as exc:
        raise PermanentError(
            f"assessment {assessment_id} of case {case_id} has no usable household: {exc}"
        ) from exc
    entitlements = EntitlementRepository(uow.session)
    entitlement_id = await entitlements.put(
        case_id=case_id,
        programme=programme,
        region_code=region_code,
        start_month=start_month,
        amount=round_yuan(monthly_amount),
        assessment_id=assessment_id,
    )
    await entitlements.put_facts(entitlement_id, agg)


async def record_payment(uow: UnitOfWork, *, case_id: str, month: str) -> None:
    """A settled payment for ``month``: the months already paid reach at least it."""
    await EntitlementRepository(uow.session).advance_last_paid(case_id, month)
