"""What a webhook attempt does to a pending delivery (pure logic, R-RF-05).

2xx → delivered; otherwise the delivery stays pending with exponential back-off
(``backoff_seconds``) until the attempt limit, when it is dead (failed).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from socialaid.referral.domain.records import DeliveryAttempt
from socialaid.referral.domain.referral import DeliveryStatus
from socialaid.referral.domain.signing import backoff_seconds


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int
    backoff_base_seconds: float
    backoff_max_seconds: float


def after_attempt(
    *,
    attempts_before: int,
    ok: bool,
    status_code: int | None,
    error: str | None,
    now: dt.datetime,
    policy: RetryPolicy,
) -> DeliveryAttempt:
    attempts = attempts_before + 1
    if ok:
        return DeliveryAttempt(
            attempts,
            status_code,
            error,
            status=DeliveryStatus.DELIVERED.value,
            delivered_at=now,
        )
    if attempts >= policy.max_attempts:
        return DeliveryAttempt(attempts, status_code, error, status=DeliveryStatus.FAILED.value)
    delay = backoff_seconds(
        attempts, base=policy.backoff_base_seconds, cap=policy.backoff_max_seconds
    )
    return DeliveryAttempt(
        attempts, status_code, error, next_attempt_at=now + dt.timedelta(seconds=delay)
    )
