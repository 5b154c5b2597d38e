"""API models of policy parameters: a version recorded, versions answered (R-CA-01)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field, field_validator, model_validator

from socialaid.benefits.schemas.common import RequestModel, known_region
from socialaid.core.bounds import BusinessDate, bounded_json
from socialaid.core.text import Code, Text


class SourceCreate(RequestModel):
    basis: Literal["N", "L", "D"] = Field(
        description="[N] national text, [L] local rule, [D] demonstration"
    )
    document: Text = Field(
        min_length=2, max_length=300, description="e.g. 吕梁市民政局关于调整城乡低保标准的通知"
    )
    article: Text | None = Field(
        default=None, max_length=200, description="Article or section, e.g. 第二条"
    )

    def text(self) -> str:
        return f"[{self.basis}] {self.document}" + (f" {self.article}" if self.article else "")


class ParameterCreate(RequestModel):
    key: Code = Field(
        max_length=100, description="A key of the catalogue (GET /v1/parameters/keys)"
    )
    region_code: str = Field(
        pattern=r"^\d{6}$", description="Region the value is set for ('000000' = national)"
    )
    value: Annotated[str | int | dict[str, Any] | list[Any], AfterValidator(bounded_json)] = Field(
        description='Numbers as decimal strings ("850.00") or integers, never floats; JSON kinds as objects'
    )
    valid_from: BusinessDate
    valid_to: BusinessDate | None = Field(
        default=None, description="Last day in force (inclusive); null = open-ended"
    )
    source: SourceCreate

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


class PublishedParameterRead(ParameterRead):
    closed_previous: ParameterRead | None = Field(
        default=None,
        description="The open-ended previous version, re-recorded closed the day before",
    )


class EffectiveParameterRead(ParameterRead):
    requested_region: str = Field(
        description="The region asked for; region_code is the one that supplied it"
    )


class ParameterKeyRead(BaseModel):
    key: str
    kind: str
    unit: str
    description: str
