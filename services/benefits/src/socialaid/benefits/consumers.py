"""Events benefits applies: a completed verification is assessed and the proposal published.

Idempotent: one case-driven assessment per case and benefit month (unique index); the same
verification delivered again (new event id, same verification_id) returns early.

Programmes whose rules are not implemented yet (everything but dibao) still get an
``AssessmentCompleted`` — eligible=false, amount 0, reason ``PROGRAMME_RULES_PENDING`` — so the
case moves on to a caseworker instead of waiting forever; the stored assessment says why.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

from socialaid.benefits.domain.dibao import DibaoHousehold, Vehicle
from socialaid.benefits.domain.trace import Trace
from socialaid.benefits.repository import AssessmentRepository
from socialaid.benefits.use_cases.assessments import (
    SUPPORTED_PROGRAMMES,
    input_hash,
    run_dibao,
    store_assessment,
)
from socialaid.benefits.use_cases.parameters import SOURCE
from socialaid.contracts.events import AssessmentCompleted, VerificationCompleted
from socialaid.core.errors import RuleViolation
from socialaid.core.ids import uuid7
from socialaid.core.money import round_yuan
from socialaid.core.regions import get_region
from socialaid.core.settings import ServiceSettings
from socialaid.db import UnitOfWork
from socialaid.events.envelope import Envelope
from socialaid.events.inbox import PermanentError, Subscription
from socialaid.events.outbox import add_event

log = logging.getLogger("socialaid.benefits.consumer")
PENDING = "PROGRAMME_RULES_PENDING"
PENDING_VERSION = "pending/0"
ZERO = Decimal("0.00")


def _household(event: VerificationCompleted) -> DibaoHousehold:
    living = event.household_size - event.deceased_members
    if event.household_size < 0 or event.deceased_members < 0 or living < 0:
        raise PermanentError(
            f"impossible household: size {event.household_size}, deceased {event.deceased_members}"
        )
    if event.verified_monthly_income < 0 or event.financial_assets < 0:
        raise PermanentError("negative verified income or assets")
    return DibaoHousehold(
        living_members=living,
        excluded_members=event.deceased_members,
        monthly_income=event.verified_monthly_income,
        financial_assets=event.financial_assets,
        vehicles=tuple(Vehicle() for _ in range(max(0, event.vehicles))),
        residential_properties=max(0, event.properties),
    )


def _request(event: VerificationCompleted) -> dict[str, object]:
    return {
        "verification_id": event.verification_id,
        "case_id": event.case_id,
        "household_size": event.household_size,
        "deceased_members": event.deceased_members,
        "verified_monthly_income": str(event.verified_monthly_income),
        "income_by_source": {k: str(v) for k, v in event.income_by_source.items()},
        "financial_assets": str(event.financial_assets),
        "vehicles": event.vehicles,
        "properties": event.properties,
    }


async def _pending(
    uow: UnitOfWork, event: VerificationCompleted, known_at: dt.datetime
) -> AssessmentCompleted:
    trace = Trace()
    trace.add(
        "PROGRAMME-PENDING",
        "rules.md (this programme's rules are not implemented yet)",
        inputs={"programme": event.programme},
        result={"eligible": False, "reason_codes": [PENDING]},
        explanation=f"“{event.programme}”项目的测算规则尚未上线，未作资格认定，请经办人员人工审核。",
    )
    canonical = {
        "programme": event.programme,
        "region_code": event.region_code,
        "benefit_month": event.benefit_month,
    }
    n = max(0, event.household_size - event.deceased_members)
    pci = round_yuan(event.verified_monthly_income / n) if n else ZERO
    row = await AssessmentRepository(uow.session).add(
        id=uuid7(),
        case_id=event.case_id,
        verification_id=event.verification_id,
        origin="verification",
        programme=event.programme,
        region_code=event.region_code,
        benefit_month=event.benefit_month,
        input={**canonical, "request": _request(event)},
        input_hash=input_hash(canonical),
        eligible=False,
        amount=ZERO,
        standard=None,
        per_capita_income=pci,
        household_size=n,
        reason_codes=[PENDING],
        rule_set_version=PENDING_VERSION,
        parameters=[],
        trace=trace.to_list(),
        known_at=known_at,
    )
    return AssessmentCompleted(
        assessment_id=str(row["id"]),
        case_id=event.case_id,
        programme=event.programme,
        region_code=event.region_code,
        benefit_month=event.benefit_month,
        eligible=False,
        amount=ZERO,
        standard=ZERO,
        per_capita_income=pci,
        household_size=n,
        reason_codes=[PENDING],
        rule_set_version=PENDING_VERSION,
        completed_at=dt.datetime.now(dt.UTC),
    )


async def on_verification_completed(
    event: VerificationCompleted, env: Envelope, uow: UnitOfWork
) -> None:
    existing = await AssessmentRepository(uow.session).get_by_case_month(
        event.case_id, event.benefit_month
    )
    if existing is not None:
        if existing["verification_id"] == event.verification_id:
            return  # the same verification again: already assessed and published
        raise PermanentError(
            f"case {event.case_id} was already assessed for {event.benefit_month} from verification "
            f"{existing['verification_id']}; reassessment from {event.verification_id} is not supported yet"
        )
    if get_region(event.region_code) is None:
        raise PermanentError(f"unknown region {event.region_code}")
    known_at = dt.datetime.now(dt.UTC)
    if event.programme not in SUPPORTED_PROGRAMMES:
        completed = await _pending(uow, event, known_at)
    else:
        household = _household(event)
        try:
            result = await run_dibao(
                uow,
                region_code=event.region_code,
                benefit_month=event.benefit_month,
                household=household,
                known_at=known_at,
            )
        except RuleViolation as exc:  # no standard in force: park until an operator records one
            raise PermanentError(f"{exc.code}: {exc.detail}") from exc
        row = await store_assessment(
            uow,
            result=result,
            programme=event.programme,
            region_code=event.region_code,
            benefit_month=event.benefit_month,
            household=household,
            request=_request(event),
            known_at=known_at,
            origin="verification",
            case_id=event.case_id,
            verification_id=event.verification_id,
        )
        completed = AssessmentCompleted(
            assessment_id=str(row["id"]),
            case_id=event.case_id,
            programme=event.programme,
            region_code=event.region_code,
            benefit_month=event.benefit_month,
            eligible=result.eligible,
            amount=result.amount,
            standard=result.standard,
            per_capita_income=result.per_capita_income
            if result.per_capita_income is not None
            else ZERO,
            household_size=result.household_size,
            reason_codes=list(result.reason_codes),
            rule_set_version=result.rule_set_version,
            completed_at=dt.datetime.now(dt.UTC),
        )
    await add_event(uow.session, completed, source=SOURCE)


def subscriptions(settings: ServiceSettings) -> dict[str, Subscription]:
    return {
        VerificationCompleted.TYPE: Subscription(VerificationCompleted, on_verification_completed)
    }
