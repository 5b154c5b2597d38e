"""Standard Webhooks signing and the retry schedule (pure logic).

Signature: ``v1,`` + base64(HMAC-SHA256(key, f"{msg_id}.{timestamp}.{body}")), where
the key is the base64-decoded part of the ``whsec_…`` secret (https://www.standardwebhooks.com).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets

PREFIX = "whsec_"
MIN_KEY_BYTES, MAX_KEY_BYTES = 24, 64


def generate_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def secret_key(secret: str) -> bytes:
    """The HMAC key inside a ``whsec_`` secret; ValueError if it is not one."""
    if not secret.startswith(PREFIX):
        raise ValueError("a webhook secret starts with 'whsec_'")
    try:
        key = base64.b64decode(secret[len(PREFIX) :], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("the part after 'whsec_' must be base64") from exc
    if not MIN_KEY_BYTES <= len(key) <= MAX_KEY_BYTES:
        raise ValueError(f"the secret must hold {MIN_KEY_BYTES} to {MAX_KEY_BYTES} bytes")
    return key


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def webhook_headers(secret: str, msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, msg_id, timestamp, body),
        "content-type": "application/json",
    }


def verify(
    secret: str, headers: dict[str, str], body: bytes, *, now: int, tolerance: int = 300
) -> bool:
    """What a receiving department does: check the timestamp window and any v1 signature."""
    try:
        msg_id, ts = headers["webhook-id"], int(headers["webhook-timestamp"])
    except (KeyError, ValueError):
        return False
    if abs(now - ts) > tolerance:
        return False
    expected = sign(secret, msg_id, ts, body)
    return any(
        hmac.compare_digest(expected, s) for s in headers.get("webhook-signature", "").split()
    )


def backoff_seconds(attempts: int, *, base: float, cap: float) -> float:
    """Delay before the next try after ``attempts`` failed tries: base, 2·base, 4·base, … ≤ cap."""
    return float(min(base * 2 ** max(attempts - 1, 0), cap))
