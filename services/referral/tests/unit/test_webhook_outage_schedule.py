"""Fault matrix: a webhook receiver down for an hour loses nothing (R-RF-05).

The back-off schedule is computed from the production defaults through the retry policy
itself (``after_attempt``, failing every time): the last attempt must come at least an hour
(plus margin) after the first, so a receiver that is down for an hour is tried again after it
is back before any delivery is given up; and once the receiver recovers, a pending delivery is
retried within the back-off cap.
"""

import datetime as dt
import itertools

from hypothesis import given
from hypothesis import strategies as st

from socialaid.referral.config import Settings
from socialaid.referral.domain.delivery import RetryPolicy, after_attempt
from socialaid.referral.domain.referral import DeliveryStatus

START = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


def production_policy() -> RetryPolicy:
    """The defaults as shipped (not whatever the environment of this test run says)."""
    fields = Settings.model_fields
    return RetryPolicy(
        max_attempts=fields["webhook_max_attempts"].default,
        backoff_base_seconds=fields["webhook_backoff_base_seconds"].default,
        backoff_max_seconds=fields["webhook_backoff_max_seconds"].default,
    )


def attempt_times(policy: RetryPolicy, start: dt.datetime = START) -> list[dt.datetime]:
    """When each attempt is made while the receiver keeps failing, up to the one that kills it."""
    times, attempts, now = [start], 0, start
    while True:
        a = after_attempt(
            attempts_before=attempts,
            ok=False,
            status_code=503,
            error="HTTP 503",
            now=now,
            policy=policy,
        )
        attempts = a.attempts
        if a.status == DeliveryStatus.FAILED.value:
            return times
        assert a.next_attempt_at is not None and a.next_attempt_at > now
        now = a.next_attempt_at
        times.append(now)


def test_production_back_off_outlasts_an_hour_long_outage():
    policy = production_policy()
    times = attempt_times(policy)
    assert len(times) == policy.max_attempts
    # The last attempt comes well after an hour: an outage of an hour (starting at or before
    # the first attempt) is over by then, so the delivery is made, not dead-lettered.
    assert times[-1] - times[0] >= 2 * HOUR, [t - START for t in times]
    # Once the receiver is back, the next try is at most the cap away.
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert max(gaps) <= dt.timedelta(seconds=policy.backoff_max_seconds) <= dt.timedelta(minutes=15)


@given(outage_minutes=st.integers(min_value=1, max_value=60), offset_s=st.integers(0, 3600))
def test_an_attempt_falls_after_any_outage_of_up_to_an_hour(outage_minutes, offset_s):
    """Whenever the outage starts relative to the delivery, some attempt follows its end."""
    times = attempt_times(production_policy())
    first = START + dt.timedelta(seconds=offset_s)  # the delivery is queued mid-outage
    outage_end = START + dt.timedelta(minutes=outage_minutes)
    shifted = [t - START + first for t in times]
    assert any(t >= outage_end for t in shifted)
    assert shifted[-1] - max(first, outage_end) >= HOUR
