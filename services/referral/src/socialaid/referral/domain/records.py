"""Stored state of referral's aggregates, as the repository writes and reads it (no SQL here)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from socialaid.referral.domain.matching import SubscriptionRule


# ------------------------------------------------------------------ departments and subscriptions
@dataclass(frozen=True, slots=True)
class NewDepartment:
    code: str
    name: str
    webhook_url: str | None
    webhook_secret_encrypted: str  # "whsec_…" encrypted at rest (FieldCipher)


@dataclass(frozen=True, slots=True)
class DepartmentRecord:
    code: str
    name: str
    webhook_url: str | None
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class SubscriptionRecord:
    """One subscription of a department; arrays keep their stored (sorted) order."""

    department_code: str
    event_types: list[str]
    region_codes: list[str]
    programmes: list[str] | None  # None: every programme

    def rule(self) -> SubscriptionRule:
        return SubscriptionRule(
            department_code=self.department_code,
            event_types=frozenset(self.event_types),
            region_codes=frozenset(self.region_codes),
            programmes=frozenset(self.programmes) if self.programmes else None,
        )


@dataclass(frozen=True, slots=True)
class CaseRef:
    """Region and programme of a case seen on the case topic."""

    case_id: str
    region_code: str
    programme: str


@dataclass(frozen=True, slots=True)
class Holiday:
    """A public holiday (放假) or a make-up working day (调休上班)."""

    day: dt.date
    kind: str  # holiday | workday
    name: str
    source: str


# ------------------------------------------------------------------ deliveries
@dataclass(frozen=True, slots=True)
class NewDelivery:
    id: uuid.UUID
    department_code: str
    event_id: str
    event_type: str
    subject: str | None
    payload: dict[str, Any]  # the minimised webhook body
    status: str


@dataclass(frozen=True, slots=True)
class DeliveryRecord:
    id: uuid.UUID
    department_code: str
    event_id: str
    event_type: str
    subject: str | None
    payload: dict[str, Any]
    status: str
    attempts: int
    last_status_code: int | None
    last_error: str | None
    created_at: dt.datetime
    delivered_at: dt.datetime | None
    acknowledged_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class DueDelivery:
    """A pending webhook delivery claimed for sending, with where and how to sign it."""

    id: uuid.UUID
    event_id: str
    payload: dict[str, Any]
    attempts: int
    webhook_url: str
    webhook_secret_encrypted: str


@dataclass(frozen=True, slots=True)
class DeliveryAttempt:
    """What one webhook attempt changes on a pending delivery."""

    attempts: int
    last_status_code: int | None
    last_error: str | None
    status: str | None = None  # None: stays pending
    delivered_at: dt.datetime | None = None
    next_attempt_at: dt.datetime | None = None


# ------------------------------------------------------------------ referrals
@dataclass(frozen=True, slots=True)
class NewReferral:
    id: uuid.UUID
    case_id: str
    department_code: str
    reason: str
    status: str
    due_in_working_days: int
    due_on: dt.date
    due_at: dt.datetime
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class ReferralRecord:
    id: uuid.UUID
    case_id: str
    department_code: str
    reason: str
    status: str
    due_in_working_days: int
    due_on: dt.date
    due_at: dt.datetime
    escalated_at: dt.datetime | None
    outcome: str | None
    assistance_given: str | None
    amount: Decimal | None
    reported_by: str | None
    reported_at: dt.datetime | None
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class ReferralReport:
    """The department's report that completes a referral."""

    outcome: str
    assistance_given: str | None
    amount: Decimal | None
    reported_by: str
    reported_at: dt.datetime


@dataclass(frozen=True, slots=True)
class StatusChangeRecord:
    from_status: str | None
    to_status: str
    actor: str
    note: str | None
    at: dt.datetime


@dataclass(frozen=True, slots=True)
class OverdueReferral:
    id: uuid.UUID
    department_code: str
    due_at: dt.datetime
