"""Sending a locked payroll to the bank and recording what the bank did (R-PA-01, R-PA-04).

The bank is idempotent on the batch id (= payroll id) and instruction id (= payment
id), so a crash or retry at any point resends safely and never pays twice. Each
bank result is recorded in its own transaction: the instruction moves from
``pending`` exactly once (optimistic lock on ``version``), with its event and, when
settled, its fund-ledger entry. The payroll completes once every instruction has a
result and settled + failed reconcile with the control totals.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from typing import Any

from sqlalchemy import RowMapping

from socialaid.contracts.events import PaymentFailed, PaymentSettled
from socialaid.db import Database, UnitOfWork
from socialaid.events.outbox import add_event
from socialaid.payments.adapters.bank import BankClient, BankResult, Transfer
from socialaid.payments.adapters.metrics import record_payroll
from socialaid.payments.domain.payroll import (
    PaymentStatus,
    PayrollStatus,
    Totals,
    backoff_seconds,
    outcome,
)
from socialaid.payments.repository import PaymentsRepository, parse_uuid
from socialaid.payments.use_cases import SOURCE
from socialaid.payments.use_cases.payrolls import read_payroll

log = logging.getLogger("socialaid.payments.disbursement")


def _transfer(row: RowMapping) -> Transfer:
    return Transfer(
        instruction_id=str(row["id"]),
        account_number=row["payee_account_number"],
        account_name=row["payee_account_name"],
        amount=row["amount"],
        remark=f"{row['programme']} {row['month']}",
    )


async def record_bank_result(
    uow: UnitOfWork, *, instruction: RowMapping, result: BankResult
) -> bool:
    """Apply one bank result; ``False`` when another sender already recorded it (nothing changes)."""
    repo = PaymentsRepository(uow.session)
    now = dt.datetime.now(dt.UTC)
    common = {
        "payment_id": str(instruction["id"]),
        "payroll_id": str(instruction["payroll_id"]),
        "case_id": instruction["case_id"],
        "programme": instruction["programme"],
        "region_code": instruction["region_code"],
        "month": instruction["month"],
        "amount": instruction["amount"],
    }
    if result.status == PaymentStatus.SETTLED:
        if not result.bank_reference:
            log.error("bank settled %s without a reference; left pending", instruction["id"])
            return False
        if not await repo.resolve_instruction(
            instruction["id"],
            instruction["version"],
            status="settled",
            bank_reference=result.bank_reference,
        ):
            return False
        await repo.add_ledger_entry(
            payment_id=instruction["id"],
            programme=instruction["programme"],
            region_code=instruction["region_code"],
            month=instruction["month"],
            amount=instruction["amount"],
            kind="disbursement",
            bank_reference=result.bank_reference,
        )
        await add_event(
            uow.session,
            PaymentSettled(**common, bank_reference=result.bank_reference, settled_at=now),
            source=SOURCE,
        )
    else:
        code = result.failure_code or "UNKNOWN"
        reason = result.failure_reason or "The bank gave no reason."
        if not await repo.resolve_instruction(
            instruction["id"],
            instruction["version"],
            status="failed",
            bank_reference=result.bank_reference,
            failure_code=code,
            failure_reason=reason,
        ):
            return False
        await add_event(
            uow.session,
            PaymentFailed(**common, failure_code=code, failure_reason=reason, failed_at=now),
            source=SOURCE,
        )
    await repo.mark_submitted(instruction["payroll_id"], now)
    return True


async def complete_payroll(uow: UnitOfWork, *, payroll_id: str) -> dict[str, Any]:
    """Close the payroll when every instruction has a result and the totals reconcile."""
    repo = PaymentsRepository(uow.session)
    row = await repo.get_payroll(payroll_id, for_update=True)
    if row["status"] != PayrollStatus.COMPLETED:
        state = outcome(
            Totals(row["control_count"], row["control_total"]),
            await repo.instruction_amounts(row["id"]),
        )
        if state.complete and state.reconciles:
            await repo.update_payroll(
                row["id"],
                row["version"],
                status=PayrollStatus.COMPLETED,
                completed_at=dt.datetime.now(dt.UTC),
                settled_count=state.settled.count,
                settled_total=state.settled.total,
                failed_count=state.failed.count,
                failed_total=state.failed.total,
                next_attempt_at=None,
                last_error=None,
                submitted_at=row["submitted_at"] or dt.datetime.now(dt.UTC),
            )
        elif state.complete:
            log.error("payroll %s does not reconcile with its control totals", row["id"])
            await repo.update_payroll(
                row["id"], last_error="results do not reconcile with control totals"
            )
    return await read_payroll(uow, payroll_id=payroll_id)


async def record_send_failure(
    uow: UnitOfWork, *, payroll_id: str, error: str, backoff_base: float, backoff_max: float
) -> dt.datetime:
    """Schedule the next attempt with exponential back-off; instructions stay untouched."""
    repo = PaymentsRepository(uow.session)
    row = await repo.get_payroll(payroll_id, for_update=True)
    attempts = row["send_attempts"] + 1
    at = dt.datetime.now(dt.UTC) + dt.timedelta(
        seconds=backoff_seconds(attempts, base=backoff_base, maximum=backoff_max)
    )
    await repo.update_payroll(
        row["id"], send_attempts=attempts, next_attempt_at=at, last_error=error[:2000]
    )
    return at


async def list_due_payrolls(uow: UnitOfWork, *, now: dt.datetime, limit: int) -> list[str]:
    """Open payrolls whose next send attempt is due, oldest lock first."""
    return [
        str(pid) for pid in await PaymentsRepository(uow.session).due_payrolls(now=now, limit=limit)
    ]


def _chunks(rows: Sequence[RowMapping], size: int) -> list[Sequence[RowMapping]]:
    return [rows[i : i + size] for i in range(0, len(rows), size)]


async def send_payroll(
    *, db: Database, bank: BankClient, payroll_id: str, batch_size: int = 500
) -> dict[str, Any]:
    """Submit the payroll's pending instructions and record every result (safe to repeat).

    Raises :class:`BankUnavailable` / :class:`BankRejected` when the bank cannot be
    used; results already recorded stay recorded, the rest stay pending.
    """
    pid = parse_uuid(payroll_id, "payroll")
    async with db.uow() as uow:
        repo = PaymentsRepository(uow.session)
        row = await repo.get_payroll(pid)
        pending = (
            []
            if row["status"] == PayrollStatus.COMPLETED
            else await repo.list_instructions(pid, status=PaymentStatus.PENDING)
        )
    for chunk in _chunks(pending, batch_size):
        results = {
            r.instruction_id: r
            for r in await bank.submit_batch(str(pid), [_transfer(i) for i in chunk])
        }
        for instruction in chunk:
            result = results.get(str(instruction["id"]))
            if result is None:
                continue  # the bank did not answer for it: it stays pending and is resent next time
            async with db.uow() as uow:
                if await record_bank_result(uow, instruction=instruction, result=result):
                    await uow.commit()
    async with db.uow() as uow:
        summary = await complete_payroll(uow, payroll_id=str(pid))
        await uow.commit()
    record_payroll(summary)
    return summary
