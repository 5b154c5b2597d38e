"""Background job run by ``python -m socialaid.payments worker``: send locked payrolls to the bank."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging

from socialaid.core.crypto import FieldCipher
from socialaid.core.errors import Unavailable
from socialaid.core.settings import ServiceSettings
from socialaid.db import Database
from socialaid.payments.adapters.bank import BankClient, bank_client
from socialaid.payments.config import Settings
from socialaid.payments.use_cases.disbursement import (
    list_due_payrolls,
    record_send_failure,
    send_payroll,
)

log = logging.getLogger("socialaid.payments.jobs")

__all__ = ["bank_client", "disburse_due_payrolls", "disburse_payrolls"]


async def disburse_due_payrolls(
    *, db: Database, bank: BankClient, settings: Settings, limit: int = 20
) -> dict[str, str]:
    """One pass: send every open payroll whose next attempt is due; back off those the bank refused."""
    async with db.uow() as uow:
        due = await list_due_payrolls(uow, now=dt.datetime.now(dt.UTC), limit=limit)
    done: dict[str, str] = {}
    for payroll_id in due:
        try:
            summary = await send_payroll(
                db=db,
                bank=bank,
                cipher=FieldCipher(settings.pii_encryption_key),
                payroll_id=payroll_id,
                batch_size=settings.bank_batch_size,
            )
            done[payroll_id] = summary.status
        except Unavailable as exc:  # bank down, slow or refusing: nothing recorded, try again later
            async with db.uow() as uow:
                at = await record_send_failure(
                    uow,
                    payroll_id=payroll_id,
                    error=exc.detail,
                    backoff_base=settings.disbursement_backoff_base_seconds,
                    backoff_max=settings.disbursement_backoff_max_seconds,
                )
                await uow.commit()
            log.warning(
                "payroll %s not sent (%s); next attempt at %s",
                payroll_id,
                exc.detail,
                at.isoformat(),
            )
            done[payroll_id] = "retry"
    return done


async def disburse_payrolls(settings: ServiceSettings, db: Database, stop: asyncio.Event) -> None:
    """Loop until ``stop``: pick locked payrolls, pay them through the bank, record results."""
    assert isinstance(settings, Settings)
    bank = bank_client(settings)
    while not stop.is_set():
        try:
            await disburse_due_payrolls(db=db, bank=bank, settings=settings)
        except Exception:  # the database may be away: log and try again on the next tick
            log.exception("disbursement pass failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=settings.disbursement_poll_seconds)
