"""Standard Webhooks signatures and the retry schedule, pure logic (R-RF-05)."""

import base64
import hashlib
import hmac

import pytest

from socialaid.referral.domain.signing import (
    backoff_seconds,
    generate_secret,
    secret_key,
    sign,
    verify,
    webhook_headers,
)

KEY = bytes(range(32))
SECRET = "whsec_" + base64.b64encode(KEY).decode()


def test_r_rf_05_signature_matches_an_independent_hmac_computation():
    msg_id, ts, body = (
        "01934f6e-0000-7000-8000-000000000001",
        1_790_000_000,
        b'{"a":1,"b":"\xe5\xbc\xa0"}',
    )
    expected = base64.b64encode(
        hmac.new(KEY, f"{msg_id}.{ts}.".encode() + body, hashlib.sha256).digest()
    ).decode()
    assert sign(SECRET, msg_id, ts, body) == "v1," + expected
    h = webhook_headers(SECRET, msg_id, ts, body)
    assert h["webhook-id"] == msg_id and h["webhook-timestamp"] == str(ts)
    assert h["webhook-signature"] == "v1," + expected


def test_r_rf_05_standard_webhooks_reference_vector():
    # The example published with the Standard Webhooks specification.
    assert (
        sign(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            b'{"test": 2432232314}',
        )
        == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    )


def test_r_rf_05_receiver_verification_rejects_tampering_and_stale_timestamps():
    body = b'{"x":1}'
    headers = webhook_headers(SECRET, "m1", 1000, body)
    assert verify(SECRET, headers, body, now=1010)
    assert not verify(SECRET, headers, b'{"x":2}', now=1010)
    assert not verify(SECRET, headers, body, now=1000 + 301)
    assert not verify(generate_secret(), headers, body, now=1010)


def test_generated_secrets_are_whsec_base64_of_32_bytes_and_differ():
    a, b = generate_secret(), generate_secret()
    assert a.startswith("whsec_") and a != b
    assert len(secret_key(a)) == 32


@pytest.mark.parametrize(
    "bad", ["abc", "whsec_!!!", "whsec_" + base64.b64encode(b"short").decode()]
)
def test_bad_secrets_are_refused(bad):
    with pytest.raises(ValueError):
        secret_key(bad)


def test_r_rf_05_backoff_doubles_up_to_the_cap():
    assert [backoff_seconds(n, base=10, cap=100) for n in range(1, 7)] == [10, 20, 40, 80, 100, 100]
