"""Payrolls and their payment instructions (R-PA-01, R-PA-03, R-PA-04).

Every change bumps the row's ``version``; the bank's answer is recorded once
(only a still-pending instruction at the expected version changes).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from socialaid.core.errors import NotFound
from socialaid.db.records import parse_uuid, to_record, values_of
from socialaid.payments.db import payment_instruction, payment_person, payroll
from socialaid.payments.domain.payroll import Outcome, PaymentState, PayrollStatus, Totals
from socialaid.payments.domain.records import (
    InstructionRecord,
    NewInstruction,
    NewPaymentPerson,
    NewPayroll,
    PayrollRecord,
)


class PayrollRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    # ------------------------------------------------------------ payrolls
    async def add(self, new: NewPayroll) -> bool:
        """Insert unless the region already has the programme's payroll for the month."""
        stmt = (
            insert(payroll)
            .values(**values_of(new))
            .on_conflict_do_nothing(index_elements=["region_code", "programme", "month"])
            .returning(payroll.c.id)
        )
        return (await self.session.execute(stmt)).first() is not None

    async def get(self, payroll_id: str | uuid.UUID, *, for_update: bool = False) -> PayrollRecord:
        q = select(payroll).where(payroll.c.id == parse_uuid(payroll_id, "payroll"))
        if for_update:
            q = q.with_for_update()
        row = (await self.session.execute(q)).first()
        if row is None:
            raise NotFound(f"No payroll {payroll_id}.")
        return to_record(PayrollRecord, row)

    async def get_of(self, *, region_code: str, programme: str, month: str) -> PayrollRecord | None:
        row = (
            await self.session.execute(
                select(payroll).where(
                    payroll.c.region_code == region_code,
                    payroll.c.programme == programme,
                    payroll.c.month == month,
                )
            )
        ).first()
        return None if row is None else to_record(PayrollRecord, row)

    async def _update(
        self, payroll_id: uuid.UUID, expected_version: int | None = None, **values: Any
    ) -> bool:
        q = update(payroll).where(payroll.c.id == payroll_id)
        if expected_version is not None:
            q = q.where(payroll.c.version == expected_version)
        res = await self.session.execute(q.values(version=payroll.c.version + 1, **values))
        return res.rowcount == 1  # type: ignore[attr-defined,no-any-return]  # rowcount exists on CursorResult

    async def set_control_totals(
        self, payroll_id: uuid.UUID, *, control: Totals, skipped_count: int
    ) -> None:
        await self._update(
            payroll_id,
            control_count=control.count,
            control_total=control.total,
            skipped_count=skipped_count,
        )

    async def complete(
        self,
        payroll_id: uuid.UUID,
        expected_version: int,
        *,
        state: Outcome,
        completed_at: dt.datetime,
        submitted_at: dt.datetime,
    ) -> bool:
        """Close the payroll with the bank's settled and failed totals (at the expected version)."""
        return await self._update(
            payroll_id,
            expected_version,
            status=PayrollStatus.COMPLETED,
            completed_at=completed_at,
            settled_count=state.settled.count,
            settled_total=state.settled.total,
            failed_count=state.failed.count,
            failed_total=state.failed.total,
            next_attempt_at=None,
            last_error=None,
            submitted_at=submitted_at,
        )

    async def note_error(self, payroll_id: uuid.UUID, *, error: str) -> None:
        await self._update(payroll_id, last_error=error)

    async def schedule_retry(
        self, payroll_id: uuid.UUID, *, attempts: int, at: dt.datetime, error: str
    ) -> None:
        await self._update(payroll_id, send_attempts=attempts, next_attempt_at=at, last_error=error)

    async def mark_submitted(self, payroll_id: uuid.UUID, at: dt.datetime) -> None:
        await self.session.execute(
            update(payroll)
            .where(payroll.c.id == payroll_id, payroll.c.status == PayrollStatus.LOCKED)
            .values(status=PayrollStatus.SUBMITTED, submitted_at=at, version=payroll.c.version + 1)
        )

    async def list_due(self, *, now: dt.datetime, limit: int) -> list[uuid.UUID]:
        """Open payrolls whose next send attempt is due, oldest lock first."""
        ids = await self.session.scalars(
            select(payroll.c.id)
            .where(
                payroll.c.status != PayrollStatus.COMPLETED,
                or_(payroll.c.next_attempt_at.is_(None), payroll.c.next_attempt_at <= now),
            )
            .order_by(payroll.c.locked_at)
            .limit(limit)
        )
        return list(ids)

    # ------------------------------------------------------------ instructions
    async def add_instructions(self, instructions: Sequence[NewInstruction]) -> set[str]:
        """Insert instructions; a case already paid for the month (any payroll) is skipped.

        Returns the case ids that got an instruction.
        """
        if not instructions:
            return set()
        stmt = (
            insert(payment_instruction)
            .values([values_of(i) for i in instructions])
            .on_conflict_do_nothing(index_elements=["case_id", "programme", "month"])
            .returning(payment_instruction.c.case_id)
        )
        return set((await self.session.execute(stmt)).scalars().all())

    async def payrolls_of_cases(
        self, *, case_ids: Sequence[str], programme: str, month: str
    ) -> dict[str, uuid.UUID]:
        """Case id → the payroll that already has its instruction for the month."""
        rows = await self.session.execute(
            select(payment_instruction.c.case_id, payment_instruction.c.payroll_id).where(
                payment_instruction.c.case_id.in_(case_ids),
                payment_instruction.c.programme == programme,
                payment_instruction.c.month == month,
            )
        )
        return {r.case_id: r.payroll_id for r in rows}

    async def add_payment_persons(self, persons: Sequence[NewPaymentPerson]) -> set[uuid.UUID]:
        """Record who each new instruction pays for; the unique key on (person, programme, month)
        refuses a person already paid by another instruction, even one a concurrent payroll is
        still writing (the insert waits for it).

        Returns the ids of the instructions some of whose people were refused: the caller removes
        them (:meth:`remove_instructions`) in the same transaction.
        """
        if not persons:
            return set()
        stmt = (
            insert(payment_person)
            .values([values_of(p) for p in persons])
            .on_conflict_do_nothing(index_elements=["person_hash", "programme", "month"])
            .returning(payment_person.c.payment_id, payment_person.c.person_hash)
        )
        written = {(r.payment_id, r.person_hash) for r in await self.session.execute(stmt)}
        return {p.payment_id for p in persons if (p.payment_id, p.person_hash) not in written}

    async def remove_instructions(self, payment_ids: Collection[uuid.UUID]) -> None:
        """Drop instructions of the payroll being built (never sent) with their people."""
        if not payment_ids:
            return
        await self.session.execute(
            delete(payment_person).where(payment_person.c.payment_id.in_(payment_ids))
        )
        await self.session.execute(
            delete(payment_instruction).where(
                payment_instruction.c.id.in_(payment_ids),
                payment_instruction.c.status == "pending",
            )
        )

    async def payers_of_persons(
        self, *, person_hashes: Collection[str], programme: str, month: str
    ) -> dict[str, tuple[str, uuid.UUID]]:
        """Person hash → (case id, payroll id) of the instruction already paying them."""
        if not person_hashes:
            return {}
        rows = await self.session.execute(
            select(
                payment_person.c.person_hash,
                payment_instruction.c.case_id,
                payment_instruction.c.payroll_id,
            )
            .join(payment_instruction, payment_instruction.c.id == payment_person.c.payment_id)
            .where(
                payment_person.c.person_hash.in_(person_hashes),
                payment_person.c.programme == programme,
                payment_person.c.month == month,
            )
        )
        return {r.person_hash: (r.case_id, r.payroll_id) for r in rows}

    async def list_instructions(
        self,
        payroll_id: uuid.UUID,
        *,
        status: PaymentState | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[InstructionRecord]:
        q = select(payment_instruction).where(payment_instruction.c.payroll_id == payroll_id)
        if status is not None:
            q = q.where(payment_instruction.c.status == status)
        q = q.order_by(payment_instruction.c.region_code, payment_instruction.c.case_id).offset(
            offset
        )
        if limit is not None:
            q = q.limit(limit)
        return [to_record(InstructionRecord, r) for r in await self.session.execute(q)]

    async def get_instruction(self, payment_id: str | uuid.UUID) -> InstructionRecord:
        row = (
            await self.session.execute(
                select(payment_instruction).where(
                    payment_instruction.c.id == parse_uuid(payment_id, "payment")
                )
            )
        ).first()
        if row is None:
            raise NotFound(f"No payment {payment_id}.")
        return to_record(InstructionRecord, row)

    async def _resolve(self, payment_id: uuid.UUID, expected_version: int, **values: Any) -> bool:
        """Record the bank's answer once: only a still-pending row at the expected version changes."""
        res = await self.session.execute(
            update(payment_instruction)
            .where(
                payment_instruction.c.id == payment_id,
                payment_instruction.c.version == expected_version,
                payment_instruction.c.status == "pending",
            )
            .values(
                version=expected_version + 1,
                attempts=payment_instruction.c.attempts + 1,
                resolved_at=func.now(),
                **values,
            )
        )
        return res.rowcount == 1  # type: ignore[attr-defined,no-any-return]  # rowcount exists on CursorResult

    async def settle_instruction(
        self, payment_id: uuid.UUID, expected_version: int, *, bank_reference: str
    ) -> bool:
        """``False`` when the instruction is no longer pending at that version (nothing changes)."""
        return await self._resolve(
            payment_id, expected_version, status="settled", bank_reference=bank_reference
        )

    async def fail_instruction(
        self,
        payment_id: uuid.UUID,
        expected_version: int,
        *,
        bank_reference: str | None,
        failure_code: str,
        failure_reason: str,
    ) -> bool:
        """``False`` when the instruction is no longer pending at that version (nothing changes)."""
        return await self._resolve(
            payment_id,
            expected_version,
            status="failed",
            bank_reference=bank_reference,
            failure_code=failure_code,
            failure_reason=failure_reason,
        )

    async def instruction_amounts(self, payroll_id: uuid.UUID) -> list[tuple[str, Decimal]]:
        """``(status, amount)`` of every instruction of the payroll."""
        rows = await self.session.execute(
            select(payment_instruction.c.status, payment_instruction.c.amount).where(
                payment_instruction.c.payroll_id == payroll_id
            )
        )
        return [(r.status, r.amount) for r in rows]
