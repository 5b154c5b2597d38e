"""The fund ledger (资金台账): one disbursement entry per settled payment, never two."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import and_, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from socialaid.db.records import values_of
from socialaid.payments.db import ledger_entry
from socialaid.payments.domain.records import LedgerTotals, NewLedgerEntry


class LedgerRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def add(self, entry: NewLedgerEntry) -> None:
        """Insert the entry unless the payment already has one (the unique key on payment_id)."""
        await self.session.execute(
            insert(ledger_entry)
            .values(**values_of(entry))
            .on_conflict_do_nothing(index_elements=["payment_id"])
        )

    async def summary(
        self, *, programme: str | None, regions: Sequence[str] | None, month: str | None
    ) -> LedgerTotals:
        conds = [ledger_entry.c.kind == "disbursement"]
        if programme is not None:
            conds.append(ledger_entry.c.programme == programme)
        if regions is not None:
            conds.append(ledger_entry.c.region_code.in_(regions))
        if month is not None:
            conds.append(ledger_entry.c.month == month)
        row = (
            await self.session.execute(
                select(
                    func.count().label("entries"),
                    func.coalesce(func.sum(ledger_entry.c.amount), Decimal("0.00")).label("total"),
                ).where(and_(*conds))
            )
        ).one()
        return LedgerTotals(entries=row.entries, total=row.total)
