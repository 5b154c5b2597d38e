"""CloudEvents 1.0 binary-mode envelope (architecture: event backbone)."""

import datetime as dt

import pytest

from socialaid.events.envelope import Envelope, EnvelopeError


def sample() -> Envelope:
    return Envelope(
        id="e1",
        source="/socialaid/intake",
        type="cn.gov.socialaid.case.submitted.v1",
        data={"case_id": "c1", "amount": "12.30"},
        time=dt.datetime(2026, 11, 22, 8, 0, tzinfo=dt.UTC),
        subject="c1",
        sequence=3,
        traceparent="00-" + "a" * 32 + "-" + "b" * 16 + "-01",
    )


def test_round_trip_through_kafka_headers():
    env = sample()
    headers = [(k, v.encode()) for k, v in env.headers().items()]
    back = Envelope.from_kafka(headers, env.value())
    assert back == env
    h = env.headers()
    assert h["ce_specversion"] == "1.0" and h["content-type"] == "application/json"
    assert h["ce_time"] == "2026-11-22T08:00:00Z"


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda h, v: (dict(h, ce_specversion="0.3"), v), "specversion"),
        (lambda h, v: ({k: x for k, x in h.items() if k != "ce_type"}, v), "ce_type"),
        (lambda h, v: (h, b"not json"), "not JSON"),
        (lambda h, v: (h, b"[1,2]"), "JSON object"),
        (lambda h, v: (dict(h, ce_time="yesterday"), v), "RFC 3339"),
        (lambda h, v: (dict(h, ce_sequence="-1"), v), "sequence"),
    ],
)
def test_invalid_envelopes_are_rejected(mutate, message):
    env = sample()
    headers, value = mutate(env.headers(), env.value())
    with pytest.raises(EnvelopeError, match=message):
        Envelope.from_headers(headers, value)
