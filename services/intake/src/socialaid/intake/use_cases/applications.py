"""Submitting an application: one case per requested programme (R-IN-01, R-IN-04, R-IN-05)."""

from __future__ import annotations

import datetime as dt

from socialaid.contracts.events import DeclaredAssets
from socialaid.core.crypto import FieldCipher
from socialaid.core.ids import keyed_hash, uuid7
from socialaid.core.masking import mask_account_number, mask_id_number
from socialaid.intake.config import Settings
from socialaid.intake.domain.case import Case
from socialaid.intake.domain.records import Application, Member, StoredPayee
from socialaid.intake.schemas import (
    ApplicationCreate,
    ApplicationRead,
    CaseSummary,
    PayeeCreate,
    SubmittedApplicationRead,
)
from socialaid.intake.use_cases.ports import IntakeUnitOfWork, apply_change


def _stored_payee(payee: PayeeCreate, cipher: FieldCipher) -> StoredPayee:
    """The account number encrypted at rest and masked for answers, never kept in clear."""
    return StoredPayee(
        account_name=payee.account_name,
        account_number_encrypted=cipher.encrypt(payee.account_number),
        account_number_masked=mask_account_number(payee.account_number),
        bank_code=payee.bank_code,
    )


async def submit_application(
    uow: IntakeUnitOfWork, *, data: ApplicationCreate, settings: Settings
) -> SubmittedApplicationRead:
    cipher = FieldCipher(settings.pii_encryption_key)
    now = dt.datetime.now(dt.UTC)
    app = Application(
        id=str(uuid7()),
        region_code=data.region_code,
        channel=data.channel,
        received_by=data.received_by,
        consent_signed=data.consent.signed,
        consent_signed_on=data.consent.signed_on,
        consent_scope=tuple(data.consent.scope),
        declared_assets=DeclaredAssets.model_validate(data.declared_assets.model_dump()),
        payee=None if data.payee is None else _stored_payee(data.payee, cipher),
        created_at=now,
    )
    members = [
        Member(
            id=str(uuid7()),
            application_id=app.id,
            position=i,
            name=m.name,
            id_number_hash=keyed_hash(m.id_number, settings.pii_hash_key),
            id_number_encrypted=cipher.encrypt(m.id_number),
            id_number_masked=mask_id_number(m.id_number),
            relationship=m.relationship,
            birth_date=m.birth_date,
            disability_grade=m.disability_grade,
            serious_illness=m.serious_illness,
            labour_capacity=m.labour_capacity,
            declared_monthly_income=m.declared_monthly_income,
        )
        for i, m in enumerate(data.members)
    ]
    await uow.store.add_application(app, members)
    cases: list[CaseSummary] = []
    for programme in data.programmes:
        change = Case.submit(
            case_id=str(uuid7()),
            application_id=app.id,
            programme=programme,
            region_code=data.region_code,
            channel=data.channel,
            received_by=data.received_by,
            household_size=len(members),
            at=now,
        )
        await apply_change(uow, change)
        cases.append(
            CaseSummary(
                case_id=change.case.id, programme=programme, status=change.case.status.value
            )
        )
    return SubmittedApplicationRead(
        application_id=app.id,
        region_code=app.region_code,
        channel=app.channel,
        received_by=app.received_by,
        created_at=now,
        cases=cases,
    )


async def read_application(uow: IntakeUnitOfWork, *, application_id: str) -> ApplicationRead:
    app = await uow.store.get_application(application_id)
    cases = await uow.store.list_cases_of_application(app.id)
    return ApplicationRead(
        application_id=app.id,
        region_code=app.region_code,
        channel=app.channel,
        received_by=app.received_by,
        created_at=app.created_at,
        cases=[CaseSummary(case_id=c.id, programme=c.programme, status=c.status) for c in cases],
    )
