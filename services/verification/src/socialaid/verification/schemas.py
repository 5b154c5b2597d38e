"""API shapes (money as decimal strings)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from socialaid.core.money import Money


class EvidenceSummary(BaseModel):
    evidence_id: str
    source: str = Field(description="Department that answered")
    fetched_at: dt.datetime
    payload_hash: str = Field(
        description="sha256 hex of the stored payload in canonical JSON "
        "(sorted keys, no spaces, UTF-8)"
    )
    response_hash: str = Field(description="sha256 hex of the raw response body as received")


class DiscrepancyRead(BaseModel):
    item: str
    member_id: str | None = None
    declared: str
    verified: str


class DepartmentQueryRead(BaseModel):
    department: str
    attempt: int
    status: str
    http_status: int | None = None
    duration_ms: int
    error: str | None = None
    queried_at: dt.datetime


class VerificationRead(BaseModel):
    verification_id: str
    case_id: str
    programme: str
    region_code: str
    benefit_month: str
    status: str = Field(description="completed | failed")
    reasons: list[str]
    household_size: int | None = None
    verified_monthly_income: Money | None = None
    financial_assets: Money | None = None
    vehicles: int | None = None
    properties: int | None = None
    deceased_members: int | None = None
    figures: dict[str, Any] = Field(
        description="Per-member figures, income by source, excluded income"
    )
    created_at: dt.datetime
    completed_at: dt.datetime | None = None
    evidence: list[EvidenceSummary]
    discrepancies: list[DiscrepancyRead]
    department_queries: list[DepartmentQueryRead]


class EvidenceRead(EvidenceSummary):
    verification_id: str
    payload: dict[str, Any] = Field(
        description="The department's answer; ID numbers replaced by member id and masked number"
    )
