"""Background jobs run by ``python -m socialaid.referral worker``."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

import httpx

from socialaid.core.settings import ServiceSettings
from socialaid.db import Database
from socialaid.referral.config import Settings
from socialaid.referral.use_cases.referrals import escalate_overdue_pass
from socialaid.referral.use_cases.webhooks import deliver_due

log = logging.getLogger("socialaid.referral.jobs")


async def _loop(
    name: str, stop: asyncio.Event, interval: float, step: Callable[[], Awaitable[int]]
) -> None:
    while not stop.is_set():
        try:
            done = await step()
        except Exception:  # keep the worker alive through database or network outages
            log.exception("%s pass failed", name)
            done = 0
        if done == 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=interval)


async def webhook_job(settings: ServiceSettings, db: Database, stop: asyncio.Event) -> None:
    """Push pending deliveries to department webhooks until ``stop`` is set."""
    assert isinstance(settings, Settings)
    async with httpx.AsyncClient(
        timeout=settings.webhook_timeout_seconds, follow_redirects=False
    ) as client:
        await _loop(
            "webhook",
            stop,
            settings.webhook_poll_seconds,
            lambda: deliver_due(db=db, settings=settings, client=client),
        )


async def overdue_job(settings: ServiceSettings, db: Database, stop: asyncio.Event) -> None:
    """Mark referrals past their deadline overdue (R-RF-06) until ``stop`` is set."""
    assert isinstance(settings, Settings)

    async def step() -> int:
        marked = await escalate_overdue_pass(db)
        if marked:
            log.warning("referrals escalated as overdue", extra={"count": len(marked)})
        return 0  # wait a full interval between passes

    await _loop("overdue", stop, settings.overdue_poll_seconds, step)
