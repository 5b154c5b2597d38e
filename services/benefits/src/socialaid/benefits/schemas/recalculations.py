"""API models of batch recalculation runs (R-CA-01)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from socialaid.benefits.schemas.common import YM
from socialaid.core.text import MultilineText

RunStatus = Literal["pending", "running", "completed", "failed"]


class RecalculationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    region_code: str = Field(pattern=r"^\d{6}$", description="This region and its descendants")
    effective_month: str = Field(pattern=YM, description="First month the new amounts apply to")
    cause: MultilineText | None = Field(default=None, max_length=500)


class RecalculationCounts(BaseModel):
    scanned: int
    changed: int
    unchanged: int
    engine_path: int = Field(description="Households assessed one by one by the rules engine")


class RecalculationRead(BaseModel):
    recalculation_id: str
    trigger: Literal["parameter", "manual"]
    parameter_id: str | None
    region_code: str
    effective_month: str
    cause: str
    status: RunStatus
    phase: str | None
    regions: list[str]
    counts: RecalculationCounts
    arrears_total: str
    overpayment_total: str
    attempts: int
    error: str | None
    created_at: str
    started_at: str | None
    finished_at: str | None
    duration_ms: int | None
