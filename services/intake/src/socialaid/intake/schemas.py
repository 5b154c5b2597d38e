"""API request and response models."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from socialaid.contracts.events import Programme
from socialaid.core.bounds import AssetMoney, BirthDate, ConsentDate, Month, MonthlyMoney
from socialaid.core.ids import birth_date_of, id_number_problem
from socialaid.core.money import Money
from socialaid.core.regions import get_region
from socialaid.core.text import Name, Note, Reason, ShortCode
from socialaid.intake.domain.approval import ReductionReason

Channel = Literal["window", "hotline", "online", "community_worker", "school", "hospital", "police"]
Relationship = Literal[
    "applicant", "spouse", "child", "parent", "grandparent", "grandchild", "sibling", "other"
]
LabourCapacity = Literal["full", "partial", "none"]
YM = r"^\d{4}-(0[1-9]|1[0-2])$"

IsoDateTime = Annotated[
    dt.datetime,
    PlainSerializer(lambda v: v.isoformat(), return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
"""A timestamp written by ``datetime.isoformat()`` (``+00:00``, not ``Z``), as these answers
always were."""


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class MemberCreate(_In):
    name: Name
    id_number: str = Field(
        max_length=18,
        description="18-character citizen ID number; the GB 11643 check digit is verified",
    )
    relationship: Relationship
    birth_date: BirthDate
    disability_grade: int | None = Field(default=None, ge=1, le=4)
    serious_illness: bool = False
    labour_capacity: LabourCapacity = "full"
    declared_monthly_income: MonthlyMoney = Decimal("0")

    @field_validator("id_number")
    @classmethod
    def _valid_id(cls, v: str) -> str:
        v = v.upper()
        problem = id_number_problem(v)
        if problem:
            raise ValueError(f"invalid ID number: {problem}")
        return v

    @model_validator(mode="after")
    def _birth_matches(self) -> MemberCreate:
        if birth_date_of(self.id_number) != self.birth_date:
            raise ValueError("birth_date does not match the birth date in the ID number")
        return self


class ConsentCreate(_In):
    signed: bool = Field(
        description="The household signed the authorisation for economic verification (R-IN-05)"
    )
    signed_on: ConsentDate | None = Field(
        default=None, description="Within the last year, not in the future"
    )
    scope: list[ShortCode] = Field(
        default_factory=lambda: ["registration", "income", "real_estate", "vehicles", "deposits"],
        max_length=10,
    )


class DeclaredAssetsCreate(_In):
    financial_assets: AssetMoney = Decimal("0")
    vehicles: int = Field(default=0, ge=0, le=100)
    properties: int = Field(default=0, ge=0, le=100)


class PayeeCreate(_In):
    account_name: Name
    account_number: str = Field(pattern=r"^\d{10,30}$")
    bank_code: str = Field(pattern=r"^[A-Z0-9]{2,12}$")


class ApplicationCreate(_In):
    region_code: str = Field(
        pattern=r"^\d{6}$", description="County-level division of registered residence"
    )
    channel: Channel = "window"
    received_by: Name = Field(default="window", description="Who received it first (R-IN-03)")
    programmes: list[Programme] = Field(min_length=1, max_length=8)
    members: list[MemberCreate] = Field(min_length=1, max_length=30)
    consent: ConsentCreate
    declared_assets: DeclaredAssetsCreate = Field(default_factory=DeclaredAssetsCreate)
    payee: PayeeCreate | None = None

    @field_validator("region_code")
    @classmethod
    def _known_region(cls, v: str) -> str:
        region = get_region(v)
        if region is None:
            raise ValueError(f"unknown region code {v}")
        if region.level != "county":
            raise ValueError(f"region {v} ({region.name}) is not a county-level division")
        return v

    @field_validator("programmes")
    @classmethod
    def _unique_programmes(cls, v: list[str]) -> list[str]:
        if len(set(v)) != len(v):
            raise ValueError("a programme is listed twice")
        return v

    @model_validator(mode="after")
    def _roster(self) -> ApplicationCreate:
        if not self.consent.signed:
            raise ValueError(
                "the household must sign the verification consent before applying (R-IN-05)"
            )
        ids = [m.id_number for m in self.members]
        if len(set(ids)) != len(ids):
            raise ValueError("the same ID number appears twice in the household")
        if sum(1 for m in self.members if m.relationship == "applicant") != 1:
            raise ValueError("exactly one member must be the applicant")
        return self


class CaseSummary(BaseModel):
    case_id: str
    programme: str
    status: str


class ApplicationRead(BaseModel):
    application_id: str
    region_code: str
    channel: str
    received_by: str
    created_at: dt.datetime
    cases: list[CaseSummary]


class SubmittedApplicationRead(ApplicationRead):
    """The answer to a submission: an :class:`ApplicationRead` whose ``created_at`` is
    written with ``+00:00``, as the submission answer always was."""

    created_at: IsoDateTime


class MemberRead(BaseModel):
    member_id: str
    name: str
    id_number_masked: str
    relationship: str
    birth_date: dt.date
    disability_grade: int | None
    serious_illness: bool
    labour_capacity: str
    declared_monthly_income: Money


class StatusChange(BaseModel):
    from_status: str | None
    to_status: str
    actor: str
    note: str | None
    at: dt.datetime


class CaseRead(BaseModel):
    case_id: str
    application_id: str
    programme: str
    region_code: str
    status: str
    version: int
    benefit_month: str | None
    proposal: dict[str, Any] | None
    verification: dict[str, Any] | None
    monthly_amount: Money | None
    start_month: str | None
    decision_reasons: list[str] | None
    members: list[MemberRead]
    history: list[StatusChange]


class CaseListItemRead(BaseModel):
    id: str
    application_id: str
    programme: str
    region_code: str
    status: str
    monthly_amount: Money | None
    updated_at: dt.datetime


class CaseAcceptanceRead(BaseModel):
    case_id: str
    status: str
    benefit_month: str


class CaseApprovalRead(BaseModel):
    case_id: str
    status: str
    monthly_amount: Money
    start_month: str
    assessed_amount: Money = Field(description="The assessed amount the approval is bounded by")
    reduction_reason: ReductionReason | None = None


class CaseRejectionRead(BaseModel):
    case_id: str
    status: str
    reasons: list[str]


class CaseAccept(_In):
    actor: Name = "window"
    note: Note | None = None


class CaseApprove(_In):
    actor: Name = "county"
    monthly_amount: MonthlyMoney = Field(
        description="At most the assessed amount (proposal.amount); a lower amount needs a "
        "reduction_reason (R-CA-12)"
    )
    start_month: Month
    reduction_reason: ReductionReason | None = Field(
        default=None,
        description="Required when monthly_amount is below the assessed amount, absent when "
        "equal: household_request, partial_month, income_change_reported, "
        "other_support_received, or other (then note is required) (R-IN-08)",
    )
    note: Note | None = None


class CaseReject(_In):
    actor: Name = "county"
    reasons: list[Reason] = Field(
        min_length=1, max_length=20, description="Written reasons (R-IN-08)"
    )

    @field_validator("reasons")
    @classmethod
    def _non_empty(cls, v: list[str]) -> list[str]:
        if any(not r.strip() for r in v):
            raise ValueError("a reason must not be empty")
        return v
