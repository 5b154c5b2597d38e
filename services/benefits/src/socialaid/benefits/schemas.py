"""API request and response models."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

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
