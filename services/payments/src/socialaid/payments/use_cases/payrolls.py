"""Monthly payrolls: lock the month's payable entitlements with control totals (R-PA-01, R-PA-03, R-PA-04)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import RowMapping

from socialaid.contracts.events import PayrollLocked
from socialaid.core.errors import Conflict, RuleViolation
from socialaid.core.ids import uuid7
from socialaid.core.money import round_yuan
from socialaid.db import UnitOfWork
from socialaid.events.outbox import add_event
from socialaid.payments.domain.coverage import covered_regions
from socialaid.payments.domain.payroll import Totals, outcome
from socialaid.payments.repository import PaymentsRepository, parse_uuid
from socialaid.payments.schemas import PayrollCreate
from socialaid.payments.use_cases import SOURCE


def _instruction(payroll_id: uuid.UUID, month: str, ent: RowMapping) -> dict[str, Any]:
    return {
        "id": uuid7(),
        "payroll_id": payroll_id,
        "entitlement_id": ent["id"],
        "case_id": ent["case_id"],
        "programme": ent["programme"],
        "region_code": ent["region_code"],
        "month": month,
        "amount": round_yuan(ent["monthly_amount"]),
        "payee_account_name": ent["payee_account_name"],
        "payee_account_number": ent["payee_account_number"],
        "payee_bank_code": ent["payee_bank_code"],
        "status": "pending",
        "version": 1,
    }


async def create_payroll(uow: UnitOfWork, *, data: PayrollCreate) -> dict[str, Any]:
    """Lock one region's payroll for a month in one transaction, with one instruction per payable case.

    Cases already paid for the month by another payroll (e.g. a county payroll
    inside a city one) are skipped and reported; the unique key on
    (case, programme, month) guarantees it even under concurrent runs.
    """
    repo = PaymentsRepository(uow.session)
    existing = await repo.get_payroll_of(
        region_code=data.region_code, programme=data.programme, month=data.month
    )
    if existing is not None:
        raise Conflict(
            f"A {data.programme} payroll for {data.region_code} {data.month} already exists.",
            code="payroll_exists",
            extra={"payroll_id": str(existing["id"])},
        )
    entitlements = await repo.payable_entitlements(
        regions=covered_regions(data.region_code), programme=data.programme, month=data.month
    )
    if not entitlements:
        raise RuleViolation(
            f"No active {data.programme} entitlement in {data.region_code} covers {data.month}.",
            code="nothing_to_pay",
        )
    taken = {
        r["case_id"]: str(r["payroll_id"])
        for r in await repo.instructions_of_cases(
            case_ids=[e["case_id"] for e in entitlements],
            programme=data.programme,
            month=data.month,
        )
    }
    now = dt.datetime.now(dt.UTC)
    payroll_id = uuid7()
    if not await repo.add_payroll(
        id=payroll_id,
        region_code=data.region_code,
        programme=data.programme,
        month=data.month,
        status="locked",
        control_count=0,
        control_total=0,
        version=1,
        created_by=data.actor,
        locked_at=now,
    ):
        raise Conflict(
            f"A {data.programme} payroll for {data.region_code} {data.month} already exists.",
            code="payroll_exists",
        )
    rows = [
        _instruction(payroll_id, data.month, e) for e in entitlements if e["case_id"] not in taken
    ]
    paid = await repo.add_instructions(rows)
    skipped = [
        {
            "case_id": e["case_id"],
            "reason": "already_in_payroll",
            "payroll_id": taken.get(e["case_id"]),
        }
        for e in entitlements
        if e["case_id"] not in paid
    ]
    control = Totals.of(r["amount"] for r in rows if r["case_id"] in paid)
    if control.count == 0:
        raise RuleViolation(
            f"Every payable case of {data.region_code} for {data.month} is already in another payroll.",
            code="nothing_to_pay",
            extra={"skipped": skipped},
        )
    await repo.update_payroll(
        payroll_id,
        control_count=control.count,
        control_total=control.total,
        skipped_count=len(skipped),
    )
    await add_event(
        uow.session,
        PayrollLocked(
            payroll_id=str(payroll_id),
            region_code=data.region_code,
            month=data.month,
            programme=data.programme,
            control_count=control.count,
            control_total=control.total,
            locked_at=now,
        ),
        source=SOURCE,
    )
    return {**await read_payroll(uow, payroll_id=str(payroll_id)), "skipped": skipped}


async def read_payroll(uow: UnitOfWork, *, payroll_id: str) -> dict[str, Any]:
    """The payroll with live counts and totals per status against its control totals."""
    repo = PaymentsRepository(uow.session)
    row = await repo.get_payroll(payroll_id)
    state = outcome(
        Totals(row["control_count"], row["control_total"]),
        await repo.instruction_amounts(row["id"]),
    )
    return {
        "payroll_id": str(row["id"]),
        "region_code": row["region_code"],
        "programme": row["programme"],
        "month": row["month"],
        "status": row["status"],
        "control_count": row["control_count"],
        "control_total": row["control_total"],
        "settled_count": state.settled.count,
        "settled_total": state.settled.total,
        "failed_count": state.failed.count,
        "failed_total": state.failed.total,
        "pending_count": state.pending.count,
        "pending_total": state.pending.total,
        "reconciled": state.reconciles,
        "skipped_count": row["skipped_count"],
        "send_attempts": row["send_attempts"],
        "next_attempt_at": row["next_attempt_at"],
        "last_error": row["last_error"],
        "created_by": row["created_by"],
        "locked_at": row["locked_at"],
        "submitted_at": row["submitted_at"],
        "completed_at": row["completed_at"],
    }


def payment_view(row: RowMapping) -> dict[str, Any]:
    return {
        "payment_id": str(row["id"]),
        "payroll_id": str(row["payroll_id"]),
        "entitlement_id": str(row["entitlement_id"]),
        "case_id": row["case_id"],
        "programme": row["programme"],
        "region_code": row["region_code"],
        "month": row["month"],
        "amount": row["amount"],
        "payee": {
            "account_name": row["payee_account_name"],
            "account_number": row["payee_account_number"],
            "bank_code": row["payee_bank_code"],
        },
        "status": row["status"],
        "bank_reference": row["bank_reference"],
        "failure_code": row["failure_code"],
        "failure_reason": row["failure_reason"],
        "attempts": row["attempts"],
        "version": row["version"],
        "resolved_at": row["resolved_at"],
    }


async def list_payroll_payments(
    uow: UnitOfWork, *, payroll_id: str, status: str | None, limit: int, offset: int
) -> list[dict[str, Any]]:
    repo = PaymentsRepository(uow.session)
    row = await repo.get_payroll(payroll_id)
    return [
        payment_view(r)
        for r in await repo.list_instructions(row["id"], status=status, limit=limit, offset=offset)
    ]


async def read_payment(uow: UnitOfWork, *, payment_id: str) -> dict[str, Any]:
    return payment_view(
        await PaymentsRepository(uow.session).get_instruction(parse_uuid(payment_id, "payment"))
    )
