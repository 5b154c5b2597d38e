"""API request and response models."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from socialaid.contracts.events import Programme
from socialaid.core.bounds import MONTH_PATTERN
from socialaid.core.money import Money, NonNegativeMoney
from socialaid.core.text import Name
from socialaid.payments.domain.coverage import payroll_region_problem
from socialaid.payments.domain.months import parse_month

YM = MONTH_PATTERN


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PayrollCreate(_In):
    region_code: str = Field(
        pattern=r"^\d{6}$", description="County (its cases) or city (all its counties)"
    )
    programme: Programme = "dibao"
    month: str = Field(pattern=YM, description="Benefit month YYYY-MM")
    actor: Name = "operator"

    @field_validator("region_code")
    @classmethod
    def _known_region(cls, v: str) -> str:
        problem = payroll_region_problem(v)
        if problem:
            raise ValueError(problem)
        return v

    @field_validator("month")
    @classmethod
    def _real_month(cls, v: str) -> str:
        parse_month(v)
        return v


class Skipped(BaseModel):
    """A payable case this payroll does not pay, and why.

    ``already_in_payroll``: the case is paid for the month by another payroll (``payroll_id``).
    ``beneficiary_already_paid``: someone the case pays for is already paid for the programme and
    month through another case (``paid_case_id``, in payroll ``payroll_id``): one person is never
    paid twice in a month, even when one household became two cases.
    """

    case_id: str
    reason: Literal["already_in_payroll", "beneficiary_already_paid"]
    payroll_id: str | None = None
    paid_case_id: str | None = None


class PayrollRead(BaseModel):
    payroll_id: str
    region_code: str
    programme: str
    month: str
    status: Literal["locked", "submitted", "completed"]
    control_count: int
    control_total: NonNegativeMoney
    settled_count: int
    settled_total: NonNegativeMoney
    failed_count: int
    failed_total: NonNegativeMoney
    pending_count: int
    pending_total: NonNegativeMoney
    reconciled: bool = Field(
        description="settled + failed + pending equals the control count and total"
    )
    skipped_count: int
    send_attempts: int
    next_attempt_at: dt.datetime | None
    last_error: str | None
    created_by: str
    locked_at: dt.datetime
    submitted_at: dt.datetime | None
    completed_at: dt.datetime | None


class PayrollCreated(PayrollRead):
    skipped: list[Skipped] = Field(
        default_factory=list,
        description="Cases not paid by this payroll: already in another payroll, or someone they "
        "pay for is already paid for the programme and month through another case",
    )


class Payee(BaseModel):
    account_name: str
    account_number: str = Field(description="Masked: the last four digits only")
    bank_code: str


class PaymentRead(BaseModel):
    payment_id: str
    payroll_id: str
    entitlement_id: str
    case_id: str
    programme: str
    region_code: str
    month: str
    amount: Money
    payee: Payee
    status: Literal["pending", "settled", "failed"]
    bank_reference: str | None
    failure_code: str | None
    failure_reason: str | None
    attempts: int
    version: int
    resolved_at: dt.datetime | None


class EntitlementChange(BaseModel):
    from_version: int
    old_amount: Money
    new_amount: Money
    old_start_month: str
    new_start_month: str
    reason: str
    at: dt.datetime


class EntitlementRead(BaseModel):
    entitlement_id: str
    case_id: str
    programme: str
    region_code: str
    monthly_amount: NonNegativeMoney
    start_month: str
    end_month: str | None
    payee: Payee
    status: Literal["active", "stopped"]
    version: int
    changes: list[EntitlementChange]


class LedgerSummary(BaseModel):
    programme: str | None
    region_code: str | None
    month: str | None
    kind: Literal["disbursement"] = "disbursement"
    entries: int
    total: NonNegativeMoney


class AdjustmentRead(BaseModel):
    adjustment_id: int
    case_id: str
    programme: str
    region_code: str
    kind: Literal["arrears", "recovery"]
    amount: Money
    months: list[str]
    effective_month: str
    previous_amount: Money
    new_amount: Money
    change_id: str
    recalculation_id: str | None
    cause: str
    status: Literal["open", "paid", "recovered"]
    created_at: dt.datetime
