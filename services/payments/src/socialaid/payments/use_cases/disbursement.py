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

from socialaid.contracts.events import PaymentFailed, PaymentSettled
from socialaid.core.crypto import FieldCipher
from socialaid.db import Database, UnitOfWork
from socialaid.events.sink import EventSink, OutboxSink
from socialaid.payments.adapters.bank import BankClient, BankResult, Transfer
from socialaid.payments.adapters.metrics import record_payroll
from socialaid.payments.domain.payroll import (
    PaymentStatus,
    PayrollStatus,
    Totals,
    backoff_seconds,
    outcome,
)
from socialaid.payments.domain.records import InstructionRecord, NewLedgerEntry
from socialaid.payments.repository import LedgerRepository, PayrollRepository, parse_uuid
from socialaid.payments.schemas import PayrollRead
from socialaid.payments.use_cases import SOURCE
from socialaid.payments.use_cases.payrolls import read_payroll

log = logging.getLogger("socialaid.payments.disbursement")


def _transfer(i: InstructionRecord, cipher: FieldCipher) -> Transfer:
    """The bank's instruction: the only place the stored account number is decrypted."""
    return Transfer(
        instruction_id=str(i.id),
        account_number=cipher.decrypt(i.payee_account_encrypted),
        account_name=i.payee_account_name,
        amount=i.amount,
        remark=f"{i.programme} {i.month}",
    )


async def _settle(
    uow: UnitOfWork, i: InstructionRecord, result: BankResult, events: EventSink, now: dt.datetime
) -> bool:
    if not result.bank_reference:
        log.error("bank settled %s without a reference; left pending", i.id)
        return False
    if not await PayrollRepository(uow.session).settle_instruction(
        i.id, i.version, bank_reference=result.bank_reference
    ):
        return False
    await LedgerRepository(uow.session).add(
        NewLedgerEntry(
            payment_id=i.id,
            programme=i.programme,
            region_code=i.region_code,
            month=i.month,
            amount=i.amount,
            bank_reference=result.bank_reference,
        )
    )
    await events.add(
        PaymentSettled(
            payment_id=str(i.id),
            payroll_id=str(i.payroll_id),
            case_id=i.case_id,
            programme=i.programme,
            region_code=i.region_code,
            month=i.month,
            amount=i.amount,
            bank_reference=result.bank_reference,
            settled_at=now,
        )
    )
    return True


async def _fail(
    uow: UnitOfWork, i: InstructionRecord, result: BankResult, events: EventSink, now: dt.datetime
) -> bool:
    code = result.failure_code or "UNKNOWN"
    reason = result.failure_reason or "The bank gave no reason."
    if not await PayrollRepository(uow.session).fail_instruction(
        i.id,
        i.version,
        bank_reference=result.bank_reference,
        failure_code=code,
        failure_reason=reason,
    ):
        return False
    await events.add(
        PaymentFailed(
            payment_id=str(i.id),
            payroll_id=str(i.payroll_id),
            case_id=i.case_id,
            programme=i.programme,
            region_code=i.region_code,
            month=i.month,
            amount=i.amount,
            failure_code=code,
            failure_reason=reason,
            failed_at=now,
        )
    )
    return True


async def record_bank_result(
    uow: UnitOfWork,
    *,
    instruction: InstructionRecord,
    result: BankResult,
    sink: EventSink | None = None,
) -> bool:
    """Apply one bank result; ``False`` when another sender already recorded it (nothing changes).

    ``PaymentSettled`` / ``PaymentFailed`` go to ``sink`` (the outbox in the same transaction
    by default).
    """
    events = sink or OutboxSink(uow.session, source=SOURCE)
    now = dt.datetime.now(dt.UTC)
    if result.status == PaymentStatus.SETTLED:
        recorded = await _settle(uow, instruction, result, events, now)
    else:
        recorded = await _fail(uow, instruction, result, events, now)
    if recorded:
        await PayrollRepository(uow.session).mark_submitted(instruction.payroll_id, now)
    return recorded


async def complete_payroll(uow: UnitOfWork, *, payroll_id: str) -> PayrollRead:
    """Close the payroll when every instruction has a result and the totals reconcile."""
    repo = PayrollRepository(uow.session)
    p = await repo.get(payroll_id, for_update=True)
    if p.status != PayrollStatus.COMPLETED:
        state = outcome(
            Totals(p.control_count, p.control_total), await repo.instruction_amounts(p.id)
        )
        if state.complete and state.reconciles:
            await repo.complete(
                p.id,
                p.version,
                state=state,
                completed_at=dt.datetime.now(dt.UTC),
                submitted_at=p.submitted_at or dt.datetime.now(dt.UTC),
            )
        elif state.complete:
            log.error("payroll %s does not reconcile with its control totals", p.id)
            await repo.note_error(p.id, error="results do not reconcile with control totals")
    return await read_payroll(uow, payroll_id=payroll_id)


async def record_send_failure(
    uow: UnitOfWork, *, payroll_id: str, error: str, backoff_base: float, backoff_max: float
) -> dt.datetime:
    """Schedule the next attempt with exponential back-off; instructions stay untouched."""
    repo = PayrollRepository(uow.session)
    p = await repo.get(payroll_id, for_update=True)
    attempts = p.send_attempts + 1
    at = dt.datetime.now(dt.UTC) + dt.timedelta(
        seconds=backoff_seconds(attempts, base=backoff_base, maximum=backoff_max)
    )
    await repo.schedule_retry(p.id, attempts=attempts, at=at, error=error[:2000])
    return at


async def list_due_payrolls(uow: UnitOfWork, *, now: dt.datetime, limit: int) -> list[str]:
    """Open payrolls whose next send attempt is due, oldest lock first."""
    return [str(pid) for pid in await PayrollRepository(uow.session).list_due(now=now, limit=limit)]


def _chunks(
    instructions: Sequence[InstructionRecord], size: int
) -> list[Sequence[InstructionRecord]]:
    return [instructions[i : i + size] for i in range(0, len(instructions), size)]


async def send_payroll(
    *, db: Database, bank: BankClient, cipher: FieldCipher, payroll_id: str, batch_size: int = 500
) -> PayrollRead:
    """Submit the payroll's pending instructions and record every result (safe to repeat).

    Raises :class:`BankUnavailable` / :class:`BankRejected` when the bank cannot be
    used; results already recorded stay recorded, the rest stay pending. ``cipher`` decrypts
    the stored account numbers for the bank's batch.
    """
    pid = parse_uuid(payroll_id, "payroll")
    async with db.uow() as uow:
        repo = PayrollRepository(uow.session)
        p = await repo.get(pid)
        pending = (
            []
            if p.status == PayrollStatus.COMPLETED
            else await repo.list_instructions(pid, status=PaymentStatus.PENDING)
        )
    for chunk in _chunks(pending, batch_size):
        results = {
            r.instruction_id: r
            for r in await bank.submit_batch(str(pid), [_transfer(i, cipher) for i in chunk])
        }
        for instruction in chunk:
            result = results.get(str(instruction.id))
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
