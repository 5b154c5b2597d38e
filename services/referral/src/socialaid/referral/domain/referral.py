"""Referral states (pure logic, R-RF-01, R-RF-06)."""

from __future__ import annotations

from enum import StrEnum


class ReferralStatus(StrEnum):
    OPEN = "open"
    OVERDUE = "overdue"  # past its deadline without a report: escalated (R-RF-06)
    COMPLETED = "completed"


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"  # the webhook answered 2xx
    ACKNOWLEDGED = "acknowledged"  # pulled and acknowledged by the department
    FAILED = "failed"  # dead: every attempt failed


REPORTABLE = frozenset({ReferralStatus.OPEN, ReferralStatus.OVERDUE})
