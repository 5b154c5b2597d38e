"""A completed verification assessed and the proposal published (``verification.completed``).

Idempotent: one case-driven assessment per case and benefit month (unique index); the same
verification delivered again (new event id, same verification_id) returns early.

What the event carries, and what it does not: ``VerificationCompleted`` has the living and
deceased members, the verified income, financial assets, non-exempt vehicles and properties, and
(``members``, when the producer sends it) each member's birth date, disability grade, illness,
labour capacity, work and verified income by source. It has no obligors, school status, previous
award or programme-specific request. So:

- dibao is assessed on the members as described (ages and disability give the add-ons, each
  earner's wages their own employment-cost deduction). An event without ``members`` (older
  producers) is assessed on anonymous working-age members holding the household's income — a lower
  bound a caseworker may raise through ``POST /v1/assessments``.
- every other programme needs facts the event cannot carry (tekun: ages, disability, labour
  capacity, supporters; medical claim; temporary request; disaster loss; grant request), and a
  household the rules refuse (``InvalidHousehold``) lacks facts too: the assessment is stored
  and published as eligible=false, amount 0, reason ``FACTS_REQUIRED`` — not a decision, a
  request for a caseworker to complete the facts. Nothing is pretended.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from socialaid.benefits.domain.household import Assets, Household, Member, Vehicle
from socialaid.benefits.domain.result import Assessment
from socialaid.benefits.repository.assessments import AssessmentRepository
from socialaid.benefits.use_cases.assessments import (
    evaluate,
    facts_required,
    store_assessment,
    summary,
)
from socialaid.benefits.use_cases.parameters import SOURCE
from socialaid.contracts.events import AssessmentCompleted, VerificationCompleted
from socialaid.core.errors import RuleViolation
from socialaid.core.regions import get_region
from socialaid.db import UnitOfWork
from socialaid.events.inbox import PermanentError
from socialaid.events.sink import EventSink, OutboxSink

ZERO = Decimal("0.00")
# Programmes the event's facts suffice for (see the module docstring).
ASSESSED_FROM_EVENT = frozenset({"dibao"})
PLACEHOLDER_AGE = 40  # anonymous members: working age, so no age-related add-on or target group
# verification's income sources → the rules' income categories (rules.md §2)
SOURCE_CATEGORY = {
    "wages": "wages",
    "pensions": "pension_local",  # verification already removed the central basic pension
    "unemployment": "unemployment_benefit",
}
CATEGORIES = frozenset(
    {
        "wages",
        "business",
        "property",
        "support_received",
        "pension_local",
        "unemployment_benefit",
        "compensation",
        "gifts",
        "other",
    }
)


def _incomes(event: VerificationCompleted) -> dict[str, Decimal]:
    """The verified income by category; what the sources do not explain is ``other``."""
    incomes: dict[str, Decimal] = {}
    for source, amount in event.income_by_source.items():
        if amount < 0:
            raise PermanentError(f"negative verified income from {source}")
        category = SOURCE_CATEGORY.get(source, source if source in CATEGORIES else "other")
        incomes[category] = incomes.get(category, ZERO) + amount
    rest = event.verified_monthly_income - sum(incomes.values(), ZERO)
    if rest > 0:
        incomes["other"] = incomes.get("other", ZERO) + rest
    return {k: v for k, v in incomes.items() if v > 0}


def household_from_event(event: VerificationCompleted) -> Household:
    living, deceased = event.household_size, event.deceased_members
    if living < 0 or deceased < 0:
        raise PermanentError(f"impossible household: {living} living, {deceased} deceased")
    if event.verified_monthly_income < 0 or event.financial_assets < 0:
        raise PermanentError("negative verified income or assets")
    if event.vehicles < 0 or event.properties < 0:
        raise PermanentError("negative vehicle or property count")
    if event.members:
        return _household(event, _members_from_event(event))
    first = dt.date(int(event.benefit_month[:4]), int(event.benefit_month[5:]), 1)
    born = first.replace(year=first.year - PLACEHOLDER_AGE)
    incomes = _incomes(event)
    members = [
        Member(
            member_id=f"m{i}",
            birth_date=born,
            relationship="applicant" if i == 1 else "member",
            employed=i == 1 and "wages" in incomes,
            incomes=incomes if i == 1 else {},
        )
        for i in range(1, living + 1)
    ]
    members += [
        Member(member_id=f"d{i}", birth_date=born, relationship="member", exclusion="deceased")
        for i in range(1, deceased + 1)
    ]
    return _household(event, members)


def _members_from_event(event: VerificationCompleted) -> list[Member]:
    """Each member as the roster and the departments describe them (ages, disability, income)."""
    members = []
    for m in event.members or ():
        incomes: dict[str, Decimal] = {}
        for source, amount in m.income_by_source.items():
            if amount < 0:
                raise PermanentError(f"negative verified income from {source}")
            category = SOURCE_CATEGORY.get(source, source)
            incomes[category] = incomes.get(category, ZERO) + amount
        labour = m.labour_capacity if m.labour_capacity in ("full", "partial", "none") else "full"
        members.append(
            Member(
                member_id=m.member_id,
                birth_date=m.birth_date,
                relationship=m.relationship,
                exclusion=None if m.alive else "deceased",
                disability_grade=m.disability_grade,
                serious_illness=m.serious_illness,
                labour_capacity=labour,  # type: ignore[arg-type]  # narrowed to the LabourCapacity literals just above
                employed=m.employed,
                incomes={k: v for k, v in incomes.items() if v > 0},
            )
        )
    return members


def _household(event: VerificationCompleted, members: list[Member]) -> Household:
    return Household(
        region_code=event.region_code,
        benefit_month=event.benefit_month,
        members=tuple(members),
        assets=Assets(
            financial=event.financial_assets,
            vehicles=tuple(Vehicle(kind="car") for _ in range(event.vehicles)),
            residential_properties=event.properties,
        ),
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


async def assess_verification(
    uow: UnitOfWork, *, event: VerificationCompleted, events: EventSink | None = None
) -> None:
    """Assess the verified household (or record that facts are missing) and publish the result.

    A verification already assessed for its case and month returns early; another verification
    of an assessed case and month is refused (parked): reassessment is not supported yet."""
    existing = await AssessmentRepository(uow.session).get_by_case_month(
        event.case_id, event.benefit_month
    )
    if existing is not None:
        if existing.verification_id == event.verification_id:
            return  # the same verification again: already assessed and published
        raise PermanentError(
            f"case {event.case_id} was already assessed for {event.benefit_month} from verification "
            f"{existing.verification_id}; reassessment from {event.verification_id} is not supported yet"
        )
    if get_region(event.region_code) is None:
        raise PermanentError(f"unknown region {event.region_code}")
    household = household_from_event(event)
    known_at = dt.datetime.now(dt.UTC)
    why: str | None = None
    result: Assessment
    if event.programme not in ASSESSED_FROM_EVENT:
        why = "核查事件不含该项目所需的成员详情或申请事项"
    else:
        try:
            result = await evaluate(
                uow, programme=event.programme, household=household, known_at=known_at
            )
        except RuleViolation as exc:
            if exc.code != "invalid_household":
                # no parameter in force, rules unavailable: park until an operator fixes it
                raise PermanentError(f"{exc.code}: {exc.detail}") from exc
            why = exc.detail
    if why is not None:
        result = facts_required(event.programme, household, why)
    row = await store_assessment(
        uow,
        result=result,
        household=household,
        request=_request(event),
        known_at=known_at,
        origin="verification",
        case_id=event.case_id,
        verification_id=event.verification_id,
        facts_required_because=why,
    )
    figures = summary(result, household)
    completed = AssessmentCompleted(
        assessment_id=str(row.id),
        case_id=event.case_id,
        programme=event.programme,
        region_code=event.region_code,
        benefit_month=event.benefit_month,
        eligible=result.eligible,
        amount=row.amount,
        standard=figures.standard if figures.standard is not None else ZERO,
        per_capita_income=figures.per_capita_income
        if figures.per_capita_income is not None
        else ZERO,
        household_size=figures.household_size,
        reason_codes=list(result.reason_codes),
        rule_set_version=result.rule_set_version,
        completed_at=dt.datetime.now(dt.UTC),
    )
    sink = events if events is not None else OutboxSink(uow.session, source=SOURCE)
    await sink.add(completed)
