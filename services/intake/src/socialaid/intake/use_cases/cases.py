"""Case decisions taken by caseworkers: accept, approve, reject (R-IN-02, R-IN-08)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import RowMapping

from socialaid.contracts.events import (
    CaseAccepted,
    CaseApproved,
    CaseRejected,
    Consent,
    DeclaredAssets,
    HouseholdMember,
    Payee,
)
from socialaid.core.crypto import FieldCipher
from socialaid.core.errors import RuleViolation
from socialaid.db import UnitOfWork
from socialaid.events.outbox import add_event
from socialaid.intake.config import Settings
from socialaid.intake.domain.case import CaseStatus, check_transition, next_month
from socialaid.intake.repository import IntakeRepository
from socialaid.intake.schemas import AcceptIn, ApproveIn, RejectIn
from socialaid.intake.use_cases.applications import SOURCE


async def _transition(
    repo: IntakeRepository,
    row: RowMapping,
    target: CaseStatus,
    actor: str,
    note: str | None,
    **values: Any,
) -> None:
    check_transition(row["status"], target)
    await repo.update_case(row["id"], row["version"], status=target.value, **values)
    await repo.add_history(
        case_id=row["id"], from_status=row["status"], to_status=target.value, actor=actor, note=note
    )


async def accept_case(
    uow: UnitOfWork, *, case_id: str, data: AcceptIn, settings: Settings
) -> dict[str, Any]:
    repo = IntakeRepository(uow.session)
    row = await repo.get_case(case_id, for_update=True)
    app = await repo.get_application(str(row["application_id"]))
    members = await repo.list_members(row["application_id"])
    now = dt.datetime.now(dt.UTC)
    benefit_month = next_month(now.date())
    await _transition(
        repo, row, CaseStatus.ACCEPTED, data.actor, data.note, benefit_month=benefit_month
    )
    cipher = FieldCipher(settings.pii_encryption_key)
    await add_event(
        uow.session,
        CaseAccepted(
            case_id=str(row["id"]),
            application_id=str(row["application_id"]),
            programme=row["programme"],
            region_code=row["region_code"],
            benefit_month=benefit_month,
            consent=Consent(
                signed=app["consent_signed"],
                signed_on=app["consent_signed_on"],
                scope=list(app["consent_scope"]),
            ),
            members=[
                HouseholdMember(
                    member_id=str(m["id"]),
                    name=m["name"],
                    id_number=cipher.decrypt(m["id_number_encrypted"]),
                    relationship=m["relationship"],
                    birth_date=m["birth_date"],
                    disability_grade=m["disability_grade"],
                    serious_illness=m["serious_illness"],
                    labour_capacity=m["labour_capacity"],
                    declared_monthly_income=m["declared_monthly_income"],
                )
                for m in members
            ],
            declared_assets=DeclaredAssets(**app["declared_assets"]),
            accepted_at=now,
        ),
        source=SOURCE,
    )
    return {"case_id": case_id, "status": CaseStatus.ACCEPTED.value, "benefit_month": benefit_month}


async def approve_case(uow: UnitOfWork, *, case_id: str, data: ApproveIn) -> dict[str, Any]:
    repo = IntakeRepository(uow.session)
    row = await repo.get_case(case_id, for_update=True)
    check_transition(row["status"], CaseStatus.APPROVED)
    app = await repo.get_application(str(row["application_id"]))
    if not app["payee"]:
        raise RuleViolation(
            "The application has no payee account; benefits are paid to an account (R-PA-01).",
            code="payee_missing",
        )
    proposal = row["proposal"] or {}
    if not proposal.get("eligible"):
        raise RuleViolation(
            "The assessment found the household not eligible; approve only an eligible proposal.",
            code="not_eligible",
        )
    members = await repo.list_members(row["application_id"])
    now = dt.datetime.now(dt.UTC)
    await _transition(
        repo,
        row,
        CaseStatus.APPROVED,
        data.actor,
        data.note,
        monthly_amount=data.monthly_amount,
        start_month=data.start_month,
    )
    await add_event(
        uow.session,
        CaseApproved(
            case_id=str(row["id"]),
            application_id=str(row["application_id"]),
            programme=row["programme"],
            region_code=row["region_code"],
            monthly_amount=data.monthly_amount,
            start_month=data.start_month,
            payee=Payee(**app["payee"]),
            household_size=len(members),
            approved_at=now,
        ),
        source=SOURCE,
    )
    return {
        "case_id": case_id,
        "status": CaseStatus.APPROVED.value,
        "monthly_amount": str(data.monthly_amount),
        "start_month": data.start_month,
    }


async def reject_case(uow: UnitOfWork, *, case_id: str, data: RejectIn) -> dict[str, Any]:
    repo = IntakeRepository(uow.session)
    row = await repo.get_case(case_id, for_update=True)
    now = dt.datetime.now(dt.UTC)
    await _transition(
        repo,
        row,
        CaseStatus.REJECTED,
        data.actor,
        "; ".join(data.reasons),
        decision_reasons=data.reasons,
    )
    await add_event(
        uow.session,
        CaseRejected(
            case_id=str(row["id"]),
            application_id=str(row["application_id"]),
            programme=row["programme"],
            region_code=row["region_code"],
            reasons=data.reasons,
            rejected_at=now,
        ),
        source=SOURCE,
    )
    return {"case_id": case_id, "status": CaseStatus.REJECTED.value, "reasons": data.reasons}


async def read_case(uow: UnitOfWork, *, case_id: str) -> dict[str, Any]:
    repo = IntakeRepository(uow.session)
    row = await repo.get_case(case_id)
    members = await repo.list_members(row["application_id"])
    history = await repo.list_history(row["id"])
    return {
        "case_id": str(row["id"]),
        "application_id": str(row["application_id"]),
        "programme": row["programme"],
        "region_code": row["region_code"],
        "status": row["status"],
        "version": row["version"],
        "benefit_month": row["benefit_month"],
        "proposal": row["proposal"],
        "verification": row["verification"],
        "monthly_amount": row["monthly_amount"],
        "start_month": row["start_month"],
        "decision_reasons": row["decision_reasons"],
        "members": [
            {
                "member_id": str(m["id"]),
                "name": m["name"],
                "id_number_masked": m["id_number_masked"],
                "relationship": m["relationship"],
                "birth_date": m["birth_date"],
                "disability_grade": m["disability_grade"],
                "serious_illness": m["serious_illness"],
                "labour_capacity": m["labour_capacity"],
                "declared_monthly_income": m["declared_monthly_income"],
            }
            for m in members
        ],
        "history": [
            {
                "from_status": h["from_status"],
                "to_status": h["to_status"],
                "actor": h["actor"],
                "note": h["note"],
                "at": h["at"],
            }
            for h in history
        ],
    }
