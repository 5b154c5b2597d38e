import datetime as dt

from socialaid.referral.domain.delivery import RetryPolicy, after_attempt

NOW = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
POLICY = RetryPolicy(max_attempts=3, backoff_base_seconds=10, backoff_max_seconds=15)


def test_a_2xx_answer_delivers():
    a = after_attempt(
        attempts_before=1, ok=True, status_code=204, error=None, now=NOW, policy=POLICY
    )
    assert (a.attempts, a.status, a.delivered_at, a.next_attempt_at) == (2, "delivered", NOW, None)


def test_a_failure_backs_off_exponentially_up_to_the_cap():
    first = after_attempt(
        attempts_before=0, ok=False, status_code=500, error="HTTP 500", now=NOW, policy=POLICY
    )
    second = after_attempt(
        attempts_before=1, ok=False, status_code=None, error="timeout", now=NOW, policy=POLICY
    )
    assert first.status is None and first.next_attempt_at == NOW + dt.timedelta(seconds=10)
    assert second.status is None and second.next_attempt_at == NOW + dt.timedelta(seconds=15)
    assert (second.last_status_code, second.last_error) == (None, "timeout")


def test_the_last_failed_attempt_kills_the_delivery():
    a = after_attempt(
        attempts_before=2, ok=False, status_code=503, error="HTTP 503", now=NOW, policy=POLICY
    )
    assert (a.attempts, a.status, a.next_attempt_at) == (3, "failed", None)
