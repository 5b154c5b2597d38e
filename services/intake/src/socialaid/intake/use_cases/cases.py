"""Case decisions taken by caseworkers, and reading cases (R-IN-02, R-IN-08)."""

from __future__ import annotations

import datetime as dt

from socialaid.contracts.events import Consent, HouseholdMember, Payee
from socialaid.core.crypto import FieldCipher
from socialaid.intake.config import Settings
from socialaid.intake.domain.case import CaseStatus
from socialaid.intake.domain.records import Member, StoredPayee
from socialaid.intake.schemas import (
    CaseAccept,
    CaseAcceptanceRead,
    CaseApprovalRead,
    CaseApprove,
    CaseListItemRead,
    CaseRead,
    CaseReject,
    CaseRejectionRead,
)
from socialaid.intake.use_cases.ports import IntakeUnitOfWork, apply_change
from socialaid.intake.use_cases.read_models import case_read


def _household_member(m: Member, cipher: FieldCipher) -> HouseholdMember:
    return HouseholdMember(
        member_id=m.id,
        name=m.name,
        id_number=cipher.decrypt(m.id_number_encrypted),
        relationship=m.relationship,
        birth_date=m.birth_date,
        disability_grade=m.disability_grade,
        serious_illness=m.serious_illness,
        labour_capacity=m.labour_capacity,
        declared_monthly_income=m.declared_monthly_income,
    )


def _payee(p: StoredPayee, cipher: FieldCipher) -> Payee:
    """The account in clear for the ``case.approved`` event (payments pays to it)."""
    return Payee(
        account_name=p.account_name,
        account_number=cipher.decrypt(p.account_number_encrypted),
        bank_code=p.bank_code,
    )


async def accept_case(
    uow: IntakeUnitOfWork, *, case_id: str, data: CaseAccept, settings: Settings
) -> CaseAcceptanceRead:
    case = await uow.store.get_case(case_id, for_update=True)
    app = await uow.store.get_application(case.application_id)
    members = await uow.store.list_members(case.application_id)
    cipher = FieldCipher(settings.pii_encryption_key)
    change = case.accept(
        actor=data.actor,
        note=data.note,
        consent=Consent(
            signed=app.consent_signed,
            signed_on=app.consent_signed_on,
            scope=list(app.consent_scope),
        ),
        members=[_household_member(m, cipher) for m in members],
        declared_assets=app.declared_assets,
        at=dt.datetime.now(dt.UTC),
    )
    await apply_change(uow, change)
    assert change.case.benefit_month is not None  # set by accept()
    return CaseAcceptanceRead(
        case_id=case_id, status=change.case.status.value, benefit_month=change.case.benefit_month
    )


async def approve_case(
    uow: IntakeUnitOfWork, *, case_id: str, data: CaseApprove, settings: Settings
) -> CaseApprovalRead:
    case = await uow.store.get_case(case_id, for_update=True)
    app = await uow.store.get_application(case.application_id)
    members = await uow.store.list_members(case.application_id)
    change = case.approve(
        actor=data.actor,
        note=data.note,
        monthly_amount=data.monthly_amount,
        start_month=data.start_month,
        payee=None
        if app.payee is None
        else _payee(app.payee, FieldCipher(settings.pii_encryption_key)),
        household_size=len(members),
        at=dt.datetime.now(dt.UTC),
        reduction_reason=data.reduction_reason,
        beneficiaries=[m.id_number_hash for m in members],
    )
    await apply_change(uow, change)
    assert change.case.proposal is not None  # approve() refuses a case without one
    return CaseApprovalRead(
        case_id=case_id,
        status=change.case.status.value,
        monthly_amount=data.monthly_amount,
        start_month=data.start_month,
        assessed_amount=change.case.proposal.amount,
        reduction_reason=data.reduction_reason,
    )


async def reject_case(
    uow: IntakeUnitOfWork, *, case_id: str, data: CaseReject
) -> CaseRejectionRead:
    case = await uow.store.get_case(case_id, for_update=True)
    change = case.reject(actor=data.actor, reasons=data.reasons, at=dt.datetime.now(dt.UTC))
    await apply_change(uow, change)
    return CaseRejectionRead(case_id=case_id, status=change.case.status.value, reasons=data.reasons)


async def read_case(uow: IntakeUnitOfWork, *, case_id: str) -> CaseRead:
    case = await uow.store.get_case(case_id)
    members = await uow.store.list_members(case.application_id)
    history = await uow.store.list_history(case.id)
    return case_read(case, members, history)


async def list_cases(
    uow: IntakeUnitOfWork,
    *,
    region_code: str | None,
    status: CaseStatus | None,
    limit: int,
    offset: int,
) -> list[CaseListItemRead]:
    rows = await uow.store.list_cases(
        region_code=region_code,
        status=None if status is None else status.value,
        limit=limit,
        offset=offset,
    )
    return [
        CaseListItemRead(
            id=r.id,
            application_id=r.application_id,
            programme=r.programme,
            region_code=r.region_code,
            status=r.status,
            monthly_amount=r.monthly_amount,
            updated_at=r.updated_at,
        )
        for r in rows
    ]
