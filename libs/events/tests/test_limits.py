"""Events can never jam the relay: the size limit at write time and the relay's verdict on a
refused record (pure logic; the behaviour on PostgreSQL and Kafka is in
``integration/test_outbox_parking.py``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from aiokafka.errors import (
    KafkaConnectionError,
    KafkaTimeoutError,
    MessageSizeTooLargeError,
    NotLeaderForPartitionError,
    RecordListTooLargeError,
    TopicAuthorizationFailedError,
)
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from socialaid.core.settings import ServiceSettings
from socialaid.events import limits
from socialaid.events.limits import (
    DEFAULT_EVENT_MAX_BYTES,
    EventTooLarge,
    check_event_size,
    configure_event_limit,
    event_limit,
    record_size,
)
from socialaid.events.relay import DEFAULT_MAX_REQUEST_BYTES, classify


@pytest.fixture(autouse=True)
def _restore_limit() -> Iterator[None]:
    before = event_limit()
    yield
    configure_event_limit(before)


@given(
    key=st.binary(max_size=200),
    payload=st.binary(max_size=5000),
    headers=st.lists(st.tuples(st.text(max_size=30), st.binary(max_size=100)), max_size=8),
)
def test_record_size_covers_key_payload_and_headers(key, payload, headers):
    size = record_size(key, payload, headers)
    assert size > len(key) + len(payload) + sum(len(k.encode()) + len(v) for k, v in headers)
    assert record_size(key, payload + b"x", headers) > size


def test_default_limit_is_below_what_the_relay_and_broker_take():
    assert DEFAULT_EVENT_MAX_BYTES < DEFAULT_MAX_REQUEST_BYTES
    assert ServiceSettings().event_max_bytes == DEFAULT_EVENT_MAX_BYTES
    assert ServiceSettings().relay_max_request_bytes == DEFAULT_MAX_REQUEST_BYTES


@given(size=st.integers(min_value=0, max_value=4 * 1024 * 1024))
def test_an_event_over_the_limit_is_refused_with_a_clear_problem(size):
    if size <= DEFAULT_EVENT_MAX_BYTES:
        check_event_size("t", size, DEFAULT_EVENT_MAX_BYTES)
        return
    with pytest.raises(EventTooLarge) as caught:
        check_event_size("cn.gov.socialaid.x.v1", size, DEFAULT_EVENT_MAX_BYTES)
    err = caught.value
    assert (err.status, err.code) == (422, "event_too_large")
    assert err.extra == {
        "event_type": "cn.gov.socialaid.x.v1",
        "size": size,
        "limit": DEFAULT_EVENT_MAX_BYTES,
    }


def test_the_configured_limit_applies_process_wide_and_must_be_meant():
    configure_event_limit(4096)
    assert limits.event_limit() == 4096
    with pytest.raises(EventTooLarge):
        check_event_size("t", 4097)
    check_event_size("t", 4096)
    with pytest.raises(ValueError):
        configure_event_limit(10)


def test_settings_refuse_an_event_limit_the_relay_could_not_send():
    with pytest.raises(ValidationError, match="event_max_bytes"):
        ServiceSettings(event_max_bytes=2 * 1024 * 1024, relay_max_request_bytes=1024 * 1024)
    ok = ServiceSettings(event_max_bytes=2 * 1024 * 1024, relay_max_request_bytes=3 * 1024 * 1024)
    assert ok.event_max_bytes == 2 * 1024 * 1024


@pytest.mark.parametrize("error", [MessageSizeTooLargeError(), RecordListTooLargeError()])
def test_a_record_the_broker_can_never_take_is_parked_at_once(error):
    verdict = classify(error, attempts_before=0, park_after_attempts=5)
    assert verdict.park and not verdict.transient


@pytest.mark.parametrize(
    "error",
    [
        KafkaTimeoutError(),
        KafkaConnectionError(),
        NotLeaderForPartitionError(),
        OSError("connection refused"),
        RuntimeError("?"),
    ],
)
def test_an_outage_never_parks_however_often_it_happens(error):
    verdict = classify(error, attempts_before=10_000, park_after_attempts=5)
    assert verdict.transient and not verdict.park


@given(attempts=st.integers(min_value=0, max_value=50), limit=st.integers(1, 20))
def test_other_non_retriable_errors_park_on_the_nth_attempt(attempts, limit):
    verdict = classify(TopicAuthorizationFailedError(), attempts, limit)
    assert not verdict.transient
    assert verdict.park == (attempts + 1 >= limit)
