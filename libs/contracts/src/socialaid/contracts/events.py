"""Every event type the platform publishes (version 1)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from socialaid.contracts.base import Contract, Topic, register
from socialaid.core.money import Money

Programme = Literal[
    "dibao",
    "tekun",
    "disaster_relief",
    "medical",
    "education",
    "housing",
    "employment",
    "temporary",
    "heating",
]
YearMonth = str  # "YYYY-MM"
_YM = r"^\d{4}-(0[1-9]|1[0-2])$"
PersonHash = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
"""A keyed ID-number hash (``socialaid.core.ids.keyed_hash``: HMAC-SHA256, lowercase hex)."""


class _Part(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)


class HouseholdMember(_Part):
    member_id: str
    name: str
    id_number: str = Field(
        description="GB 11643 citizen ID number (internal topics only; masked for departments)"
    )
    relationship: str
    birth_date: dt.date
    disability_grade: int | None = None
    serious_illness: bool = False
    labour_capacity: str = "full"
    declared_monthly_income: Money = Decimal("0")


class Consent(_Part):
    signed: bool
    signed_on: dt.date | None = None
    scope: list[str] = Field(default_factory=list)


class DeclaredAssets(_Part):
    financial_assets: Money = Decimal("0")
    vehicles: int = 0
    properties: int = 0


class Payee(_Part):
    account_name: str
    account_number: str
    bank_code: str


# ---------------------------------------------------------------- case (intake)
class _CaseEvent(Contract):
    TOPIC = Topic.CASE
    case_id: str
    application_id: str
    programme: Programme
    region_code: str


@register
class CaseSubmitted(_CaseEvent):
    TYPE = "cn.gov.socialaid.case.submitted.v1"
    SUMMARY = "An application became a case for one programme (R-IN-01)."
    channel: str
    household_size: int
    submitted_at: dt.datetime


@register
class CaseAccepted(_CaseEvent):
    TYPE = "cn.gov.socialaid.case.accepted.v1"
    SUMMARY = "The window accepted the case; verification may start (R-IN-02, R-IN-05)."
    benefit_month: YearMonth = Field(pattern=_YM)
    consent: Consent
    members: list[HouseholdMember]
    declared_assets: DeclaredAssets
    accepted_at: dt.datetime


@register
class CaseAssessed(_CaseEvent):
    TYPE = "cn.gov.socialaid.case.assessed.v1"
    SUMMARY = "The assessment's proposal was attached to the case."
    assessment_id: str
    eligible: bool
    proposed_amount: Money


@register
class CaseApproved(_CaseEvent):
    TYPE = "cn.gov.socialaid.case.approved.v1"
    SUMMARY = "The county approved the case with a monthly amount and start month (R-IN-08)."
    monthly_amount: Money
    start_month: YearMonth = Field(pattern=_YM)
    payee: Payee
    household_size: int
    approved_at: dt.datetime
    assessed_amount: Money | None = Field(
        default=None,
        description="The assessed (proposed) amount the approval is bounded by (R-CA-12).",
    )
    reduction_reason: str | None = Field(
        default=None,
        description="Why the approved amount is below the assessed one: household_request, "
        "partial_month, income_change_reported, other_support_received or other (R-IN-08).",
    )
    beneficiaries: list[PersonHash] | None = Field(
        default=None,
        max_length=100,
        description="Keyed hashes (HMAC-SHA256, hex) of the ID numbers of the people the benefit "
        "is for (the household roster), never the clear numbers; payments refuses a second "
        "instruction for one of them in the same programme and month. Absent in older events.",
    )


@register
class CaseRejected(_CaseEvent):
    TYPE = "cn.gov.socialaid.case.rejected.v1"
    SUMMARY = "The case was rejected with written reasons (R-IN-08)."
    reasons: list[str]
    rejected_at: dt.datetime


@register
class CaseEnrolled(_CaseEvent):
    TYPE = "cn.gov.socialaid.case.enrolled.v1"
    SUMMARY = "The first payment of the case settled: the household is enrolled."
    first_payment_month: YearMonth = Field(pattern=_YM)
    enrolled_at: dt.datetime


# ---------------------------------------------------------------- verification
class Discrepancy(_Part):
    item: str
    declared: str
    verified: str


class VerifiedMember(_Part):
    """One member as the household roster and the departments describe them (no ID number)."""

    member_id: str
    relationship: str
    birth_date: dt.date
    alive: bool = True
    disability_grade: int | None = None
    serious_illness: bool = False
    labour_capacity: str = "full"
    employed: bool = False
    income_by_source: dict[str, Money] = Field(default_factory=dict)


@register
class VerificationCompleted(Contract):
    TYPE = "cn.gov.socialaid.verification.completed.v1"
    TOPIC = Topic.VERIFICATION
    SUMMARY = "Department data verified the household's income and assets (R-VE-01, R-VE-02)."
    verification_id: str
    case_id: str
    programme: Programme
    region_code: str
    benefit_month: YearMonth = Field(pattern=_YM)
    household_size: int
    verified_monthly_income: Money
    income_by_source: dict[str, Money] = Field(default_factory=dict)
    financial_assets: Money
    vehicles: int
    properties: int
    deceased_members: int = 0
    discrepancies: list[Discrepancy] = Field(default_factory=list)
    evidence_count: int
    members: list[VerifiedMember] | None = Field(
        default=None,
        description="Per-member facts for the rules (ages, disability, income by source)",
    )
    completed_at: dt.datetime


@register
class VerificationFailed(Contract):
    TYPE = "cn.gov.socialaid.verification.failed.v1"
    TOPIC = Topic.VERIFICATION
    SUMMARY = "Verification could not be done (no consent, department unreachable, ...)."
    verification_id: str
    case_id: str
    programme: Programme
    region_code: str
    reasons: list[str]
    failed_at: dt.datetime


# ---------------------------------------------------------------- benefits
@register
class AssessmentCompleted(Contract):
    TYPE = "cn.gov.socialaid.assessment.completed.v1"
    TOPIC = Topic.ASSESSMENT
    SUMMARY = "A benefit assessment with eligibility, amount and reason codes (R-CA-02, R-CA-12)."
    assessment_id: str
    case_id: str | None = None
    programme: Programme
    region_code: str
    benefit_month: YearMonth = Field(pattern=_YM)
    eligible: bool
    amount: Money
    standard: Money
    per_capita_income: Money
    household_size: int
    reason_codes: list[str]
    rule_set_version: str
    completed_at: dt.datetime


@register
class ParameterPublished(Contract):
    TYPE = "cn.gov.socialaid.parameter.published.v1"
    TOPIC = Topic.PARAMETER
    SUBJECT = "key"
    SUMMARY = "A new version of a policy parameter was recorded (R-CA-01)."
    parameter_id: str
    key: str
    region_code: str
    valid_from: dt.date
    valid_to: dt.date | None = None
    value: str
    source: str
    recorded_at: dt.datetime


@register
class EntitlementChanged(Contract):
    TYPE = "cn.gov.socialaid.entitlement.changed.v1"
    TOPIC = Topic.ENTITLEMENT
    SUMMARY = (
        "A recalculation changed a household's monthly amount from a month on, with the arrears "
        "or overpayment for months already paid (R-CA-01, R-IN-12)."
    )
    change_id: str
    case_id: str
    programme: Programme
    region_code: str
    effective_month: YearMonth = Field(pattern=_YM)
    previous_amount: Money
    new_amount: Money
    months_already_paid: list[YearMonth] = Field(default_factory=list)
    arrears: Money = Field(
        description="Owed to the household for months already paid at the old amount"
    )
    overpayment: Money = Field(description="Paid too much for months already paid; to recover")
    cause: str = Field(description="What changed, e.g. the parameter key and version id")
    recalculation_id: str | None = None
    changed_at: dt.datetime


# ---------------------------------------------------------------- payments
@register
class PayrollLocked(Contract):
    TYPE = "cn.gov.socialaid.payroll.locked.v1"
    TOPIC = Topic.PAYMENT
    SUBJECT = "payroll_id"
    SUMMARY = "A monthly payroll was locked with its control count and total (R-PA-01, R-PA-04)."
    payroll_id: str
    region_code: str
    month: YearMonth = Field(pattern=_YM)
    programme: Programme
    control_count: int
    control_total: Money
    locked_at: dt.datetime


class _PaymentEvent(Contract):
    TOPIC = Topic.PAYMENT
    payment_id: str
    payroll_id: str
    case_id: str
    programme: Programme
    region_code: str
    month: YearMonth = Field(pattern=_YM)
    amount: Money


@register
class PaymentSettled(_PaymentEvent):
    TYPE = "cn.gov.socialaid.payment.settled.v1"
    SUMMARY = "The bank paid the instruction (R-PA-01)."
    bank_reference: str
    settled_at: dt.datetime


@register
class PaymentFailed(_PaymentEvent):
    TYPE = "cn.gov.socialaid.payment.failed.v1"
    SUMMARY = "The bank refused or failed the instruction (R-PA-04)."
    failure_code: str
    failure_reason: str
    failed_at: dt.datetime


# ---------------------------------------------------------------- referral
@register
class ReferralCreated(Contract):
    TYPE = "cn.gov.socialaid.referral.created.v1"
    TOPIC = Topic.REFERRAL
    SUMMARY = "A case was forwarded to a department with a deadline (R-RF-01)."
    referral_id: str
    case_id: str
    department_code: str
    reason: str
    due_at: dt.datetime
    created_at: dt.datetime


@register
class ReferralCompleted(Contract):
    TYPE = "cn.gov.socialaid.referral.completed.v1"
    TOPIC = Topic.REFERRAL
    SUMMARY = "The department reported back on a referral (R-RF-01, R-RF-02)."
    referral_id: str
    case_id: str
    department_code: str
    outcome: str
    assistance_given: str | None = None
    amount: Money | None = None
    reported_at: dt.datetime


# ---------------------------------------------------------------- relief
@register
class DisasterDeclared(Contract):
    TYPE = "cn.gov.socialaid.disaster.declared.v1"
    TOPIC = Topic.DISASTER
    SUBJECT = "disaster_id"
    SUMMARY = "A disaster event was declared with a response level (R-DR-01)."
    disaster_id: str
    region_code: str
    disaster_type: str
    response_level: Literal["I", "II", "III", "IV"]
    started_on: dt.date
    declared_at: dt.datetime


# ---------------------------------------------------------------- operations
@register
class MessageDeadLettered(Contract):
    TYPE = "cn.gov.socialaid.message.deadlettered.v1"
    TOPIC = Topic.DEADLETTER
    SUBJECT = "parked_subject"
    SUMMARY = "A consumer could not apply a message; it is parked with its diagnostics."
    consumer: str
    parked_subject: str
    original_topic: str
    original_partition: int
    original_offset: int
    original_event_id: str | None = None
    original_event_type: str | None = None
    error: str
    attempts: int
    parked_at: dt.datetime
