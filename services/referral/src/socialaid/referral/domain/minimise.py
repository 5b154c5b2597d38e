"""What a department may see of an event: data minimisation (pure logic).

Departments never receive clear ID numbers, full names or bank accounts; each
event type keeps an explicit list of fields and everything else is dropped.
"""

from __future__ import annotations

from typing import Any

from socialaid.contracts.events import (
    CaseAccepted,
    CaseApproved,
    CaseAssessed,
    CaseEnrolled,
    CaseRejected,
    CaseSubmitted,
    ReferralCompleted,
    ReferralCreated,
)
from socialaid.core.masking import mask_id_number, mask_name

_CASE = ("case_id", "application_id", "programme", "region_code")
_KEEP: dict[str, tuple[str, ...]] = {
    CaseSubmitted.TYPE: (*_CASE, "channel", "household_size", "submitted_at"),
    CaseAccepted.TYPE: (*_CASE, "benefit_month", "accepted_at"),
    CaseAssessed.TYPE: (*_CASE, "assessment_id", "eligible", "proposed_amount"),
    CaseApproved.TYPE: (*_CASE, "monthly_amount", "start_month", "household_size", "approved_at"),
    CaseRejected.TYPE: (*_CASE, "reasons", "rejected_at"),
    CaseEnrolled.TYPE: (*_CASE, "first_payment_month", "enrolled_at"),
    ReferralCreated.TYPE: (
        "referral_id",
        "case_id",
        "department_code",
        "reason",
        "due_at",
        "created_at",
    ),
    ReferralCompleted.TYPE: (
        "referral_id",
        "case_id",
        "department_code",
        "outcome",
        "assistance_given",
        "amount",
        "reported_at",
    ),
}


def masked_member(member: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": mask_name(str(member.get("name", ""))),
        "id_number": mask_id_number(str(member.get("id_number", ""))),
        "relationship": member.get("relationship"),
    }


def minimise(event_type: str, data: dict[str, Any]) -> dict[str, Any]:
    """The department view of an event's data (ValueError for a type without a rule)."""
    keep = _KEEP.get(event_type)
    if keep is None:
        raise ValueError(f"no minimisation rule for {event_type}")
    out = {k: data[k] for k in keep if k in data}
    if event_type == CaseAccepted.TYPE:
        members = [m for m in data.get("members", []) if isinstance(m, dict)]
        out["household_size"] = len(members)
        out["members"] = [masked_member(m) for m in members]
    return out


def webhook_body(
    *,
    event_id: str,
    event_type: str,
    source: str,
    subject: str | None,
    time: str,
    data: dict[str, Any],
) -> dict[str, Any]:
    """The JSON a department receives (pushed or pulled): envelope attributes + minimised data."""
    return {
        "id": event_id,
        "type": event_type,
        "source": source,
        "subject": subject,
        "time": time,
        "data": minimise(event_type, data),
    }
