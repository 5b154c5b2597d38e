"""Events intake applies: proposals, verification failures and first payments."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import RowMapping

from socialaid.contracts.events import (
    AssessmentCompleted,
    CaseAssessed,
    CaseEnrolled,
    PaymentSettled,
    VerificationCompleted,
    VerificationFailed,
)
from socialaid.core.errors import NotFound
from socialaid.core.settings import ServiceSettings
from socialaid.db import UnitOfWork
from socialaid.events.envelope import Envelope
from socialaid.events.inbox import PermanentError, Subscription
from socialaid.events.outbox import add_event
from socialaid.intake.domain.case import TRANSITIONS, CaseStatus
from socialaid.intake.repository import IntakeRepository
from socialaid.intake.use_cases.applications import SOURCE

SYSTEM = "system"


async def _case(uow: UnitOfWork, case_id: str) -> RowMapping:
    try:
        return await IntakeRepository(uow.session).get_case(case_id, for_update=True)
    except NotFound as exc:
        raise PermanentError(f"event for unknown case {case_id}") from exc


async def on_verification_completed(
    event: VerificationCompleted, env: Envelope, uow: UnitOfWork
) -> None:
    row = await _case(uow, event.case_id)
    await IntakeRepository(uow.session).update_case(
        row["id"],
        row["version"],
        verification={
            "verification_id": event.verification_id,
            "verified_monthly_income": str(event.verified_monthly_income),
            "financial_assets": str(event.financial_assets),
            "vehicles": event.vehicles,
            "properties": event.properties,
            "discrepancies": [d.model_dump() for d in event.discrepancies],
            "evidence_count": event.evidence_count,
        },
    )


async def on_verification_failed(event: VerificationFailed, env: Envelope, uow: UnitOfWork) -> None:
    repo = IntakeRepository(uow.session)
    row = await _case(uow, event.case_id)
    if CaseStatus.VERIFICATION_FAILED not in TRANSITIONS[CaseStatus(row["status"])]:
        return  # a later decision already superseded it
    await repo.update_case(row["id"], row["version"], status=CaseStatus.VERIFICATION_FAILED.value)
    await repo.add_history(
        case_id=row["id"],
        from_status=row["status"],
        to_status=CaseStatus.VERIFICATION_FAILED.value,
        actor=SYSTEM,
        note="; ".join(event.reasons),
    )


async def on_assessment_completed(
    event: AssessmentCompleted, env: Envelope, uow: UnitOfWork
) -> None:
    if event.case_id is None:
        return  # a what-if assessment not tied to a case
    repo = IntakeRepository(uow.session)
    row = await _case(uow, event.case_id)
    if CaseStatus.ASSESSED not in TRANSITIONS[CaseStatus(row["status"])]:
        return
    proposal = {
        "assessment_id": event.assessment_id,
        "eligible": event.eligible,
        "amount": str(event.amount),
        "standard": str(event.standard),
        "per_capita_income": str(event.per_capita_income),
        "reason_codes": event.reason_codes,
        "benefit_month": event.benefit_month,
        "rule_set_version": event.rule_set_version,
    }
    await repo.update_case(
        row["id"],
        row["version"],
        status=CaseStatus.ASSESSED.value,
        assessment_id=event.assessment_id,
        proposal=proposal,
    )
    await repo.add_history(
        case_id=row["id"],
        from_status=row["status"],
        to_status=CaseStatus.ASSESSED.value,
        actor=SYSTEM,
        note=f"proposal: eligible={event.eligible} amount={event.amount}",
    )
    await add_event(
        uow.session,
        CaseAssessed(
            case_id=event.case_id,
            application_id=str(row["application_id"]),
            programme=row["programme"],
            region_code=row["region_code"],
            assessment_id=event.assessment_id,
            eligible=event.eligible,
            proposed_amount=event.amount,
        ),
        source=SOURCE,
    )


async def on_payment_settled(event: PaymentSettled, env: Envelope, uow: UnitOfWork) -> None:
    repo = IntakeRepository(uow.session)
    row = await _case(uow, event.case_id)
    if row["status"] != CaseStatus.APPROVED.value:
        return  # already enrolled: later payments change nothing here
    await repo.update_case(row["id"], row["version"], status=CaseStatus.ENROLLED.value)
    await repo.add_history(
        case_id=row["id"],
        from_status=row["status"],
        to_status=CaseStatus.ENROLLED.value,
        actor=SYSTEM,
        note=f"first payment settled for {event.month}",
    )
    await add_event(
        uow.session,
        CaseEnrolled(
            case_id=event.case_id,
            application_id=str(row["application_id"]),
            programme=row["programme"],
            region_code=row["region_code"],
            first_payment_month=event.month,
            enrolled_at=dt.datetime.now(dt.UTC),
        ),
        source=SOURCE,
    )


def subscriptions(settings: ServiceSettings) -> dict[str, Subscription]:
    return {
        VerificationCompleted.TYPE: Subscription(VerificationCompleted, on_verification_completed),
        VerificationFailed.TYPE: Subscription(VerificationFailed, on_verification_failed),
        AssessmentCompleted.TYPE: Subscription(AssessmentCompleted, on_assessment_completed),
        PaymentSettled.TYPE: Subscription(PaymentSettled, on_payment_settled),
    }
