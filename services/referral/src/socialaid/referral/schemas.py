"""API request and response models."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, field_validator

from socialaid.contracts.events import Programme
from socialaid.core.bounds import MonthlyMoney
from socialaid.core.money import Money
from socialaid.core.regions import get_region
from socialaid.core.text import Code, Label, Name, Note, Reason, Text
from socialaid.referral.domain.matching import FANOUT_TYPES
from socialaid.referral.domain.referral import DeliveryStatus, ReferralStatus
from socialaid.referral.domain.signing import secret_key

Outcome = Literal[
    "assisted",
    "partially_assisted",
    "not_eligible",
    "declined",
    "unreachable",
    "transferred",
    "other",
]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


EventType = Annotated[str, Field(min_length=1, max_length=100)]
RegionCode = Annotated[str, Field(pattern=r"^\d{6}$")]
DEPARTMENT_CODE = r"^[a-z][a-z0-9_-]{1,39}$"


class SubscriptionCreate(_In):
    event_types: list[EventType] = Field(
        min_length=1,
        max_length=20,
        description="CloudEvents types, e.g. cn.gov.socialaid.case.approved.v1",
    )
    region_codes: list[RegionCode] = Field(
        min_length=1,
        max_length=100,
        description="A region matches itself and its descendants; 000000 = all",
    )
    programmes: list[Programme] | None = Field(
        default=None, max_length=20, description="Omitted: every programme"
    )

    @field_validator("event_types")
    @classmethod
    def _known_types(cls, v: list[str]) -> list[str]:
        unknown = sorted(set(v) - FANOUT_TYPES)
        if unknown:
            raise ValueError(
                f"cannot subscribe to {', '.join(unknown)}; known: {', '.join(sorted(FANOUT_TYPES))}"
            )
        return sorted(set(v))

    @field_validator("region_codes")
    @classmethod
    def _known_regions(cls, v: list[str]) -> list[str]:
        unknown = [c for c in v if get_region(c) is None]
        if unknown:
            raise ValueError(f"unknown region code(s) {', '.join(unknown)}")
        return sorted(set(v))

    @field_validator("programmes")
    @classmethod
    def _unique(cls, v: list[str] | None) -> list[str] | None:
        return sorted(set(v)) if v else None


class DepartmentCreate(_In):
    code: str = Field(pattern=DEPARTMENT_CODE, examples=["health", "charity-xyz"])
    name: Label
    webhook_url: AnyHttpUrl | None = Field(
        default=None, description="Omitted: the department pulls deliveries"
    )
    webhook_secret: str | None = Field(
        default=None, max_length=200, description="whsec_<base64>; generated when omitted"
    )
    subscriptions: list[SubscriptionCreate] = Field(default_factory=list, max_length=50)

    @field_validator("webhook_secret")
    @classmethod
    def _secret(cls, v: str | None) -> str | None:
        if v is not None:
            secret_key(v)
        return v


class SubscriptionsUpdate(_In):
    subscriptions: list[SubscriptionCreate] = Field(max_length=50)


class SubscriptionRead(BaseModel):
    event_types: list[str]
    region_codes: list[str]
    programmes: list[str] | None


class DepartmentRead(BaseModel):
    code: str
    name: str
    webhook_url: str | None
    subscriptions: list[SubscriptionRead]
    created_at: dt.datetime


class DepartmentCreated(DepartmentRead):
    webhook_secret: str | None = Field(
        default=None, description="Returned once, when the department is registered; keep it safe"
    )


class DeliveryRead(BaseModel):
    delivery_id: str
    department_code: str
    event_id: str
    event_type: str
    subject: str | None
    status: DeliveryStatus
    attempts: int
    last_status_code: int | None
    last_error: str | None
    created_at: dt.datetime
    delivered_at: dt.datetime | None
    acknowledged_at: dt.datetime | None
    payload: dict[str, Any]


class ReferralCreate(_In):
    case_id: Code
    department_code: str = Field(pattern=DEPARTMENT_CODE)
    reason: Reason
    due_in_working_days: int = Field(default=5, ge=1, le=60)
    referred_by: Name = "civil_affairs"


class ReportCreate(_In):
    outcome: Outcome
    assistance_given: Note | None = None
    amount: MonthlyMoney | None = None
    reported_by: Name


class StatusChange(BaseModel):
    from_status: str | None
    to_status: str
    actor: str
    note: str | None
    at: dt.datetime


class ReferralRead(BaseModel):
    referral_id: str
    case_id: str
    department_code: str
    reason: str
    status: ReferralStatus
    due_in_working_days: int
    due_on: dt.date
    due_at: dt.datetime
    escalated_at: dt.datetime | None
    outcome: str | None
    assistance_given: str | None
    amount: Money | None
    reported_by: str | None
    reported_at: dt.datetime | None
    created_at: dt.datetime
    history: list[StatusChange] = Field(default_factory=list)


class HolidayUpdate(_In):
    kind: Literal["holiday", "workday"]
    name: Name
    source: Text = Field(default="configured", min_length=1, max_length=200)


class HolidayRead(BaseModel):
    day: dt.date
    kind: str
    name: str
    source: str
