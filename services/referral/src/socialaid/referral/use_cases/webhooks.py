"""Pushing pending deliveries to department webhooks, Standard-Webhooks signed (R-RF-05).

A pass claims due deliveries under a lease (committed), sends them without
holding a transaction open, then records each outcome: 2xx → delivered;
otherwise retry with exponential back-off until the attempt limit → failed.
A crash mid-send lets the lease expire and the delivery is sent again with the
same ``webhook-id``, which receivers use to drop duplicates.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from dataclasses import dataclass
from typing import Any

import httpx

from socialaid.core.crypto import FieldCipher
from socialaid.db import Database
from socialaid.referral.config import Settings
from socialaid.referral.domain.delivery import RetryPolicy, after_attempt
from socialaid.referral.domain.records import DueDelivery
from socialaid.referral.domain.referral import DeliveryStatus
from socialaid.referral.domain.signing import webhook_headers
from socialaid.referral.repository import DeliveryRepository

log = logging.getLogger("socialaid.referral.webhooks")


@dataclass(frozen=True)
class Outcome:
    ok: bool
    status_code: int | None
    error: str | None


def encode_body(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


async def send(
    client: httpx.AsyncClient,
    *,
    url: str,
    secret: str,
    msg_id: str,
    payload: dict[str, Any],
    now: dt.datetime,
) -> Outcome:
    body = encode_body(payload)
    headers = webhook_headers(secret, msg_id, int(now.timestamp()), body)
    try:
        resp = await client.post(url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        return Outcome(False, None, f"{type(exc).__name__}: {exc}"[:2000])
    if 200 <= resp.status_code < 300:
        return Outcome(True, resp.status_code, None)
    return Outcome(False, resp.status_code, f"HTTP {resp.status_code}: {resp.text[:500]}")


async def _record(db: Database, settings: Settings, due: DueDelivery, outcome: Outcome) -> None:
    attempt = after_attempt(
        attempts_before=due.attempts,
        ok=outcome.ok,
        status_code=outcome.status_code,
        error=outcome.error,
        now=dt.datetime.now(dt.UTC),
        policy=RetryPolicy(
            max_attempts=settings.webhook_max_attempts,
            backoff_base_seconds=settings.webhook_backoff_base_seconds,
            backoff_max_seconds=settings.webhook_backoff_max_seconds,
        ),
    )
    if attempt.status == DeliveryStatus.FAILED.value:
        log.error(
            "webhook delivery dead after %d attempts",
            attempt.attempts,
            extra={"delivery_id": str(due.id)},
        )
    async with db.uow() as uow:
        await DeliveryRepository(uow.session).record_attempt(due.id, attempt)
        await uow.commit()


async def deliver_due(*, db: Database, settings: Settings, client: httpx.AsyncClient) -> int:
    """One pass: send every due webhook delivery (up to the batch size). Returns how many were tried."""
    now = dt.datetime.now(dt.UTC)
    async with db.uow() as uow:
        rows = await DeliveryRepository(uow.session).claim_due(
            now=now,
            lease_until=now + dt.timedelta(seconds=settings.webhook_lease_seconds),
            limit=settings.webhook_batch_size,
        )
        await uow.commit()
    if not rows:
        return 0
    cipher = FieldCipher(settings.pii_encryption_key)

    async def one(due: DueDelivery) -> None:
        outcome = await send(
            client,
            url=due.webhook_url,
            secret=cipher.decrypt(due.webhook_secret_encrypted),
            msg_id=due.event_id,
            payload=due.payload,
            now=dt.datetime.now(dt.UTC),
        )
        await _record(db, settings, due, outcome)

    await asyncio.gather(*(one(r) for r in rows))
    return len(rows)
