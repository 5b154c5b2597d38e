"""Queries over intake tables, answering with typed records. Never commits."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Row, String, func, insert, literal, null, select, update
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from socialaid.contracts.events import DeclaredAssets, Programme
from socialaid.core.errors import Conflict, NotFound
from socialaid.db.records import parse_uuid
from socialaid.intake.db import (
    application,
    case,
    case_person,
    case_status_history,
    household_member,
)
from socialaid.intake.domain.case import Case, CaseChange, CaseStatus
from socialaid.intake.domain.enrolment import MONTHLY_PROGRAMMES, holds_people
from socialaid.intake.domain.records import (
    Application,
    CaseHistoryRecord,
    CaseListing,
    CaseOfApplication,
    Member,
    Proposal,
    StoredPayee,
    Verification,
)


def _application(row: Row[Any]) -> Application:
    return Application(
        id=str(row.id),
        region_code=row.region_code,
        channel=row.channel,
        received_by=row.received_by,
        consent_signed=row.consent_signed,
        consent_signed_on=row.consent_signed_on,
        consent_scope=tuple(row.consent_scope),
        declared_assets=DeclaredAssets.model_validate(row.declared_assets),
        payee=None if row.payee is None else StoredPayee.from_document(row.payee),
        created_at=row.created_at,
    )


def _member(row: Row[Any]) -> Member:
    return Member(
        id=str(row.id),
        application_id=str(row.application_id),
        position=row.position,
        name=row.name,
        id_number_hash=row.id_number_hash,
        id_number_encrypted=row.id_number_encrypted,
        id_number_masked=row.id_number_masked,
        relationship=row.relationship,
        birth_date=row.birth_date,
        disability_grade=row.disability_grade,
        serious_illness=row.serious_illness,
        labour_capacity=row.labour_capacity,
        declared_monthly_income=row.declared_monthly_income,
    )


def _case(row: Row[Any]) -> Case:
    return Case(
        id=str(row.id),
        application_id=str(row.application_id),
        programme=cast(Programme, row.programme),
        region_code=row.region_code,
        status=CaseStatus(row.status),
        version=row.version,
        benefit_month=row.benefit_month,
        assessment_id=row.assessment_id,
        proposal=None if row.proposal is None else Proposal.from_document(row.proposal),
        verification=(
            None if row.verification is None else Verification.from_document(row.verification)
        ),
        monthly_amount=row.monthly_amount,
        start_month=row.start_month,
        decision_reasons=None if row.decision_reasons is None else tuple(row.decision_reasons),
    )


def _case_values(c: Case) -> dict[str, Any]:
    """The columns a change may set (everything but the identity and the timestamps)."""
    return {
        "status": c.status.value,
        "version": c.version,
        "benefit_month": c.benefit_month,
        "assessment_id": c.assessment_id,
        # null(), not None: a JSONB column would store None as the JSON document 'null'
        "proposal": null() if c.proposal is None else c.proposal.to_document(),
        "verification": null() if c.verification is None else c.verification.to_document(),
        "monthly_amount": c.monthly_amount,
        "start_month": c.start_month,
        "decision_reasons": None if c.decision_reasons is None else list(c.decision_reasons),
    }


class IntakeRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def add_application(self, app: Application, members: Sequence[Member]) -> None:
        await self.session.execute(
            insert(application).values(
                id=uuid.UUID(app.id),
                region_code=app.region_code,
                channel=app.channel,
                received_by=app.received_by,
                consent_signed=app.consent_signed,
                consent_signed_on=app.consent_signed_on,
                consent_scope=list(app.consent_scope),
                declared_assets=app.declared_assets.model_dump(mode="json"),
                payee=null() if app.payee is None else app.payee.to_document(),
                created_at=app.created_at,
            )
        )
        if members:
            await self.session.execute(
                insert(household_member),
                [
                    {
                        "id": uuid.UUID(m.id),
                        "application_id": uuid.UUID(m.application_id),
                        "position": m.position,
                        "name": m.name,
                        "id_number_hash": m.id_number_hash,
                        "id_number_encrypted": m.id_number_encrypted,
                        "id_number_masked": m.id_number_masked,
                        "relationship": m.relationship,
                        "birth_date": m.birth_date,
                        "disability_grade": m.disability_grade,
                        "serious_illness": m.serious_illness,
                        "labour_capacity": m.labour_capacity,
                        "declared_monthly_income": m.declared_monthly_income,
                    }
                    for m in members
                ],
            )

    async def save_case(self, change: CaseChange) -> None:
        """Persist a change decided by the case aggregate, with its history entry.

        A new case is inserted; an existing one is updated only if its stored version is
        still the one the decision was taken on (409 ``stale_case`` otherwise)."""
        new = change.case
        case_id = uuid.UUID(new.id)
        if change.expected_version is None:
            await self.session.execute(
                insert(case).values(
                    id=case_id,
                    application_id=uuid.UUID(new.application_id),
                    programme=new.programme,
                    region_code=new.region_code,
                    **_case_values(new),
                )
            )
        else:
            res = await self.session.execute(
                update(case)
                .where(case.c.id == case_id, case.c.version == change.expected_version)
                .values(updated_at=func.now(), **_case_values(new))
            )
            if cast(CursorResult[Any], res).rowcount != 1:
                raise Conflict("The case changed meanwhile; reload and retry.", code="stale_case")
        await self._hold_people(change)
        if change.history is not None:
            h = change.history
            await self.session.execute(
                insert(case_status_history).values(
                    case_id=case_id,
                    from_status=None if h.from_status is None else h.from_status.value,
                    to_status=h.to_status.value,
                    actor=h.actor,
                    note=h.note,
                )
            )

    async def _hold_people(self, change: CaseChange) -> None:
        """Keep ``case_person`` in step with the case: a new open monthly case holds its
        household's people (409 ``open_case_exists`` when one is already held by another open
        case of the programme); a closed case lets them go."""
        new = change.case
        if new.programme not in MONTHLY_PROGRAMMES:
            return
        case_id = uuid.UUID(new.id)
        if change.expected_version is not None:
            if not holds_people(new.programme, new.status):
                await self.session.execute(
                    update(case_person).where(case_person.c.case_id == case_id).values(open=False)
                )
            return
        await self._refuse_held(new.application_id, new.programme)
        people = select(
            literal(case_id, UUID(as_uuid=True)),
            household_member.c.id_number_hash,
            literal(new.programme, String(30)),
        ).where(household_member.c.application_id == uuid.UUID(new.application_id))
        try:
            async with self.session.begin_nested():
                await self.session.execute(
                    insert(case_person).from_select(
                        ["case_id", "person_hash", "programme"], people.distinct()
                    )
                )
        except IntegrityError:  # a concurrent submission took the person first
            await self._refuse_held(new.application_id, new.programme)
            raise

    async def _refuse_held(self, application_id: str, programme: str) -> None:
        held = (
            await self.session.execute(
                select(case_person.c.case_id)
                .join(
                    household_member,
                    household_member.c.id_number_hash == case_person.c.person_hash,
                )
                .where(
                    household_member.c.application_id == uuid.UUID(application_id),
                    case_person.c.programme == programme,
                    case_person.c.open,
                )
                .limit(1)
            )
        ).scalar_one_or_none()
        if held is not None:
            raise Conflict(
                f"A person of this household is already in the open {programme} case {held}; "
                "one person has one open case per monthly programme.",
                code="open_case_exists",
                extra={"existing_case_id": str(held), "programme": programme},
            )

    async def get_application(self, application_id: str) -> Application:
        row = (
            await self.session.execute(
                select(application).where(
                    application.c.id == parse_uuid(application_id, "application")
                )
            )
        ).first()
        if row is None:
            raise NotFound(f"No application {application_id}.")
        return _application(row)

    async def get_case(self, case_id: str, *, for_update: bool = False) -> Case:
        q = select(case).where(case.c.id == parse_uuid(case_id, "case"))
        if for_update:
            q = q.with_for_update()
        row = (await self.session.execute(q)).first()
        if row is None:
            raise NotFound(f"No case {case_id}.")
        return _case(row)

    async def list_cases_of_application(self, application_id: str) -> list[CaseOfApplication]:
        rows = await self.session.execute(
            select(case.c.id, case.c.programme, case.c.status)
            .where(case.c.application_id == parse_uuid(application_id, "application"))
            .order_by(case.c.programme)
        )
        return [
            CaseOfApplication(id=str(r.id), programme=r.programme, status=r.status) for r in rows
        ]

    async def list_members(self, application_id: str) -> list[Member]:
        rows = await self.session.execute(
            select(household_member)
            .where(household_member.c.application_id == parse_uuid(application_id, "application"))
            .order_by(household_member.c.position)
        )
        return [_member(r) for r in rows]

    async def list_history(self, case_id: str) -> list[CaseHistoryRecord]:
        rows = await self.session.execute(
            select(case_status_history)
            .where(case_status_history.c.case_id == parse_uuid(case_id, "case"))
            .order_by(case_status_history.c.id)
        )
        return [
            CaseHistoryRecord(
                from_status=r.from_status,
                to_status=r.to_status,
                actor=r.actor,
                note=r.note,
                at=r.at,
            )
            for r in rows
        ]

    async def list_cases(
        self, *, region_code: str | None, status: str | None, limit: int, offset: int
    ) -> list[CaseListing]:
        q = select(
            case.c.id,
            case.c.application_id,
            case.c.programme,
            case.c.region_code,
            case.c.status,
            case.c.monthly_amount,
            case.c.updated_at,
        ).order_by(case.c.created_at.desc(), case.c.id)
        if region_code:
            q = q.where(case.c.region_code == region_code)
        if status:
            q = q.where(case.c.status == status)
        rows = await self.session.execute(q.limit(limit).offset(offset))
        return [
            CaseListing(
                id=str(r.id),
                application_id=str(r.application_id),
                programme=r.programme,
                region_code=r.region_code,
                status=r.status,
                monthly_amount=r.monthly_amount,
                updated_at=r.updated_at,
            )
            for r in rows
        ]
