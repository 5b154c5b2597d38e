"""API request and response models."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, field_validator

from socialaid.core.bounds import BusinessDate
from socialaid.core.regions import get_region
from socialaid.core.text import LongText
from socialaid.relief.domain.disaster import (
    DisasterStatus,
    DisasterType,
    ResponseLevel,
    start_date_problem,
    today_in_china,
)


class DisasterCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    region_code: str = Field(
        pattern=r"^\d{6}$", description="Known administrative division (GB/T 2260)"
    )
    disaster_type: DisasterType
    response_level: ResponseLevel = Field(description="Graded response, I (most severe) to IV")
    started_on: BusinessDate = Field(description="Day the disaster started; not in the future")
    description: LongText | None = None

    @field_validator("region_code")
    @classmethod
    def _known_region(cls, v: str) -> str:
        if get_region(v) is None:
            raise ValueError(f"unknown region code {v}")
        return v

    @field_validator("started_on")
    @classmethod
    def _not_future(cls, v: dt.date) -> dt.date:
        problem = start_date_problem(v, today_in_china())
        if problem:
            raise ValueError(problem)
        return v


class DisasterRead(BaseModel):
    disaster_id: str
    region_code: str
    disaster_type: DisasterType
    response_level: ResponseLevel
    started_on: dt.date
    description: str | None
    status: DisasterStatus
    declared_at: dt.datetime
