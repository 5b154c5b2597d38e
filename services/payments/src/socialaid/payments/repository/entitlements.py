"""Entitlements, their changes and the adjustments recalculations leave (R-PA-03, R-CA-01)."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from socialaid.core.errors import Conflict
from socialaid.db.records import to_record, values_of
from socialaid.payments.db import (
    adjustment,
    entitlement,
    entitlement_beneficiary,
    entitlement_change,
)
from socialaid.payments.domain.records import (
    AdjustmentRecord,
    EntitlementChangeRecord,
    EntitlementRecord,
    EntitlementTerms,
    NewAdjustment,
    NewEntitlement,
    NewEntitlementChange,
)


class EntitlementRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def add(self, new: NewEntitlement) -> bool:
        """Insert unless the case already has an entitlement for the programme."""
        stmt = (
            insert(entitlement)
            .values(
                id=new.id,
                case_id=new.case_id,
                programme=new.programme,
                status=new.status,
                version=new.version,
                source_event_id=new.source_event_id,
                **values_of(new.terms),
            )
            .on_conflict_do_nothing(index_elements=["case_id", "programme"])
            .returning(entitlement.c.id)
        )
        return (await self.session.execute(stmt)).first() is not None

    async def get_of_case(
        self, case_id: str, programme: str, *, for_update: bool = False
    ) -> EntitlementRecord | None:
        q = select(entitlement).where(
            entitlement.c.case_id == case_id, entitlement.c.programme == programme
        )
        if for_update:
            q = q.with_for_update()
        row = (await self.session.execute(q)).first()
        return None if row is None else to_record(EntitlementRecord, row)

    async def _update(
        self, entitlement_id: uuid.UUID, expected_version: int, **values: Any
    ) -> None:
        res = await self.session.execute(
            update(entitlement)
            .where(entitlement.c.id == entitlement_id, entitlement.c.version == expected_version)
            .values(version=expected_version + 1, updated_at=func.now(), **values)
        )
        if res.rowcount != 1:  # type: ignore[attr-defined]  # rowcount exists on CursorResult
            raise Conflict("The entitlement changed meanwhile; retry.", code="stale_entitlement")

    async def set_terms(
        self,
        entitlement_id: uuid.UUID,
        expected_version: int,
        *,
        terms: EntitlementTerms,
        source_event_id: str | None,
    ) -> None:
        """New terms from a later approval; :class:`Conflict` when the version moved on."""
        await self._update(
            entitlement_id, expected_version, source_event_id=source_event_id, **values_of(terms)
        )

    async def set_monthly_amount(
        self, entitlement_id: uuid.UUID, expected_version: int, *, amount: Decimal
    ) -> None:
        """A recalculated monthly amount; :class:`Conflict` when the version moved on."""
        await self._update(entitlement_id, expected_version, monthly_amount=amount)

    async def add_change(self, change: NewEntitlementChange) -> None:
        await self.session.execute(entitlement_change.insert().values(**values_of(change)))

    async def change_applied(self, change_id: str) -> bool:
        """Was the recalculated change ``change_id`` applied already (whatever its event id)?"""
        found = await self.session.scalar(
            select(entitlement_change.c.id).where(entitlement_change.c.change_id == change_id)
        )
        return found is not None

    async def list_by_case(self, *, case_id: str | None, limit: int) -> list[EntitlementRecord]:
        q = select(entitlement).order_by(entitlement.c.created_at, entitlement.c.id).limit(limit)
        if case_id is not None:
            q = q.where(entitlement.c.case_id == case_id)
        return [to_record(EntitlementRecord, r) for r in await self.session.execute(q)]

    async def list_changes(self, entitlement_id: uuid.UUID) -> list[EntitlementChangeRecord]:
        rows = await self.session.execute(
            select(entitlement_change)
            .where(entitlement_change.c.entitlement_id == entitlement_id)
            .order_by(entitlement_change.c.id)
        )
        return [to_record(EntitlementChangeRecord, r) for r in rows]

    async def list_payable(
        self, *, regions: Sequence[str], programme: str, month: str
    ) -> list[EntitlementRecord]:
        """Active entitlements of the regions whose schedule covers ``month`` (R-PA-03)."""
        rows = await self.session.execute(
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
        return [to_record(EntitlementRecord, r) for r in rows]

    # ------------------------------------------------------------ beneficiaries
    async def set_beneficiaries(
        self, entitlement_id: uuid.UUID, person_hashes: Collection[str]
    ) -> None:
        """Replace the people the entitlement pays for (a later approval may change the roster).

        The hashes are intake's keyed ID hashes, stored and compared as sent: payments never
        hashes an ID number itself (each service has its own ``pii_hash_key``).
        """
        await self.session.execute(
            delete(entitlement_beneficiary).where(
                entitlement_beneficiary.c.entitlement_id == entitlement_id
            )
        )
        if person_hashes:
            await self.session.execute(
                insert(entitlement_beneficiary).values(
                    [
                        {"entitlement_id": entitlement_id, "person_hash": h}
                        for h in sorted(set(person_hashes))
                    ]
                )
            )

    async def beneficiaries_of(
        self, entitlement_ids: Collection[uuid.UUID]
    ) -> dict[uuid.UUID, frozenset[str]]:
        """Entitlement id → the people it pays for (absent: an older event named nobody)."""
        if not entitlement_ids:
            return {}
        rows = await self.session.execute(
            select(
                entitlement_beneficiary.c.entitlement_id, entitlement_beneficiary.c.person_hash
            ).where(entitlement_beneficiary.c.entitlement_id.in_(entitlement_ids))
        )
        found: dict[uuid.UUID, set[str]] = {}
        for r in rows:
            found.setdefault(r.entitlement_id, set()).add(r.person_hash)
        return {k: frozenset(v) for k, v in found.items()}

    # ------------------------------------------------------------ adjustments
    async def add_adjustment(self, new: NewAdjustment) -> None:
        await self.session.execute(adjustment.insert().values(**values_of(new)))

    async def list_adjustments(self, *, case_id: str | None, limit: int) -> list[AdjustmentRecord]:
        q = select(adjustment).order_by(adjustment.c.id).limit(limit)
        if case_id is not None:
            q = q.where(adjustment.c.case_id == case_id)
        return [to_record(AdjustmentRecord, r) for r in await self.session.execute(q)]
