"""API request and response models."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from socialaid.benefits.domain import first_day
from socialaid.benefits.domain.dibao import VehicleKind
from socialaid.contracts.events import Programme
from socialaid.core.money import Money, NonNegativeMoney
from socialaid.core.regions import get_region

YM = r"^\d{4}-(0[1-9]|1[0-2])$"


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def known_region(v: str, *, allow_national: bool) -> str:
    region = get_region(v)
    if region is None:
        raise ValueError(f"unknown region code {v}")
    if region.level == "national" and not allow_national:
        raise ValueError("assess for a county (or city), not the whole country")
    return v


def not_future(v: dt.datetime | None) -> dt.datetime | None:
    if v is None:
        return v
    if v.tzinfo is None:
        raise ValueError("known_at needs a time zone (e.g. 2026-07-01T00:00:00+08:00)")
    if v > dt.datetime.now(dt.UTC):
        raise ValueError("known_at is in the future: nothing is known there yet")
    return v


# ------------------------------------------------------------------ parameters
class SourceIn(_In):
    basis: Literal["N", "L", "D"] = Field(
        description="[N] national text, [L] local rule, [D] demonstration"
    )
    document: str = Field(
        min_length=2, max_length=300, description="e.g. 吕梁市民政局关于调整城乡低保标准的通知"
    )
    article: str | None = Field(
        default=None, max_length=200, description="Article or section, e.g. 第二条"
    )

    def text(self) -> str:
        return f"[{self.basis}] {self.document}" + (f" {self.article}" if self.article else "")


class ParameterCreate(_In):
    key: str = Field(
        min_length=1, max_length=100, description="A key of the catalogue (GET /v1/parameters/keys)"
    )
    region_code: str = Field(
        pattern=r"^\d{6}$", description="Region the value is set for ('000000' = national)"
    )
    value: str | int | dict[str, Any] | list[Any] = Field(
        description='Numbers as decimal strings ("850.00") or integers, never floats; JSON kinds as objects'
    )
    valid_from: dt.date
    valid_to: dt.date | None = Field(
        default=None, description="Last day in force (inclusive); null = open-ended"
    )
    source: SourceIn

    @field_validator("region_code")
    @classmethod
    def _region(cls, v: str) -> str:
        return known_region(v, allow_national=True)

    @model_validator(mode="after")
    def _order(self) -> ParameterCreate:
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError("valid_to is before valid_from")
        return self


class ParameterRead(BaseModel):
    parameter_id: str
    key: str
    region_code: str
    value: Any
    valid_from: dt.date
    valid_to: dt.date | None
    recorded_at: dt.datetime
    superseded_at: dt.datetime | None = None
    supersedes_id: str | None = None
    source: str


class ParameterCreated(ParameterRead):
    closed_previous: ParameterRead | None = Field(
        default=None,
        description="The open-ended previous version, re-recorded closed the day before",
    )


class EffectiveParameter(ParameterRead):
    requested_region: str = Field(
        description="The region asked for; region_code is the one that supplied it"
    )


class ParameterKeyRead(BaseModel):
    key: str
    kind: str
    unit: str
    description: str


# ------------------------------------------------------------------ assessments
class MemberIn(_In):
    member_id: str | None = Field(default=None, max_length=64)
    relationship: str | None = Field(default=None, max_length=30)
    birth_date: dt.date
    deceased: bool = Field(
        default=False, description="Listed but not counted (R-CA-01 household unit)"
    )
    disability_grade: int | None = Field(default=None, ge=1, le=4)
    serious_illness: bool = False

    @field_validator("birth_date")
    @classmethod
    def _plausible(cls, v: dt.date) -> dt.date:
        if v < dt.date(1900, 1, 1):
            raise ValueError("birth_date before 1900")
        return v


class VehicleIn(_In):
    kind: VehicleKind = "car"
    value: NonNegativeMoney | None = None
    valuation_certified: bool = False


class AssetsIn(_In):
    financial_assets: NonNegativeMoney = Decimal("0")
    vehicles: int | list[VehicleIn] = Field(
        default=0,
        description="A count of cars of unknown value, or the vehicles with kind and value",
    )
    properties: int = Field(default=0, ge=0, le=100, description="Residential properties")
    non_residential_properties: int = Field(default=0, ge=0, le=100)

    @field_validator("vehicles")
    @classmethod
    def _count(cls, v: int | list[VehicleIn]) -> int | list[VehicleIn]:
        if isinstance(v, int) and not 0 <= v <= 100:
            raise ValueError("vehicles must be between 0 and 100")
        if isinstance(v, list) and len(v) > 100:
            raise ValueError("at most 100 vehicles")
        return v


class AssessmentCreate(_In):
    programme: Programme
    region_code: str = Field(pattern=r"^\d{6}$", description="Region of registered residence")
    benefit_month: str = Field(
        pattern=YM, description="YYYY-MM; parameters apply as of its first day"
    )
    members: list[MemberIn] = Field(min_length=1, max_length=30)
    verified_monthly_income: NonNegativeMoney = Field(
        description="Verified countable household income per month"
    )
    assets: AssetsIn = Field(default_factory=AssetsIn)
    known_at: dt.datetime | None = Field(
        default=None, description="Assess with the parameters known at this moment (default: now)"
    )

    @field_validator("region_code")
    @classmethod
    def _region(cls, v: str) -> str:
        return known_region(v, allow_national=False)

    @field_validator("known_at")
    @classmethod
    def _known_at(cls, v: dt.datetime | None) -> dt.datetime | None:
        return not_future(v)

    @model_validator(mode="after")
    def _births(self) -> AssessmentCreate:
        start = first_day(self.benefit_month)
        end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        if any(m.birth_date > end for m in self.members):
            raise ValueError("a member is born after the benefit month")
        ids = [m.member_id for m in self.members if m.member_id]
        if len(set(ids)) != len(ids):
            raise ValueError("the same member_id appears twice")
        return self


class AssessmentRead(BaseModel):
    assessment_id: str
    case_id: str | None
    programme: str
    region_code: str
    benefit_month: str
    eligible: bool
    amount: Money
    standard: Money | None
    per_capita_income: Money | None
    household_size: int
    reason_codes: list[str]
    rule_set_version: str
    parameters: list[dict[str, Any]]
    known_at: dt.datetime
    created_at: dt.datetime
    trace_url: str


class TraceRead(BaseModel):
    assessment_id: str
    rule_set_version: str
    known_at: dt.datetime
    steps: list[dict[str, Any]]


class ReplayRead(BaseModel):
    assessment_id: str
    same_result: bool
    stored: dict[str, Any]
    replayed: dict[str, Any]
