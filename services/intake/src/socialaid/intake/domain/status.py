"""The case procedure: which status may follow which (R-IN-02, R-IN-08)."""

from __future__ import annotations

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


def can_become(current: str, target: CaseStatus) -> bool:
    return target in TRANSITIONS[CaseStatus(current)]


def check_transition(current: str, target: CaseStatus) -> None:
    """Refuse a caseworker's decision the procedure does not allow (409 ``invalid_case_transition``)."""
    if not can_become(current, target):
        raise Conflict(
            f"A case in status '{current}' cannot become '{target.value}'.",
            code="invalid_case_transition",
            extra={"current_status": current, "requested_status": target.value},
        )
