"""Active entitlements and their household facts, as events keep them (R-CA-01). Never commits."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import func, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from socialaid.benefits.db import active_entitlement, entitlement_facts
from socialaid.benefits.domain.recalc_inputs import Aggregates

_ADVANCE_PAID = text(
    "UPDATE active_entitlement SET last_paid_month = greatest(last_paid_month, :m), "
    "updated_at = now() WHERE case_id = :c"
)


class EntitlementRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def put(
        self,
        *,
        case_id: str,
        programme: str,
        region_code: str,
        start_month: str,
        amount: Decimal,
        assessment_id: uuid.UUID,
    ) -> int:
        """Create the case's entitlement, or replace it (a later approval); its id."""
        values: dict[str, Any] = {
            "programme": programme,
            "region_code": region_code,
            "start_month": start_month,
            "approved_amount": amount,
            "monthly_amount": amount,
            "amount_from_month": start_month,
            "status": "active",
            "assessment_id": assessment_id,
        }
        stmt = (
            insert(active_entitlement)
            .values(case_id=case_id, **values)
            .on_conflict_do_update(
                index_elements=["case_id"], set_={**values, "updated_at": func.now()}
            )
            .returning(active_entitlement.c.id)
        )
        return int((await self.session.execute(stmt)).scalar_one())

    async def put_facts(self, entitlement_id: int, aggregates: Aggregates) -> None:
        """The household aggregates of an entitlement (the row of ``entitlement_facts``)."""
        facts = aggregates.row()
        await self.session.execute(
            insert(entitlement_facts)
            .values(entitlement_id=entitlement_id, **facts)
            .on_conflict_do_update(index_elements=["entitlement_id"], set_=facts)
        )

    async def advance_last_paid(self, case_id: str, month: str) -> None:
        """``month`` was paid: the last paid month moves forward, never back."""
        await self.session.execute(_ADVANCE_PAID, {"m": month, "c": case_id})
