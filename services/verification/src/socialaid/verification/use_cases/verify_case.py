"""Verify one accepted case: consent → department queries → evidence → figures → event (R-VE-01/02, R-IN-05).

Runs inside the caller's unit of work and never commits. The department calls happen
before any write, so a department outage (``DepartmentUnavailable``) leaves nothing
behind and the whole message can be retried. A case already verified for its programme
is not verified again (unique constraint on programme + case).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import uuid
from decimal import Decimal
from typing import Any

from socialaid.contracts.events import (
    CaseAccepted,
    Discrepancy,
    VerificationCompleted,
    VerificationFailed,
    VerifiedMember,
)
from socialaid.core.ids import uuid7
from socialaid.core.masking import mask_id_number
from socialaid.db import UnitOfWork
from socialaid.events.sink import EventSink, OutboxSink
from socialaid.verification.adapters.departments import (
    Attempt,
    DepartmentAnswer,
    DepartmentGateway,
)
from socialaid.verification.config import Settings
from socialaid.verification.domain.figures import (
    Declaration,
    Finding,
    HouseholdFigures,
    MemberFacts,
    Tolerances,
    compute_figures,
    consent_problems,
    find_discrepancies,
)
from socialaid.verification.domain.records import (
    DepartmentQueryRecord,
    DiscrepancyRecord,
    EvidenceRecord,
    NewVerification,
)
from socialaid.verification.repository import VerificationRepository

SOURCE = "/socialaid/verification"
log = logging.getLogger("socialaid.verification")


def canonical_hash(payload: Any) -> str:
    """sha256 hex of the canonical JSON form (sorted keys, no spaces): what ``payload_hash`` proves."""
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def pseudonymise(body: dict[str, Any], member_of: dict[str, str]) -> dict[str, Any]:
    """The answer with each ID number replaced by the member id and the masked number."""
    out = dict(body)
    results = []
    for r in body.get("results", []):
        r = dict(r)
        idn = str(r.pop("id_number", "")).upper()
        results.append(
            {"member_id": member_of.get(idn), "id_number_masked": mask_id_number(idn), **r}
        )
    out["results"] = results
    return out


def _facts(member_id: str, idn: str, answers: dict[str, DepartmentAnswer]) -> MemberFacts:
    ps = answers["public_security"].results[idn]
    hr = answers["hr"].results[idn]
    return MemberFacts(
        member_id=member_id,
        alive=ps.alive,
        deceased_on=ps.deceased_on,
        registered_region=ps.region_code,
        wages=hr.wages_monthly,
        pension=hr.pension_monthly,
        pension_central_basic=hr.pension_central_basic_monthly,
        unemployment=hr.unemployment_monthly,
        deposits=answers["banks"].results[idn].deposits,
        vehicle_kinds=tuple(
            str(v.get("kind", "other")) for v in answers["vehicles"].results[idn].vehicles
        ),
        property_kinds=tuple(
            str(p.get("kind", "other")) for p in answers["real_estate"].results[idn].properties
        ),
    )


async def _fail(
    repo: VerificationRepository,
    sink: EventSink,
    event: CaseAccepted,
    verification_id: uuid.UUID,
    reasons: list[str],
    source_event_id: str | None,
    figures: dict[str, Any] | None = None,
) -> bool:
    now = dt.datetime.now(dt.UTC)
    created = await repo.add_request(
        NewVerification(
            id=verification_id,
            case_id=event.case_id,
            programme=event.programme,
            region_code=event.region_code,
            benefit_month=event.benefit_month,
            status="failed",
            reasons=reasons,
            figures=figures or {},
            source_event_id=source_event_id,
            completed_at=now,
        )
    )
    if created is None:
        return False
    await sink.add(
        VerificationFailed(
            verification_id=str(verification_id),
            case_id=event.case_id,
            programme=event.programme,
            region_code=event.region_code,
            reasons=reasons,
            failed_at=now,
        ),
    )
    return True


async def verify_case(
    uow: UnitOfWork,
    *,
    event: CaseAccepted,
    gateway: DepartmentGateway,
    settings: Settings,
    source_event_id: str | None = None,
    sink: EventSink | None = None,
) -> str | None:
    """Verify the case; returns the new verification id, or None when it was already verified.

    Events go to ``sink`` (the outbox in the unit of work's transaction by default).
    """
    repo = VerificationRepository(uow.session)
    events = sink or OutboxSink(uow.session, source=SOURCE)
    if await repo.exists_for_case(programme=event.programme, case_id=event.case_id):
        return None
    verification_id = uuid7()
    reasons = consent_problems(
        signed=event.consent.signed,
        scope=event.consent.scope,
        required=settings.required_consent_scope,
    )
    if reasons:  # R-IN-05: no department is asked anything without the household's authorisation
        return (
            str(verification_id)
            if await _fail(repo, events, event, verification_id, reasons, source_event_id)
            else None
        )

    member_of = {m.id_number.upper(): m.member_id for m in event.members}
    answers, attempts = await gateway.query_all(list(member_of), request_id=str(verification_id))

    facts = [_facts(mid, idn, answers) for idn, mid in member_of.items()]
    figures = compute_figures(facts, exempt_vehicle_kinds=settings.exempt_vehicle_kinds)
    declaration = Declaration(
        monthly_income={m.member_id: Decimal(m.declared_monthly_income) for m in event.members},
        financial_assets=event.declared_assets.financial_assets,
        vehicles=event.declared_assets.vehicles,
        properties=event.declared_assets.properties,
    )
    findings: list[Finding] = find_discrepancies(
        declaration,
        figures,
        deaths={f.member_id: f.deceased_on for f in facts},
        tolerances=Tolerances(income=settings.income_tolerance, assets=settings.assets_tolerance),
    )

    if figures.household_size == 0:
        created = await _fail(
            repo,
            events,
            event,
            verification_id,
            ["no_living_members"],
            source_event_id,
            figures.as_json(),
        )
        if not created:
            return None
    else:
        now = dt.datetime.now(dt.UTC)
        created_id = await repo.add_request(
            NewVerification(
                id=verification_id,
                case_id=event.case_id,
                programme=event.programme,
                region_code=event.region_code,
                benefit_month=event.benefit_month,
                status="completed",
                reasons=[],
                household_size=figures.household_size,
                verified_monthly_income=figures.verified_monthly_income,
                financial_assets=figures.financial_assets,
                vehicles=figures.vehicles,
                properties=figures.properties,
                deceased_members=figures.deceased_members,
                figures=figures.as_json(),
                source_event_id=source_event_id,
                completed_at=now,
            )
        )
        if created_id is None:
            return None
        await events.add(
            VerificationCompleted(
                verification_id=str(verification_id),
                case_id=event.case_id,
                programme=event.programme,
                region_code=event.region_code,
                benefit_month=event.benefit_month,
                household_size=figures.household_size,
                verified_monthly_income=figures.verified_monthly_income,
                income_by_source=figures.income_by_source,
                financial_assets=figures.financial_assets,
                vehicles=figures.vehicles,
                properties=figures.properties,
                deceased_members=figures.deceased_members,
                discrepancies=[
                    Discrepancy(item=f.item, declared=f.declared, verified=f.verified)
                    for f in findings
                ],
                evidence_count=len(answers),
                completed_at=now,
                members=_verified_members(event, figures),
            ),
        )

    await repo.add_queries([_query_record(verification_id, a) for a in attempts])
    await repo.add_evidence(
        [
            _evidence_record(verification_id, name, answer, member_of)
            for name, answer in sorted(answers.items())
        ]
    )
    await repo.add_discrepancies(
        [
            DiscrepancyRecord(
                verification_id=verification_id,
                item=f.item,
                member_id=f.member_id,
                declared=f.declared,
                verified=f.verified,
            )
            for f in findings
        ]
    )
    log.info(
        "case verified",
        extra={
            "case_id": event.case_id,
            "verification_id": str(verification_id),
            "discrepancies": len(findings),
        },
    )
    return str(verification_id)


def _query_record(verification_id: uuid.UUID, a: Attempt) -> DepartmentQueryRecord:
    return DepartmentQueryRecord(
        verification_id=verification_id,
        department=a.department,
        attempt=a.attempt,
        request_hash=a.request_hash,
        status=a.status,
        http_status=a.http_status,
        duration_ms=a.duration_ms,
        error=a.error,
        queried_at=a.queried_at,
    )


def _evidence_record(
    verification_id: uuid.UUID, name: str, answer: DepartmentAnswer, member_of: dict[str, str]
) -> EvidenceRecord:
    """The answer as stored: pseudonymised, with the SHA-256 of its canonical form."""
    payload = pseudonymise(answer.body, member_of)
    return EvidenceRecord(
        id=uuid7(),
        verification_id=verification_id,
        source=name,
        fetched_at=answer.fetched_at,
        payload=payload,
        payload_hash=canonical_hash(payload),
        response_hash=answer.response_hash,
    )


def _verified_members(event: CaseAccepted, figures: HouseholdFigures) -> list[VerifiedMember]:
    """The roster's facts joined with what the departments reported, per member (no ID numbers)."""
    by_id = {m.member_id: m for m in figures.members}
    out = []
    for member in event.members:
        f = by_id.get(member.member_id)
        sources = {}
        if f is not None:
            sources = {
                "wages": f.wages,
                "pension_local": f.pensions,
                "pension_central_basic": f.pension_excluded,
                "unemployment_benefit": f.unemployment,
            }
        out.append(
            VerifiedMember(
                member_id=member.member_id,
                relationship=member.relationship,
                birth_date=member.birth_date,
                alive=f.alive if f is not None else True,
                disability_grade=member.disability_grade,
                serious_illness=member.serious_illness,
                labour_capacity=member.labour_capacity,
                employed=f is not None and f.wages > 0,
                income_by_source={k: v for k, v in sources.items() if v},
            )
        )
    return out
