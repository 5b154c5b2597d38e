"""Queries over referral tables. Never commits."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import RowMapping, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from socialaid.core.errors import NotFound
from socialaid.referral.db import (
    case_ref,
    delivery,
    department,
    holiday,
    referral,
    referral_history,
    subscription,
)


def as_uuid(value: str, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError as exc:
        raise NotFound(f"No {what} {value}.") from exc


class DepartmentRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def add(self, **values: Any) -> RowMapping | None:
        """Insert a department; None when the code is taken."""
        return (
            (
                await self.session.execute(
                    insert(department)
                    .values(**values)
                    .on_conflict_do_nothing(index_elements=["code"])
                    .returning(*department.c)
                )
            )
            .mappings()
            .first()
        )

    async def get(self, code: str, *, for_update: bool = False) -> RowMapping:
        q = select(department).where(department.c.code == code)
        if for_update:
            q = q.with_for_update()
        row = (await self.session.execute(q)).mappings().first()
        if row is None:
            raise NotFound(f"No department {code}.")
        return row

    async def exists(self, code: str) -> bool:
        q = select(func.count()).select_from(department).where(department.c.code == code)
        return bool((await self.session.execute(q)).scalar_one())

    async def replace_subscriptions(self, code: str, rows: list[dict[str, Any]]) -> None:
        await self.session.execute(
            delete(subscription).where(subscription.c.department_code == code)
        )
        if rows:
            await self.session.execute(
                subscription.insert(), [{**r, "department_code": code} for r in rows]
            )
        await self.session.execute(
            update(department).where(department.c.code == code).values(updated_at=func.now())
        )

    async def list_subscriptions(self, code: str) -> Sequence[RowMapping]:
        return (
            (
                await self.session.execute(
                    select(subscription)
                    .where(subscription.c.department_code == code)
                    .order_by(subscription.c.id)
                )
            )
            .mappings()
            .all()
        )

    async def subscriptions_for(self, event_type: str) -> Sequence[RowMapping]:
        return (
            (
                await self.session.execute(
                    select(subscription)
                    .where(subscription.c.event_types.contains([event_type]))
                    .order_by(subscription.c.id)
                )
            )
            .mappings()
            .all()
        )

    async def upsert_case_ref(
        self, *, case_id: str, region_code: str, programme: str, event_type: str
    ) -> None:
        stmt = insert(case_ref).values(
            case_id=case_id,
            region_code=region_code,
            programme=programme,
            last_event_type=event_type,
        )
        await self.session.execute(
            stmt.on_conflict_do_update(
                index_elements=["case_id"],
                set_={
                    "region_code": stmt.excluded.region_code,
                    "programme": stmt.excluded.programme,
                    "last_event_type": stmt.excluded.last_event_type,
                    "updated_at": func.now(),
                },
            )
        )

    async def get_case_ref(self, case_id: str) -> RowMapping | None:
        return (
            (await self.session.execute(select(case_ref).where(case_ref.c.case_id == case_id)))
            .mappings()
            .first()
        )

    async def list_holidays(self, *, year: int | None = None) -> Sequence[RowMapping]:
        q = select(holiday).order_by(holiday.c.day)
        if year is not None:
            q = q.where(
                holiday.c.day >= dt.date(year, 1, 1), holiday.c.day <= dt.date(year, 12, 31)
            )
        return (await self.session.execute(q)).mappings().all()

    async def put_holiday(self, **values: Any) -> RowMapping:
        stmt = insert(holiday).values(**values)
        return (
            (
                await self.session.execute(
                    stmt.on_conflict_do_update(
                        index_elements=["day"],
                        set_={k: stmt.excluded[k] for k in ("kind", "name", "source")},
                    ).returning(*holiday.c)
                )
            )
            .mappings()
            .one()
        )


class DeliveryRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def add(self, **values: Any) -> bool:
        """One delivery per (department, event); False when it already exists."""
        res = await self.session.execute(
            insert(delivery)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["department_code", "event_id"])
            .returning(delivery.c.id)
        )
        return res.first() is not None

    async def get(self, delivery_id: str, *, for_update: bool = False) -> RowMapping:
        q = select(delivery).where(delivery.c.id == as_uuid(delivery_id, "delivery"))
        if for_update:
            q = q.with_for_update()
        row = (await self.session.execute(q)).mappings().first()
        if row is None:
            raise NotFound(f"No delivery {delivery_id}.")
        return row

    async def list_for(self, code: str, *, status: str | None, limit: int) -> Sequence[RowMapping]:
        q = select(delivery).where(delivery.c.department_code == code)
        if status:
            q = q.where(delivery.c.status == status)
        return (
            (
                await self.session.execute(
                    q.order_by(delivery.c.created_at, delivery.c.id).limit(limit)
                )
            )
            .mappings()
            .all()
        )

    async def claim_due(
        self, *, now: dt.datetime, lease_until: dt.datetime, limit: int
    ) -> Sequence[RowMapping]:
        """Lock due webhook deliveries (SKIP LOCKED) and lease them so no other worker sends them."""
        rows = (
            (
                await self.session.execute(
                    select(
                        delivery.c.id,
                        delivery.c.event_id,
                        delivery.c.payload,
                        delivery.c.attempts,
                        department.c.webhook_url,
                        department.c.webhook_secret_encrypted,
                    )
                    .join(department, department.c.code == delivery.c.department_code)
                    .where(
                        delivery.c.status == "pending",
                        delivery.c.next_attempt_at <= now,
                        department.c.webhook_url.is_not(None),
                    )
                    .order_by(delivery.c.next_attempt_at, delivery.c.id)
                    .limit(limit)
                    .with_for_update(of=delivery, skip_locked=True)
                )
            )
            .mappings()
            .all()
        )
        if rows:
            await self.session.execute(
                update(delivery)
                .where(delivery.c.id.in_([r["id"] for r in rows]))
                .values(next_attempt_at=lease_until)
            )
        return rows

    async def update(
        self, delivery_id: uuid.UUID, *, only_pending: bool = True, **values: Any
    ) -> bool:
        q = update(delivery).where(delivery.c.id == delivery_id)
        if only_pending:
            q = q.where(delivery.c.status == "pending")
        res = await self.session.execute(q.values(**values).returning(delivery.c.id))
        return res.first() is not None


class ReferralRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def add(self, **values: Any) -> RowMapping:
        return (
            (await self.session.execute(referral.insert().values(**values).returning(*referral.c)))
            .mappings()
            .one()
        )

    async def get(self, referral_id: str, *, for_update: bool = False) -> RowMapping:
        q = select(referral).where(referral.c.id == as_uuid(referral_id, "referral"))
        if for_update:
            q = q.with_for_update()
        row = (await self.session.execute(q)).mappings().first()
        if row is None:
            raise NotFound(f"No referral {referral_id}.")
        return row

    async def update(self, referral_id: uuid.UUID, **values: Any) -> RowMapping:
        return (
            (
                await self.session.execute(
                    update(referral)
                    .where(referral.c.id == referral_id)
                    .values(**values)
                    .returning(*referral.c)
                )
            )
            .mappings()
            .one()
        )

    async def add_history(
        self,
        *,
        referral_id: uuid.UUID,
        from_status: str | None,
        to_status: str,
        actor: str,
        note: str | None = None,
    ) -> None:
        await self.session.execute(
            referral_history.insert().values(
                referral_id=referral_id,
                from_status=from_status,
                to_status=to_status,
                actor=actor,
                note=note,
            )
        )

    async def list_history(self, referral_id: uuid.UUID) -> Sequence[RowMapping]:
        return (
            (
                await self.session.execute(
                    select(referral_history)
                    .where(referral_history.c.referral_id == referral_id)
                    .order_by(referral_history.c.id)
                )
            )
            .mappings()
            .all()
        )

    async def list(
        self,
        *,
        department_code: str | None,
        status: str | None,
        case_id: str | None,
        limit: int,
        offset: int,
    ) -> Sequence[RowMapping]:
        q = select(referral).order_by(referral.c.due_at, referral.c.id)
        if department_code:
            q = q.where(referral.c.department_code == department_code)
        if status:
            q = q.where(referral.c.status == status)
        if case_id:
            q = q.where(referral.c.case_id == case_id)
        return (await self.session.execute(q.limit(limit).offset(offset))).mappings().all()

    async def mark_overdue(self, *, now: dt.datetime) -> Sequence[RowMapping]:
        """Open referrals past their deadline become overdue (locked rows are left for the next pass)."""
        due = (
            select(referral.c.id)
            .where(referral.c.status == "open", referral.c.due_at < now)
            .with_for_update(skip_locked=True)
        )
        return (
            (
                await self.session.execute(
                    update(referral)
                    .where(referral.c.id.in_(due))
                    .values(status="overdue", escalated_at=now)
                    .returning(referral.c.id, referral.c.department_code, referral.c.due_at)
                )
            )
            .mappings()
            .all()
        )
