"""Submitting an application: one case per requested programme (R-IN-01, R-IN-04, R-IN-05)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from socialaid.contracts.events import CaseSubmitted
from socialaid.core.crypto import FieldCipher
from socialaid.core.ids import keyed_hash, mask_id_number, uuid7
from socialaid.db import UnitOfWork
from socialaid.events.outbox import add_event
from socialaid.intake.config import Settings
from socialaid.intake.domain.case import CaseStatus
from socialaid.intake.repository import IntakeRepository
from socialaid.intake.schemas import ApplicationCreate

SOURCE = "/socialaid/intake"


async def submit_application(
    uow: UnitOfWork, *, data: ApplicationCreate, settings: Settings
) -> dict[str, Any]:
    repo = IntakeRepository(uow.session)
    cipher = FieldCipher(settings.pii_encryption_key)
    now = dt.datetime.now(dt.UTC)
    app_id = uuid7()
    await repo.add_application(
        id=app_id,
        region_code=data.region_code,
        channel=data.channel,
        received_by=data.received_by,
        consent_signed=data.consent.signed,
        consent_signed_on=data.consent.signed_on,
        consent_scope=data.consent.scope,
        declared_assets=data.declared_assets.model_dump(mode="json"),
        payee=data.payee.model_dump(mode="json") if data.payee else None,
    )
    await repo.add_members(
        [
            {
                "id": uuid7(),
                "application_id": app_id,
                "position": i,
                "name": m.name,
                "id_number_hash": keyed_hash(m.id_number, settings.pii_hash_key),
                "id_number_encrypted": cipher.encrypt(m.id_number),
                "id_number_masked": mask_id_number(m.id_number),
                "relationship": m.relationship,
                "birth_date": m.birth_date,
                "disability_grade": m.disability_grade,
                "serious_illness": m.serious_illness,
                "labour_capacity": m.labour_capacity,
                "declared_monthly_income": m.declared_monthly_income,
            }
            for i, m in enumerate(data.members)
        ]
    )
    cases = []
    for programme in data.programmes:
        case_id = uuid7()
        await repo.add_case(
            id=case_id,
            application_id=app_id,
            programme=programme,
            region_code=data.region_code,
            status=CaseStatus.SUBMITTED.value,
            version=1,
        )
        await repo.add_history(
            case_id=case_id,
            from_status=None,
            to_status=CaseStatus.SUBMITTED.value,
            actor=data.received_by,
            note=f"channel={data.channel}",
        )
        await add_event(
            uow.session,
            CaseSubmitted(
                case_id=str(case_id),
                application_id=str(app_id),
                programme=programme,
                region_code=data.region_code,
                channel=data.channel,
                household_size=len(data.members),
                submitted_at=now,
            ),
            source=SOURCE,
        )
        cases.append(
            {"case_id": str(case_id), "programme": programme, "status": CaseStatus.SUBMITTED.value}
        )
    return {
        "application_id": str(app_id),
        "region_code": data.region_code,
        "channel": data.channel,
        "received_by": data.received_by,
        "created_at": now.isoformat(),
        "cases": cases,
    }
