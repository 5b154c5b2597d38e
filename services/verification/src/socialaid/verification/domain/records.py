"""Stored state of a verification, as the repository writes and reads it (no SQL here)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True, slots=True)
class NewVerification:
    """A verification as first written (``completed`` or ``failed``, never changed after)."""

    id: uuid.UUID
    case_id: str
    programme: str
    region_code: str
    benefit_month: str
    status: str  # completed | failed
    reasons: list[str]
    figures: dict[str, Any]  # per-member figures, income by source, excluded income
    source_event_id: str | None
    completed_at: dt.datetime
    household_size: int | None = None
    verified_monthly_income: Decimal | None = None
    financial_assets: Decimal | None = None
    vehicles: int | None = None
    properties: int | None = None
    deceased_members: int | None = None


@dataclass(frozen=True, slots=True)
class VerificationRecord:
    id: uuid.UUID
    case_id: str
    programme: str
    region_code: str
    benefit_month: str
    status: str
    reasons: list[str]
    household_size: int | None
    verified_monthly_income: Decimal | None
    financial_assets: Decimal | None
    vehicles: int | None
    properties: int | None
    deceased_members: int | None
    figures: dict[str, Any]
    source_event_id: str | None
    created_at: dt.datetime
    completed_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class DepartmentQueryRecord:
    """One attempt at one department (audit and operations)."""

    verification_id: uuid.UUID
    department: str
    attempt: int
    request_hash: str
    status: str  # ok | error | timeout | unreachable | refused
    http_status: int | None
    duration_ms: int
    error: str | None
    queried_at: dt.datetime


@dataclass(frozen=True, slots=True)
class EvidenceSummaryRecord:
    """An evidence row without its payload (what a verification lists)."""

    id: uuid.UUID
    source: str
    fetched_at: dt.datetime
    payload_hash: str
    response_hash: str


@dataclass(frozen=True, slots=True)
class EvidenceRecord:
    """A department's answer as stored, with the SHA-256 of its canonical form and raw body."""

    id: uuid.UUID
    verification_id: uuid.UUID
    source: str
    fetched_at: dt.datetime
    payload: dict[str, Any]
    payload_hash: str
    response_hash: str


@dataclass(frozen=True, slots=True)
class DiscrepancyRecord:
    verification_id: uuid.UUID
    item: str
    member_id: str | None
    declared: str
    verified: str
