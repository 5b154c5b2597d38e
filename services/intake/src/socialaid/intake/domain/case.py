"""The case state machine (pure logic)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from socialaid.core.errors import Conflict


class CaseStatus(StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    VERIFICATION_FAILED = "verification_failed"
    ASSESSED = "assessed"
    APPROVED = "approved"
    REJECTED = "rejected"
    ENROLLED = "enrolled"


S = CaseStatus
TRANSITIONS: dict[CaseStatus, frozenset[CaseStatus]] = {
    S.SUBMITTED: frozenset({S.ACCEPTED, S.REJECTED}),
    S.ACCEPTED: frozenset({S.ASSESSED, S.VERIFICATION_FAILED, S.REJECTED}),
    S.VERIFICATION_FAILED: frozenset({S.REJECTED}),
    S.ASSESSED: frozenset({S.APPROVED, S.REJECTED, S.ASSESSED}),
    S.APPROVED: frozenset({S.ENROLLED}),
    S.REJECTED: frozenset(),
    S.ENROLLED: frozenset(),
}


def check_transition(current: str, target: CaseStatus) -> None:
    if target not in TRANSITIONS[CaseStatus(current)]:
        raise Conflict(
            f"A case in status '{current}' cannot become '{target.value}'.",
            code="invalid_case_transition",
            extra={"current_status": current, "requested_status": target.value},
        )


def next_month(day: dt.date) -> str:
    """The month after ``day`` as YYYY-MM (payment starts the month after the decision)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return f"{year:04d}-{month:02d}"


def age_on(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
