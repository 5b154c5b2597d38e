"""The ``*Read`` answers built from stored records."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from socialaid.intake.domain.case import Case
from socialaid.intake.domain.records import CaseHistoryRecord, Member
from socialaid.intake.schemas import CaseRead, MemberRead, StatusChange


def _jsonb_order(value: Any) -> Any:
    """A document with its keys in PostgreSQL's JSONB order (shorter keys first, then bytewise),
    the order in which these documents were always answered as read back from the database."""
    if isinstance(value, dict):
        ordered = sorted(value.items(), key=lambda kv: (len(kv[0].encode()), kv[0].encode()))
        return {k: _jsonb_order(v) for k, v in ordered}
    if isinstance(value, list):
        return [_jsonb_order(v) for v in value]
    return value


def case_read(
    case: Case, members: Sequence[Member], history: Sequence[CaseHistoryRecord]
) -> CaseRead:
    return CaseRead(
        case_id=case.id,
        application_id=case.application_id,
        programme=case.programme,
        region_code=case.region_code,
        status=case.status.value,
        version=case.version,
        benefit_month=case.benefit_month,
        proposal=None if case.proposal is None else _jsonb_order(case.proposal.to_document()),
        verification=(
            None if case.verification is None else _jsonb_order(case.verification.to_document())
        ),
        monthly_amount=case.monthly_amount,
        start_month=case.start_month,
        decision_reasons=None if case.decision_reasons is None else list(case.decision_reasons),
        members=[
            MemberRead(
                member_id=m.id,
                name=m.name,
                id_number_masked=m.id_number_masked,
                relationship=m.relationship,
                birth_date=m.birth_date,
                disability_grade=m.disability_grade,
                serious_illness=m.serious_illness,
                labour_capacity=m.labour_capacity,
                declared_monthly_income=m.declared_monthly_income,
            )
            for m in members
        ],
        history=[
            StatusChange(
                from_status=h.from_status,
                to_status=h.to_status,
                actor=h.actor,
                note=h.note,
                at=h.at,
            )
            for h in history
        ],
    )
