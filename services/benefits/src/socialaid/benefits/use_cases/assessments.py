"""Assessing a household, storing the result with its trace, reading and replaying it (R-CA-02, R-CA-12)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict
from decimal import Decimal
from typing import Any

from sqlalchemy import RowMapping

from socialaid.benefits.domain import first_day
from socialaid.benefits.domain.dibao import (
    OPTIONAL_KEYS,
    REQUIRED_KEYS,
    DibaoAssessment,
    DibaoHousehold,
    Vehicle,
    assess_dibao,
    missing_keys,
)
from socialaid.benefits.repository import AssessmentRepository
from socialaid.benefits.schemas import AssessmentCreate
from socialaid.benefits.use_cases.parameters import effective_parameters
from socialaid.core.errors import RuleViolation
from socialaid.core.ids import uuid7
from socialaid.db import UnitOfWork

SUPPORTED_PROGRAMMES = frozenset({"dibao"})


def household_to_json(h: DibaoHousehold) -> dict[str, Any]:
    """The canonical assessment input (what a replay re-runs)."""
    d = asdict(h)
    d["monthly_income"] = str(h.monthly_income)
    d["financial_assets"] = str(h.financial_assets)
    d["vehicles"] = [
        {
            "kind": v.kind,
            "value": None if v.value is None else str(v.value),
            "valuation_certified": v.valuation_certified,
        }
        for v in h.vehicles
    ]
    return d


def household_from_json(d: dict[str, Any]) -> DibaoHousehold:
    return DibaoHousehold(
        living_members=d["living_members"],
        excluded_members=d.get("excluded_members", 0),
        monthly_income=Decimal(d["monthly_income"]),
        financial_assets=Decimal(d["financial_assets"]),
        vehicles=tuple(
            Vehicle(
                kind=v["kind"],
                value=None if v["value"] is None else Decimal(v["value"]),
                valuation_certified=v["valuation_certified"],
            )
            for v in d["vehicles"]
        ),
        residential_properties=d["residential_properties"],
        non_residential_properties=d["non_residential_properties"],
    )


def household_from_request(data: AssessmentCreate) -> DibaoHousehold:
    a = data.assets
    vehicles = (
        tuple(Vehicle() for _ in range(a.vehicles))
        if isinstance(a.vehicles, int)
        else tuple(
            Vehicle(kind=v.kind, value=v.value, valuation_certified=v.valuation_certified)
            for v in a.vehicles
        )
    )
    deceased = sum(1 for m in data.members if m.deceased)
    return DibaoHousehold(
        living_members=len(data.members) - deceased,
        excluded_members=deceased,
        monthly_income=data.verified_monthly_income,
        financial_assets=a.financial_assets,
        vehicles=vehicles,
        residential_properties=a.properties,
        non_residential_properties=a.non_residential_properties,
    )


def input_hash(canonical: dict[str, Any]) -> str:
    return hashlib.sha256(
        json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    ).hexdigest()


def require_supported(programme: str) -> None:
    if programme not in SUPPORTED_PROGRAMMES:
        raise RuleViolation(
            f"Assessment rules for programme '{programme}' are not implemented yet; only dibao is.",
            code="programme_not_supported",
            extra={"supported_programmes": sorted(SUPPORTED_PROGRAMMES)},
        )


async def run_dibao(
    uow: UnitOfWork,
    *,
    region_code: str,
    benefit_month: str,
    household: DibaoHousehold,
    known_at: dt.datetime,
) -> DibaoAssessment:
    """Load the parameters in force on the first day of the month (as known at ``known_at``) and assess."""
    as_of = first_day(benefit_month)
    params = await effective_parameters(
        uow,
        region_code=region_code,
        as_of=as_of,
        known_at=known_at,
        keys=REQUIRED_KEYS + OPTIONAL_KEYS,
    )
    missing = missing_keys(params)
    if missing:
        raise RuleViolation(
            f"No value in force for {', '.join(missing)} in region {region_code} on {as_of} "
            f"(as known at {known_at.isoformat()}).",
            code="no_parameter_in_force",
            extra={"missing_parameters": missing, "as_of": as_of.isoformat()},
        )
    return assess_dibao(household, params)


async def store_assessment(
    uow: UnitOfWork,
    *,
    result: DibaoAssessment,
    programme: str,
    region_code: str,
    benefit_month: str,
    household: DibaoHousehold,
    request: dict[str, Any],
    known_at: dt.datetime,
    origin: str,
    case_id: str | None = None,
    verification_id: str | None = None,
) -> RowMapping:
    canonical = {
        "programme": programme,
        "region_code": region_code,
        "benefit_month": benefit_month,
        "household": household_to_json(household),
    }
    return await AssessmentRepository(uow.session).add(
        id=uuid7(),
        case_id=case_id,
        verification_id=verification_id,
        origin=origin,
        programme=programme,
        region_code=region_code,
        benefit_month=benefit_month,
        input={**canonical, "request": request},
        input_hash=input_hash(canonical),
        eligible=result.eligible,
        amount=result.amount,
        standard=result.standard,
        per_capita_income=result.per_capita_income,
        household_size=result.household_size,
        reason_codes=list(result.reason_codes),
        rule_set_version=result.rule_set_version,
        parameters=[p.snapshot() for p in result.parameters],
        trace=result.trace.to_list(),
        known_at=known_at,
    )


def to_read(row: RowMapping) -> dict[str, Any]:
    def money(v: Decimal | None) -> str | None:
        return None if v is None else str(v)

    return {
        "assessment_id": str(row["id"]),
        "case_id": row["case_id"],
        "programme": row["programme"],
        "region_code": row["region_code"],
        "benefit_month": row["benefit_month"],
        "eligible": row["eligible"],
        "amount": money(row["amount"]),
        "standard": money(row["standard"]),
        "per_capita_income": money(row["per_capita_income"]),
        "household_size": row["household_size"],
        "reason_codes": list(row["reason_codes"]),
        "rule_set_version": row["rule_set_version"],
        "parameters": row["parameters"],
        "known_at": row["known_at"].isoformat(),
        "created_at": row["created_at"].isoformat(),
        "trace_url": f"/v1/assessments/{row['id']}/trace",
    }


async def create_assessment(uow: UnitOfWork, *, data: AssessmentCreate) -> dict[str, Any]:
    """A household assessed on request (not tied to a case; publishes no event)."""
    require_supported(data.programme)
    known_at = data.known_at or dt.datetime.now(dt.UTC)
    household = household_from_request(data)
    result = await run_dibao(
        uow,
        region_code=data.region_code,
        benefit_month=data.benefit_month,
        household=household,
        known_at=known_at,
    )
    row = await store_assessment(
        uow,
        result=result,
        programme=data.programme,
        region_code=data.region_code,
        benefit_month=data.benefit_month,
        household=household,
        request=data.model_dump(mode="json", exclude={"known_at"}),
        known_at=known_at,
        origin="api",
    )
    return to_read(row)


async def read_assessment(uow: UnitOfWork, *, assessment_id: str) -> dict[str, Any]:
    return to_read(await AssessmentRepository(uow.session).get(assessment_id))


async def read_trace(uow: UnitOfWork, *, assessment_id: str) -> dict[str, Any]:
    row = await AssessmentRepository(uow.session).get(assessment_id)
    return {
        "assessment_id": str(row["id"]),
        "rule_set_version": row["rule_set_version"],
        "known_at": row["known_at"].isoformat(),
        "steps": row["trace"],
    }


def _essentials(d: dict[str, Any]) -> dict[str, Any]:
    return {
        k: d[k]
        for k in (
            "eligible",
            "amount",
            "standard",
            "per_capita_income",
            "reason_codes",
            "parameters",
        )
    }


async def replay_assessment(uow: UnitOfWork, *, assessment_id: str) -> dict[str, Any]:
    """Re-run the stored input with the stored ``known_at``: later parameter versions must not matter."""
    row = await AssessmentRepository(uow.session).get(assessment_id)
    require_supported(row["programme"])
    result = await run_dibao(
        uow,
        region_code=row["region_code"],
        benefit_month=row["benefit_month"],
        household=household_from_json(row["input"]["household"]),
        known_at=row["known_at"],
    )
    stored = _essentials(to_read(row))
    replayed = {
        "eligible": result.eligible,
        "amount": str(result.amount),
        "standard": str(result.standard),
        "per_capita_income": None
        if result.per_capita_income is None
        else str(result.per_capita_income),
        "reason_codes": list(result.reason_codes),
        "parameters": [p.snapshot() for p in result.parameters],
    }
    same = stored == replayed and row["trace"] == result.trace.to_list()
    return {
        "assessment_id": assessment_id,
        "same_result": same,
        "stored": stored,
        "replayed": replayed,
    }
