"""The case aggregate: each command checks the procedure and returns the change it makes.

A command never touches the database. It answers with a :class:`CaseChange`: the new
stored state, the status-history entry to record and the events to publish; the caller
persists all three in one transaction. An event that arrives for a case that has
already moved on (a later decision superseded it) yields ``None``: nothing to do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TypedDict

from socialaid.contracts.base import Contract
from socialaid.contracts.events import (
    AssessmentCompleted,
    CaseAccepted,
    CaseApproved,
    CaseAssessed,
    CaseEnrolled,
    CaseRejected,
    CaseSubmitted,
    Consent,
    DeclaredAssets,
    HouseholdMember,
    Payee,
    PaymentSettled,
    Programme,
    VerificationCompleted,
    VerificationFailed,
)
from socialaid.core.errors import RuleViolation
from socialaid.intake.domain.approval import (
    ReductionReason,
    approval_note,
    check_approved_amount,
)
from socialaid.intake.domain.records import Proposal, Verification
from socialaid.intake.domain.status import (
    TRANSITIONS,
    CaseStatus,
    can_become,
    check_transition,
)


class _CaseEventHeader(TypedDict):
    case_id: str
    application_id: str
    programme: Programme
    region_code: str


SYSTEM = "system"
"""The actor of changes made by events from other services."""

__all__ = [
    "SYSTEM",
    "TRANSITIONS",
    "Case",
    "CaseChange",
    "CaseHistoryEntry",
    "CaseStatus",
    "ReductionReason",
    "age_on",
    "check_transition",
    "next_month",
]


def next_month(day: dt.date) -> str:
    """The month after ``day`` as YYYY-MM (payment starts the month after the decision)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return f"{year:04d}-{month:02d}"


def age_on(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


@dataclass(frozen=True, slots=True)
class CaseHistoryEntry:
    """The status-history row a change records (who moved the case, from what to what, why)."""

    from_status: CaseStatus | None
    to_status: CaseStatus
    actor: str
    note: str | None


@dataclass(frozen=True, slots=True)
class CaseChange:
    """What a command decided: persist ``case`` (if the stored version is still
    ``expected_version``; ``None`` for a new case), record ``history`` and publish ``events``."""

    case: Case
    expected_version: int | None
    history: CaseHistoryEntry | None
    events: tuple[Contract, ...]


@dataclass(frozen=True, slots=True)
class Case:
    """One programme's case of an application (案件), as stored."""

    id: str
    application_id: str
    programme: Programme
    region_code: str
    status: CaseStatus
    version: int
    benefit_month: str | None = None
    assessment_id: str | None = None
    proposal: Proposal | None = None
    verification: Verification | None = None
    monthly_amount: Decimal | None = None
    start_month: str | None = None
    decision_reasons: tuple[str, ...] | None = None

    # --- creation -----------------------------------------------------------------------

    @classmethod
    def submit(
        cls,
        *,
        case_id: str,
        application_id: str,
        programme: Programme,
        region_code: str,
        channel: str,
        received_by: str,
        household_size: int,
        at: dt.datetime,
    ) -> CaseChange:
        """A new case in status ``submitted``, received by ``received_by`` (R-IN-01, R-IN-03)."""
        case = cls(
            id=case_id,
            application_id=application_id,
            programme=programme,
            region_code=region_code,
            status=CaseStatus.SUBMITTED,
            version=1,
        )
        return CaseChange(
            case=case,
            expected_version=None,
            history=CaseHistoryEntry(None, CaseStatus.SUBMITTED, received_by, f"channel={channel}"),
            events=(
                CaseSubmitted(
                    **case._header(),
                    channel=channel,
                    household_size=household_size,
                    submitted_at=at,
                ),
            ),
        )

    # --- caseworkers' decisions (refused with 409/422 when not allowed) -----------------

    def accept(
        self,
        *,
        actor: str,
        note: str | None,
        consent: Consent,
        members: Sequence[HouseholdMember],
        declared_assets: DeclaredAssets,
        at: dt.datetime,
    ) -> CaseChange:
        """The window accepts the case; benefits run from the next month (R-IN-02)."""
        check_transition(self.status, CaseStatus.ACCEPTED)
        benefit_month = next_month(at.date())
        return self._become(
            CaseStatus.ACCEPTED,
            actor,
            note,
            replace(self, benefit_month=benefit_month),
            CaseAccepted(
                **self._header(),
                benefit_month=benefit_month,
                consent=consent,
                members=list(members),
                declared_assets=declared_assets,
                accepted_at=at,
            ),
        )

    def approve(
        self,
        *,
        actor: str,
        note: str | None,
        monthly_amount: Decimal,
        start_month: str,
        payee: Payee | None,
        household_size: int,
        at: dt.datetime,
        reduction_reason: ReductionReason | None = None,
        beneficiaries: Sequence[str] | None = None,
    ) -> CaseChange:
        """County approval of an eligible proposal, paid to the payee's account (R-IN-08).

        The amount is at most the assessed one; a lower amount needs a reason from
        :class:`ReductionReason` (R-CA-12). The assessed amount and the reason are recorded in
        the history note, the reason in ``decision_reasons`` and both in the event.
        ``beneficiaries`` are the keyed ID hashes of the household roster, carried by the event
        so payments can refuse paying one person twice in a month (never the clear numbers)."""
        check_transition(self.status, CaseStatus.APPROVED)
        if payee is None:
            raise RuleViolation(
                "The application has no payee account; benefits are paid to an account (R-PA-01).",
                code="payee_missing",
            )
        if self.proposal is None or not self.proposal.eligible:
            raise RuleViolation(
                "The assessment found the household not eligible; approve only an eligible proposal.",
                code="not_eligible",
            )
        assessed = self.proposal.amount
        check_approved_amount(
            monthly_amount=monthly_amount,
            assessed_amount=assessed,
            reason=reduction_reason,
            note=note,
        )
        return self._become(
            CaseStatus.APPROVED,
            actor,
            approval_note(
                monthly_amount=monthly_amount,
                assessed_amount=assessed,
                assessment_id=self.proposal.assessment_id,
                reason=reduction_reason,
                note=note,
            ),
            replace(
                self,
                monthly_amount=monthly_amount,
                start_month=start_month,
                decision_reasons=None if reduction_reason is None else (reduction_reason.value,),
            ),
            CaseApproved(
                **self._header(),
                monthly_amount=monthly_amount,
                start_month=start_month,
                payee=payee,
                household_size=household_size,
                approved_at=at,
                assessed_amount=assessed,
                reduction_reason=None if reduction_reason is None else reduction_reason.value,
                beneficiaries=None if beneficiaries is None else list(beneficiaries),
            ),
        )

    def reject(self, *, actor: str, reasons: Sequence[str], at: dt.datetime) -> CaseChange:
        """Rejection with written reasons (R-IN-08)."""
        check_transition(self.status, CaseStatus.REJECTED)
        return self._become(
            CaseStatus.REJECTED,
            actor,
            "; ".join(reasons),
            replace(self, decision_reasons=tuple(reasons)),
            CaseRejected(**self._header(), reasons=list(reasons), rejected_at=at),
        )

    # --- other services' results (ignored once superseded) ------------------------------

    def record_verification(self, event: VerificationCompleted) -> CaseChange:
        """Keep the verification findings; the status waits for the assessment."""
        return CaseChange(
            case=replace(self, verification=Verification.of(event), version=self.version + 1),
            expected_version=self.version,
            history=None,
            events=(),
        )

    def fail_verification(self, event: VerificationFailed) -> CaseChange | None:
        if not can_become(self.status, CaseStatus.VERIFICATION_FAILED):
            return None  # a later decision already superseded it
        return self._become(CaseStatus.VERIFICATION_FAILED, SYSTEM, "; ".join(event.reasons), self)

    def assess(self, event: AssessmentCompleted) -> CaseChange | None:
        """Take the assessment as the proposal the county decides on."""
        if not can_become(self.status, CaseStatus.ASSESSED):
            return None  # decided meanwhile: a late assessment changes nothing
        return self._become(
            CaseStatus.ASSESSED,
            SYSTEM,
            f"proposal: eligible={event.eligible} amount={event.amount}",
            replace(self, assessment_id=event.assessment_id, proposal=Proposal.of(event)),
            CaseAssessed(
                **self._header(),
                assessment_id=event.assessment_id,
                eligible=event.eligible,
                proposed_amount=event.amount,
            ),
        )

    def enrol(self, event: PaymentSettled, *, at: dt.datetime) -> CaseChange | None:
        """The first settled payment enrols an approved case."""
        if self.status is not CaseStatus.APPROVED:
            return None  # already enrolled: later payments change nothing here
        return self._become(
            CaseStatus.ENROLLED,
            SYSTEM,
            f"first payment settled for {event.month}",
            self,
            CaseEnrolled(**self._header(), first_payment_month=event.month, enrolled_at=at),
        )

    # --- helpers ------------------------------------------------------------------------

    def _header(self) -> _CaseEventHeader:
        return {
            "case_id": self.id,
            "application_id": self.application_id,
            "programme": self.programme,
            "region_code": self.region_code,
        }

    def _become(
        self,
        target: CaseStatus,
        actor: str,
        note: str | None,
        changed: Case,
        *events: Contract,
    ) -> CaseChange:
        return CaseChange(
            case=replace(changed, status=target, version=self.version + 1),
            expected_version=self.version,
            history=CaseHistoryEntry(self.status, target, actor, note),
            events=events,
        )
