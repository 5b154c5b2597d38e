"""Queries over payments tables. Never commits."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import RowMapping, and_, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from socialaid.core.errors import Conflict, NotFound
from socialaid.payments.db import (
    adjustment,
    entitlement,
    entitlement_change,
    ledger_entry,
    payment_instruction,
    payroll,
)


def parse_uuid(value: str | uuid.UUID, what: str) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(value)
    except ValueError as exc:
        raise NotFound(f"No {what} {value}.") from exc


class PaymentsRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    # ------------------------------------------------------------ entitlements
    async def add_entitlement(self, **values: Any) -> bool:
        """Insert unless the case already has an entitlement for the programme."""
        stmt = (
            insert(entitlement)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["case_id", "programme"])
            .returning(entitlement.c.id)
        )
        return (await self.session.execute(stmt)).first() is not None

    async def get_entitlement_of_case(
        self, case_id: str, programme: str, *, for_update: bool = False
    ) -> RowMapping | None:
        q = select(entitlement).where(
            entitlement.c.case_id == case_id, entitlement.c.programme == programme
        )
        if for_update:
            q = q.with_for_update()
        return (await self.session.execute(q)).mappings().first()

    async def update_entitlement(
        self, entitlement_id: uuid.UUID, expected_version: int, **values: Any
    ) -> None:
        res = await self.session.execute(
            update(entitlement)
            .where(entitlement.c.id == entitlement_id, entitlement.c.version == expected_version)
            .values(version=expected_version + 1, updated_at=func.now(), **values)
        )
        if res.rowcount != 1:  # type: ignore[attr-defined]
            raise Conflict("The entitlement changed meanwhile; retry.", code="stale_entitlement")

    async def add_entitlement_change(self, **values: Any) -> None:
        await self.session.execute(entitlement_change.insert().values(**values))

    async def list_entitlements(self, *, case_id: str | None, limit: int) -> Sequence[RowMapping]:
        q = select(entitlement).order_by(entitlement.c.created_at, entitlement.c.id).limit(limit)
        if case_id is not None:
            q = q.where(entitlement.c.case_id == case_id)
        return (await self.session.execute(q)).mappings().all()

    async def list_entitlement_changes(self, entitlement_id: uuid.UUID) -> Sequence[RowMapping]:
        return (
            (
                await self.session.execute(
                    select(entitlement_change)
                    .where(entitlement_change.c.entitlement_id == entitlement_id)
                    .order_by(entitlement_change.c.id)
                )
            )
            .mappings()
            .all()
        )

    async def payable_entitlements(
        self, *, regions: Sequence[str], programme: str, month: str
    ) -> Sequence[RowMapping]:
        """Active entitlements of the regions whose schedule covers ``month`` (R-PA-03)."""
        return (
            (
                await self.session.execute(
                    select(entitlement)
                    .where(
                        entitlement.c.region_code.in_(regions),
                        entitlement.c.programme == programme,
                        entitlement.c.status == "active",
                        entitlement.c.monthly_amount > 0,
                        entitlement.c.start_month <= month,
                        or_(entitlement.c.end_month.is_(None), entitlement.c.end_month >= month),
                    )
                    .order_by(entitlement.c.region_code, entitlement.c.case_id)
                )
            )
            .mappings()
            .all()
        )

    async def entitlement_change_applied(self, change_id: str) -> bool:
        """Was the recalculated change ``change_id`` applied already (whatever its event id)?"""
        found = await self.session.scalar(
            select(entitlement_change.c.id).where(entitlement_change.c.change_id == change_id)
        )
        return found is not None

    # ------------------------------------------------------------ adjustments
    async def add_adjustment(self, **values: Any) -> None:
        await self.session.execute(adjustment.insert().values(**values))

    async def list_adjustments(self, *, case_id: str | None, limit: int) -> Sequence[RowMapping]:
        q = select(adjustment).order_by(adjustment.c.id).limit(limit)
        if case_id is not None:
            q = q.where(adjustment.c.case_id == case_id)
        return (await self.session.execute(q)).mappings().all()

    # ------------------------------------------------------------ payrolls
    async def add_payroll(self, **values: Any) -> bool:
        stmt = (
            insert(payroll)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["region_code", "programme", "month"])
            .returning(payroll.c.id)
        )
        return (await self.session.execute(stmt)).first() is not None

    async def get_payroll(
        self, payroll_id: str | uuid.UUID, *, for_update: bool = False
    ) -> RowMapping:
        q = select(payroll).where(payroll.c.id == parse_uuid(payroll_id, "payroll"))
        if for_update:
            q = q.with_for_update()
        row = (await self.session.execute(q)).mappings().first()
        if row is None:
            raise NotFound(f"No payroll {payroll_id}.")
        return row

    async def get_payroll_of(
        self, *, region_code: str, programme: str, month: str
    ) -> RowMapping | None:
        return (
            (
                await self.session.execute(
                    select(payroll).where(
                        payroll.c.region_code == region_code,
                        payroll.c.programme == programme,
                        payroll.c.month == month,
                    )
                )
            )
            .mappings()
            .first()
        )

    async def update_payroll(
        self, payroll_id: uuid.UUID, expected_version: int | None = None, **values: Any
    ) -> bool:
        q = update(payroll).where(payroll.c.id == payroll_id)
        if expected_version is not None:
            q = q.where(payroll.c.version == expected_version)
        res = await self.session.execute(q.values(version=payroll.c.version + 1, **values))
        return res.rowcount == 1  # type: ignore[attr-defined,no-any-return]

    async def mark_submitted(self, payroll_id: uuid.UUID, at: dt.datetime) -> None:
        await self.session.execute(
            update(payroll)
            .where(payroll.c.id == payroll_id, payroll.c.status == "locked")
            .values(status="submitted", submitted_at=at, version=payroll.c.version + 1)
        )

    async def due_payrolls(self, *, now: dt.datetime, limit: int) -> Sequence[uuid.UUID]:
        return (
            (
                await self.session.execute(
                    select(payroll.c.id)
                    .where(
                        payroll.c.status != "completed",
                        or_(payroll.c.next_attempt_at.is_(None), payroll.c.next_attempt_at <= now),
                    )
                    .order_by(payroll.c.locked_at)
                    .limit(limit)
                )
            )
            .scalars()
            .all()
        )

    # ------------------------------------------------------------ instructions
    async def add_instructions(self, rows: list[dict[str, Any]]) -> set[str]:
        """Insert instructions; a case already paid for the month (any payroll) is skipped.

        Returns the case ids that got an instruction.
        """
        if not rows:
            return set()
        stmt = (
            insert(payment_instruction)
            .values(rows)
            .on_conflict_do_nothing(index_elements=["case_id", "programme", "month"])
            .returning(payment_instruction.c.case_id)
        )
        return set((await self.session.execute(stmt)).scalars().all())

    async def instructions_of_cases(
        self, *, case_ids: Sequence[str], programme: str, month: str
    ) -> Sequence[RowMapping]:
        return (
            (
                await self.session.execute(
                    select(
                        payment_instruction.c.case_id,
                        payment_instruction.c.payroll_id,
                        payment_instruction.c.id,
                    ).where(
                        payment_instruction.c.case_id.in_(case_ids),
                        payment_instruction.c.programme == programme,
                        payment_instruction.c.month == month,
                    )
                )
            )
            .mappings()
            .all()
        )

    async def list_instructions(
        self,
        payroll_id: uuid.UUID,
        *,
        status: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> Sequence[RowMapping]:
        q = select(payment_instruction).where(payment_instruction.c.payroll_id == payroll_id)
        if status is not None:
            q = q.where(payment_instruction.c.status == status)
        q = q.order_by(payment_instruction.c.region_code, payment_instruction.c.case_id).offset(
            offset
        )
        if limit is not None:
            q = q.limit(limit)
        return (await self.session.execute(q)).mappings().all()

    async def get_instruction(self, payment_id: str | uuid.UUID) -> RowMapping:
        row = (
            (
                await self.session.execute(
                    select(payment_instruction).where(
                        payment_instruction.c.id == parse_uuid(payment_id, "payment")
                    )
                )
            )
            .mappings()
            .first()
        )
        if row is None:
            raise NotFound(f"No payment {payment_id}.")
        return row

    async def resolve_instruction(
        self, payment_id: uuid.UUID, expected_version: int, **values: Any
    ) -> bool:
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
        return res.rowcount == 1  # type: ignore[attr-defined,no-any-return]

    async def instruction_amounts(self, payroll_id: uuid.UUID) -> Sequence[tuple[str, Decimal]]:
        rows = (
            await self.session.execute(
                select(payment_instruction.c.status, payment_instruction.c.amount).where(
                    payment_instruction.c.payroll_id == payroll_id
                )
            )
        ).all()
        return [(r[0], r[1]) for r in rows]

    # ------------------------------------------------------------ fund ledger
    async def add_ledger_entry(self, **values: Any) -> None:
        await self.session.execute(
            insert(ledger_entry)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["payment_id"])
        )

    async def ledger_summary(
        self, *, programme: str | None, regions: Sequence[str] | None, month: str | None
    ) -> RowMapping:
        conds = [ledger_entry.c.kind == "disbursement"]
        if programme is not None:
            conds.append(ledger_entry.c.programme == programme)
        if regions is not None:
            conds.append(ledger_entry.c.region_code.in_(regions))
        if month is not None:
            conds.append(ledger_entry.c.month == month)
        return (
            (
                await self.session.execute(
                    select(
                        func.count().label("entries"),
                        func.coalesce(func.sum(ledger_entry.c.amount), Decimal("0.00")).label(
                            "total"
                        ),
                    ).where(and_(*conds))
                )
            )
            .mappings()
            .one()
        )
