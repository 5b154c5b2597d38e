"""The amount a county approves is bounded by the assessment (R-IN-08, R-CA-12).

The benefits service's proposal is the most the household is entitled to. The county may
approve exactly that, or less for one of the documented reasons below; never more. What was
approved, against which assessed amount and why, is recorded with the decision.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from socialaid.core.errors import RuleViolation


class ReductionReason(StrEnum):
    """Why an approved monthly amount is below the assessed one: the fixed list.

    - ``household_request``: the household asked for a lower amount.
    - ``partial_month``: the benefit covers only part of the first month.
    - ``income_change_reported``: the household reported an income change after the assessment
      (a full reassessment follows; until then the county pays the lower amount).
    - ``other_support_received``: the household already receives support covering part of the need.
    - ``other``: anything else, explained in the decision's note (mandatory).
    """

    HOUSEHOLD_REQUEST = "household_request"
    PARTIAL_MONTH = "partial_month"
    INCOME_CHANGE_REPORTED = "income_change_reported"
    OTHER_SUPPORT_RECEIVED = "other_support_received"
    OTHER = "other"


REDUCTION_REASONS: tuple[str, ...] = tuple(r.value for r in ReductionReason)


def check_approved_amount(
    *,
    monthly_amount: Decimal,
    assessed_amount: Decimal,
    reason: ReductionReason | None,
    note: str | None,
) -> None:
    """Refuse (422) an amount above the assessed one, a reduction without a reason from the list
    (or ``other`` without a note) and a reason given for an amount that is not reduced."""
    amounts = {"monthly_amount": str(monthly_amount), "assessed_amount": str(assessed_amount)}
    if monthly_amount > assessed_amount:
        raise RuleViolation(
            f"The approved monthly amount {monthly_amount} is above the assessed amount "
            f"{assessed_amount}; approve at most the assessed amount (R-CA-12).",
            code="amount_above_assessment",
            extra=amounts,
        )
    if monthly_amount == assessed_amount:
        if reason is not None:
            raise RuleViolation(
                f"The approved monthly amount {monthly_amount} equals the assessed amount; "
                f"a reduction_reason is given only for a lower amount.",
                code="reduction_reason_without_reduction",
                extra={**amounts, "reduction_reason": reason.value},
            )
        return
    if reason is None:
        raise RuleViolation(
            f"The approved monthly amount {monthly_amount} is below the assessed amount "
            f"{assessed_amount}; give a reduction_reason, one of: {', '.join(REDUCTION_REASONS)} "
            "(R-IN-08).",
            code="reduction_reason_missing",
            extra={**amounts, "allowed_reasons": list(REDUCTION_REASONS)},
        )
    if reason is ReductionReason.OTHER and not (note and note.strip()):
        raise RuleViolation(
            "A reduction for reason 'other' needs a note explaining it (R-IN-08).",
            code="reduction_note_missing",
            extra={**amounts, "reduction_reason": reason.value},
        )


def approval_note(
    *,
    monthly_amount: Decimal,
    assessed_amount: Decimal,
    assessment_id: str,
    reason: ReductionReason | None,
    note: str | None,
) -> str:
    """The history note of an approval: the amount against the assessment, the reason, the note."""
    parts = [
        f"approved {monthly_amount} of assessed {assessed_amount} (assessment {assessment_id})"
    ]
    if reason is not None:
        parts.append(f"reduction: {reason.value}")
    if note:
        parts.append(note)
    return "; ".join(parts)
