"""Assessing a household for any programme, storing the decision with its trace, replaying it (R-CA-12).

Parameters are looked up for ``engine.keys_for(programme)`` in the household's region (nearest
region first), in force on the first day of the benefit month and *known at* ``known_at``
(default now, stored). A replay re-runs the stored canonical household with the stored
``known_at``, so later parameter versions cannot change its answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, TypedDict

from socialaid.benefits.domain import engine
from socialaid.benefits.domain.household import Household
from socialaid.benefits.domain.parameters import ParameterUsed
from socialaid.benefits.domain.result import (
    Assessment,
    InvalidHousehold,
    MissingParameters,
    UnsupportedProgramme,
)
from socialaid.benefits.domain.trace import Trace
from socialaid.benefits.repository.assessments import (
    AssessmentRepository,
    NewAssessment,
    StoredAssessment,
)
from socialaid.benefits.schemas.assessments import (
    AssessmentCreate,
    AssessmentRead,
    ReplayRead,
    TraceRead,
)
from socialaid.benefits.use_cases.canonical import digest_json, household_from_json, to_json
from socialaid.benefits.use_cases.parameters import effective_parameters
from socialaid.core.errors import RuleViolation
from socialaid.core.ids import uuid7
from socialaid.core.money import round_yuan
from socialaid.db import UnitOfWork

FACTS_REQUIRED = "FACTS_REQUIRED"
FACTS_REQUIRED_VERSION = "facts-required/1"
# What a replay compares (besides nothing else: identical means all of these are equal).
COMPARED = (
    "eligible",
    "amount",
    "reason_codes",
    "flags",
    "approval_level",
    "review_frequency",
    "breakdown",
    "figures",
    "rule_set_version",
    "parameter_snapshot_id",
    "trace",
)


class Outcome(TypedDict):
    """A decision as canonical JSON: what is stored, answered and compared on replay."""

    eligible: bool
    amount: str
    reason_codes: list[str]
    flags: list[str]
    approval_level: str | None
    review_frequency: str | None
    breakdown: dict[str, str]
    figures: dict[str, Any]
    rule_set_version: str
    parameters: list[dict[str, Any]]
    parameter_snapshot_id: str
    trace: list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Summary:
    """Standard, per-capita income and household size of a decision (event and columns)."""

    standard: Decimal | None
    per_capita_income: Decimal | None
    household_size: int


def _unsupported(programme: str, why: str) -> RuleViolation:
    return RuleViolation(
        f"No assessment rules for programme {programme!r}: {why}",
        code="programme_not_supported",
        extra={"supported_programmes": sorted(engine.RULES)},
    )


def _no_parameter(
    region: str, as_of: dt.date, known_at: dt.datetime, keys: list[str]
) -> RuleViolation:
    return RuleViolation(
        f"No value in force for {', '.join(keys)} in region {region} on {as_of} "
        f"(as known at {known_at.isoformat()}).",
        code="no_parameter_in_force",
        extra={"missing_parameters": keys, "as_of": as_of.isoformat()},
    )


async def evaluate(
    uow: UnitOfWork, *, programme: str, household: Household, known_at: dt.datetime
) -> Assessment:
    """The programme's rules applied with the parameters in force (as known at ``known_at``)."""
    if programme not in engine.RULES:
        raise _unsupported(programme, "unknown programme")
    module = engine.rules_for(programme)
    as_of = household.first_day
    params = await effective_parameters(
        uow,
        region_code=household.region_code,
        as_of=as_of,
        known_at=known_at,
        keys=engine.keys_for(programme),
    )
    missing = [k for k in module.REQUIRED_KEYS if k not in params]
    if missing:
        raise _no_parameter(household.region_code, as_of, known_at, missing)
    try:
        return engine.assess(programme, household, params)
    except MissingParameters as exc:
        raise _no_parameter(household.region_code, as_of, known_at, list(exc.keys)) from exc
    except InvalidHousehold as exc:
        raise RuleViolation(
            f"The household cannot be assessed for {programme}: {exc}", code="invalid_household"
        ) from exc
    except UnsupportedProgramme as exc:
        raise _unsupported(programme, "its rules are not available") from exc


def facts_required(programme: str, household: Household, why: str) -> Assessment:
    """Not a decision: the facts this programme needs were not given (a caseworker completes them)."""
    trace = Trace()
    trace.add(
        "FACTS-REQUIRED-01",
        "rules.md (the programme's rules need facts this request does not carry)",
        inputs={"programme": programme, "benefit_month": household.benefit_month},
        result={"eligible": False, "reason_codes": [FACTS_REQUIRED]},
        explanation=f"“{programme}”项目测算所需的事实未提供({why})，未作资格认定，"
        "请经办人员补充后通过 POST /v1/assessments 重新测算。",
    )
    return Assessment(
        programme=programme,
        eligible=False,
        amount=Decimal("0.00"),
        reason_codes=(FACTS_REQUIRED,),
        parameters=(),
        trace=trace,
        rule_set_version=FACTS_REQUIRED_VERSION,
        figures={"household_size": len(household.counted_members)},
    )


# Parameter versions never change once recorded (only superseded_at, which no snapshot holds), so
# the snapshots of one set of versions and their digest are computed once per process.
_SNAPSHOTS: dict[tuple[str, ...], tuple[tuple[dict[str, Any], ...], str]] = {}
_SNAPSHOTS_LIMIT = 4096


def parameter_snapshot(used: Sequence[ParameterUsed]) -> tuple[list[dict[str, Any]], str]:
    """The snapshots of the parameter versions a decision used, and their id (sha256, by key)."""
    ids = tuple(p.parameter_id for p in used)
    hit = _SNAPSHOTS.get(ids)
    if hit is None:
        snapshots = tuple(p.snapshot() for p in used)
        hit = (snapshots, digest_json(sorted(snapshots, key=lambda p: p["key"])))
        if len(_SNAPSHOTS) >= _SNAPSHOTS_LIMIT:
            _SNAPSHOTS.clear()
        _SNAPSHOTS[ids] = hit
    return list(hit[0]), hit[1]


def outcome(result: Assessment) -> Outcome:
    """The decision as canonical JSON (what is stored, answered and compared on replay)."""
    parameters, snapshot_id = parameter_snapshot(result.parameters)
    return Outcome(
        eligible=result.eligible,
        amount=str(round_yuan(result.amount)),
        reason_codes=list(result.reason_codes),
        flags=sorted(result.flags),
        approval_level=result.approval_level,
        review_frequency=result.review_frequency,
        breakdown={k: str(v) for k, v in result.breakdown.items()},
        figures=to_json(result.figures),
        rule_set_version=result.rule_set_version,
        parameters=parameters,
        parameter_snapshot_id=snapshot_id,
        trace=result.trace.to_list(),
    )


def canonical_input(programme: str, household: Household) -> dict[str, Any]:
    return {
        "programme": programme,
        "region_code": household.region_code,
        "benefit_month": household.benefit_month,
        "household": to_json(household),
    }


def _money(value: Any) -> Decimal | None:
    try:
        return None if value is None else round_yuan(Decimal(str(value)))
    except InvalidOperation:
        return None


def summary(result: Assessment, household: Household) -> Summary:
    """Standard, per-capita income and household size from the figures (event and columns)."""
    size = result.figures.get("household_size")
    return Summary(
        standard=_money(result.figures.get("standard")),
        per_capita_income=_money(result.figures.get("per_capita_income")),
        household_size=size if isinstance(size, int) else len(household.counted_members),
    )


async def store_assessment(
    uow: UnitOfWork,
    *,
    result: Assessment,
    household: Household,
    request: dict[str, Any],
    known_at: dt.datetime,
    origin: str,
    case_id: str | None = None,
    verification_id: str | None = None,
    facts_required_because: str | None = None,
) -> StoredAssessment:
    canonical = canonical_input(result.programme, household)
    stored = {**canonical, "request": request}
    if facts_required_because is not None:
        stored["facts_required"] = facts_required_because
    out = outcome(result)
    figures = summary(result, household)
    return await AssessmentRepository(uow.session).add(
        NewAssessment(
            id=uuid7(),
            case_id=case_id,
            verification_id=verification_id,
            origin=origin,
            programme=result.programme,
            region_code=household.region_code,
            benefit_month=household.benefit_month,
            input=stored,
            input_hash=digest_json(canonical),
            eligible=out["eligible"],
            amount=Decimal(out["amount"]),
            standard=figures.standard,
            per_capita_income=figures.per_capita_income,
            household_size=figures.household_size,
            reason_codes=out["reason_codes"],
            flags=out["flags"],
            approval_level=out["approval_level"],
            review_frequency=out["review_frequency"],
            breakdown=out["breakdown"],
            figures=out["figures"],
            rule_set_version=out["rule_set_version"],
            parameters=out["parameters"],
            parameter_snapshot_id=out["parameter_snapshot_id"],
            trace=out["trace"],
            known_at=known_at,
        )
    )


def stored_outcome(row: StoredAssessment) -> Outcome:
    return Outcome(
        eligible=row.eligible,
        amount=str(row.amount),
        reason_codes=list(row.reason_codes),
        flags=list(row.flags),
        approval_level=row.approval_level,
        review_frequency=row.review_frequency,
        breakdown=row.breakdown,
        figures=row.figures,
        rule_set_version=row.rule_set_version,
        parameters=row.parameters,
        parameter_snapshot_id=row.parameter_snapshot_id,
        trace=row.trace,
    )


def to_read(row: StoredAssessment) -> AssessmentRead:
    url = f"/v1/assessments/{row.id}"
    return AssessmentRead(
        assessment_id=str(row.id),
        case_id=row.case_id,
        programme=row.programme,
        region_code=row.region_code,
        benefit_month=row.benefit_month,
        eligible=row.eligible,
        amount=row.amount,
        reason_codes=list(row.reason_codes),
        flags=list(row.flags),
        approval_level=row.approval_level,
        review_frequency=row.review_frequency,
        breakdown=row.breakdown,
        figures=row.figures,
        rule_set_version=row.rule_set_version,
        parameters=row.parameters,
        parameter_snapshot_id=row.parameter_snapshot_id,
        standard=row.standard,
        per_capita_income=row.per_capita_income,
        household_size=row.household_size,
        input_hash=row.input_hash,
        known_at=row.known_at,
        created_at=row.created_at,
        trace_url=f"{url}/trace",
        replay_url=f"{url}/replay",
    )


async def create_assessment(
    uow: UnitOfWork, *, data: AssessmentCreate, body: dict[str, Any] | None = None
) -> AssessmentRead:
    """A household assessed on request (a caseworker or a what-if; publishes no event).

    ``body`` is ``data.model_dump(mode="json")`` when the caller already has it."""
    known_at = data.known_at or dt.datetime.now(dt.UTC)
    household = data.to_household()
    result = await evaluate(uow, programme=data.programme, household=household, known_at=known_at)
    request = dict(body) if body is not None else data.model_dump(mode="json")
    request.pop("known_at", None)
    row = await store_assessment(
        uow,
        result=result,
        household=household,
        request=request,
        known_at=known_at,
        origin="api",
    )
    return to_read(row)


async def read_assessment(uow: UnitOfWork, *, assessment_id: str) -> AssessmentRead:
    return to_read(await AssessmentRepository(uow.session).get(assessment_id))


async def read_trace(uow: UnitOfWork, *, assessment_id: str) -> TraceRead:
    row = await AssessmentRepository(uow.session).get(assessment_id)
    return TraceRead(
        assessment_id=str(row.id),
        programme=row.programme,
        rule_set_version=row.rule_set_version,
        parameter_snapshot_id=row.parameter_snapshot_id,
        known_at=row.known_at,
        steps=row.trace,
    )


async def replay_assessment(uow: UnitOfWork, *, assessment_id: str) -> ReplayRead:
    """Re-run the stored input with the stored ``known_at``; stores nothing."""
    row = await AssessmentRepository(uow.session).get(assessment_id)
    household = household_from_json(row.input["household"])
    why = row.input.get("facts_required")
    if why is not None:
        result = facts_required(row.programme, household, why)
    else:
        result = await evaluate(
            uow, programme=row.programme, household=household, known_at=row.known_at
        )
    stored, replayed = dict(stored_outcome(row)), dict(outcome(result))
    differences = [k for k in COMPARED if stored[k] != replayed[k]]
    return ReplayRead(
        assessment_id=str(row.id),
        identical=not differences,
        differences=differences,
        known_at=row.known_at,
        stored=stored,
        replayed=replayed,
    )
