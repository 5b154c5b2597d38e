"""Queries over referral tables; rows come back as the records of ``domain.records``.

Never commits: the caller's unit of work does.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from sqlalchemy import delete, func, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from socialaid.core.errors import NotFound
from socialaid.db.records import columns_of, parse_uuid, to_record, values_of
from socialaid.referral.db import (
    case_ref,
    delivery,
    department,
    holiday,
    referral,
    referral_history,
    subscription,
)
from socialaid.referral.domain.records import (
    CaseRef,
    DeliveryAttempt,
    DeliveryRecord,
    DepartmentRecord,
    DueDelivery,
    Holiday,
    NewDelivery,
    NewDepartment,
    NewReferral,
    OverdueReferral,
    ReferralRecord,
    ReferralReport,
    StatusChangeRecord,
    SubscriptionRecord,
)
from socialaid.referral.domain.referral import DeliveryStatus


class DepartmentRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def add(self, new: NewDepartment) -> DepartmentRecord | None:
        """Insert a department; None when the code is taken."""
        row = (
            (
                await self.session.execute(
                    insert(department)
                    .values(**values_of(new))
                    .on_conflict_do_nothing(index_elements=["code"])
                    .returning(*columns_of(department, DepartmentRecord))
                )
            )
            .mappings()
            .first()
        )
        return None if row is None else to_record(DepartmentRecord, row)

    async def get(self, code: str, *, for_update: bool = False) -> DepartmentRecord:
        q = select(*columns_of(department, DepartmentRecord)).where(department.c.code == code)
        if for_update:
            q = q.with_for_update()
        row = (await self.session.execute(q)).mappings().first()
        if row is None:
            raise NotFound(f"No department {code}.")
        return to_record(DepartmentRecord, row)

    async def exists(self, code: str) -> bool:
        q = select(func.count()).select_from(department).where(department.c.code == code)
        return bool((await self.session.execute(q)).scalar_one())

    async def replace_subscriptions(
        self, code: str, subscriptions: Sequence[SubscriptionRecord]
    ) -> None:
        await self.session.execute(
            delete(subscription).where(subscription.c.department_code == code)
        )
        if subscriptions:
            await self.session.execute(
                subscription.insert(),
                [{**values_of(s), "department_code": code} for s in subscriptions],
            )
        await self.session.execute(
            update(department).where(department.c.code == code).values(updated_at=func.now())
        )

    async def list_subscriptions(self, code: str) -> list[SubscriptionRecord]:
        rows = (
            await self.session.execute(
                select(*columns_of(subscription, SubscriptionRecord))
                .where(subscription.c.department_code == code)
                .order_by(subscription.c.id)
            )
        ).mappings()
        return [to_record(SubscriptionRecord, r) for r in rows]

    async def subscriptions_for(self, event_type: str) -> list[SubscriptionRecord]:
        rows = (
            await self.session.execute(
                select(*columns_of(subscription, SubscriptionRecord))
                .where(subscription.c.event_types.contains([event_type]))
                .order_by(subscription.c.id)
            )
        ).mappings()
        return [to_record(SubscriptionRecord, r) for r in rows]


class CaseRefRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def upsert(self, ref: CaseRef, *, event_type: str) -> None:
        stmt = insert(case_ref).values(**values_of(ref), last_event_type=event_type)
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

    async def get(self, case_id: str) -> CaseRef | None:
        row = (
            (
                await self.session.execute(
                    select(*columns_of(case_ref, CaseRef)).where(case_ref.c.case_id == case_id)
                )
            )
            .mappings()
            .first()
        )
        return None if row is None else to_record(CaseRef, row)


class CalendarRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def list_holidays(self, *, year: int | None = None) -> list[Holiday]:
        q = select(*columns_of(holiday, Holiday)).order_by(holiday.c.day)
        if year is not None:
            q = q.where(
                holiday.c.day >= dt.date(year, 1, 1), holiday.c.day <= dt.date(year, 12, 31)
            )
        return [to_record(Holiday, r) for r in (await self.session.execute(q)).mappings()]

    async def put_holiday(self, entry: Holiday) -> Holiday:
        stmt = insert(holiday).values(**values_of(entry))
        row = (
            (
                await self.session.execute(
                    stmt.on_conflict_do_update(
                        index_elements=["day"],
                        set_={k: stmt.excluded[k] for k in ("kind", "name", "source")},
                    ).returning(*columns_of(holiday, Holiday))
                )
            )
            .mappings()
            .one()
        )
        return to_record(Holiday, row)


class DeliveryRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def add(self, new: NewDelivery) -> bool:
        """One delivery per (department, event); False when it already exists."""
        res = await self.session.execute(
            insert(delivery)
            .values(**values_of(new))
            .on_conflict_do_nothing(index_elements=["department_code", "event_id"])
            .returning(delivery.c.id)
        )
        return res.first() is not None

    async def get(self, delivery_id: str, *, for_update: bool = False) -> DeliveryRecord:
        q = select(*columns_of(delivery, DeliveryRecord)).where(
            delivery.c.id == parse_uuid(delivery_id, "delivery")
        )
        if for_update:
            q = q.with_for_update()
        row = (await self.session.execute(q)).mappings().first()
        if row is None:
            raise NotFound(f"No delivery {delivery_id}.")
        return to_record(DeliveryRecord, row)

    async def list_for(self, code: str, *, status: str | None, limit: int) -> list[DeliveryRecord]:
        q = select(*columns_of(delivery, DeliveryRecord)).where(delivery.c.department_code == code)
        if status:
            q = q.where(delivery.c.status == status)
        rows = (
            await self.session.execute(
                q.order_by(delivery.c.created_at, delivery.c.id).limit(limit)
            )
        ).mappings()
        return [to_record(DeliveryRecord, r) for r in rows]

    async def claim_due(
        self, *, now: dt.datetime, lease_until: dt.datetime, limit: int
    ) -> list[DueDelivery]:
        """Lock due webhook deliveries (SKIP LOCKED) and lease them so no other worker sends them.

        Only the oldest pending delivery of a subject (per department) is ever due: a later event
        about the same case waits until the earlier one is delivered or dead, so a receiver gets
        a subject's events in order even after an outage of its own.
        """
        earlier = delivery.alias("earlier")
        head_of_subject = ~(
            select(earlier.c.id)
            .where(
                earlier.c.department_code == delivery.c.department_code,
                earlier.c.subject == delivery.c.subject,
                earlier.c.status == DeliveryStatus.PENDING.value,
                tuple_(earlier.c.created_at, earlier.c.id)
                < tuple_(delivery.c.created_at, delivery.c.id),
            )
            .exists()
        )
        rows = (
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
                    head_of_subject,
                )
                .order_by(delivery.c.next_attempt_at, delivery.c.id)
                .limit(limit)
                .with_for_update(of=delivery, skip_locked=True)
            )
        ).mappings()
        due = [to_record(DueDelivery, r) for r in rows]
        if due:
            await self.session.execute(
                update(delivery)
                .where(delivery.c.id.in_([d.id for d in due]))
                .values(next_attempt_at=lease_until)
            )
        return due

    async def record_attempt(self, delivery_id: uuid.UUID, attempt: DeliveryAttempt) -> bool:
        """Store a webhook attempt on a still-pending delivery; False when it is no longer pending."""
        values = {k: v for k, v in values_of(attempt).items() if v is not None}
        values |= {"last_status_code": attempt.last_status_code, "last_error": attempt.last_error}
        res = await self.session.execute(
            update(delivery)
            .where(delivery.c.id == delivery_id, delivery.c.status == "pending")
            .values(**values)
            .returning(delivery.c.id)
        )
        return res.first() is not None

    async def acknowledge(self, delivery_id: uuid.UUID, *, at: dt.datetime) -> None:
        await self.session.execute(
            update(delivery)
            .where(delivery.c.id == delivery_id)
            .values(status=DeliveryStatus.ACKNOWLEDGED.value, acknowledged_at=at)
        )


class ReferralRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def add(self, new: NewReferral) -> ReferralRecord:
        row = (
            (
                await self.session.execute(
                    referral.insert()
                    .values(**values_of(new))
                    .returning(*columns_of(referral, ReferralRecord))
                )
            )
            .mappings()
            .one()
        )
        return to_record(ReferralRecord, row)

    async def get(self, referral_id: str, *, for_update: bool = False) -> ReferralRecord:
        q = select(*columns_of(referral, ReferralRecord)).where(
            referral.c.id == parse_uuid(referral_id, "referral")
        )
        if for_update:
            q = q.with_for_update()
        row = (await self.session.execute(q)).mappings().first()
        if row is None:
            raise NotFound(f"No referral {referral_id}.")
        return to_record(ReferralRecord, row)

    async def complete(
        self, referral_id: uuid.UUID, report: ReferralReport, *, status: str
    ) -> ReferralRecord:
        row = (
            (
                await self.session.execute(
                    update(referral)
                    .where(referral.c.id == referral_id)
                    .values(status=status, **values_of(report))
                    .returning(*columns_of(referral, ReferralRecord))
                )
            )
            .mappings()
            .one()
        )
        return to_record(ReferralRecord, row)

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

    async def list_history(self, referral_id: uuid.UUID) -> list[StatusChangeRecord]:
        rows = (
            await self.session.execute(
                select(*columns_of(referral_history, StatusChangeRecord))
                .where(referral_history.c.referral_id == referral_id)
                .order_by(referral_history.c.id)
            )
        ).mappings()
        return [to_record(StatusChangeRecord, r) for r in rows]

    async def list_referrals(
        self,
        *,
        department_code: str | None,
        status: str | None,
        case_id: str | None,
        limit: int,
        offset: int,
    ) -> list[ReferralRecord]:
        q = select(*columns_of(referral, ReferralRecord)).order_by(referral.c.due_at, referral.c.id)
        if department_code:
            q = q.where(referral.c.department_code == department_code)
        if status:
            q = q.where(referral.c.status == status)
        if case_id:
            q = q.where(referral.c.case_id == case_id)
        rows = (await self.session.execute(q.limit(limit).offset(offset))).mappings()
        return [to_record(ReferralRecord, r) for r in rows]

    async def mark_overdue(self, *, now: dt.datetime) -> list[OverdueReferral]:
        """Open referrals past their deadline become overdue (locked rows are left for the next pass)."""
        due = (
            select(referral.c.id)
            .where(referral.c.status == "open", referral.c.due_at < now)
            .with_for_update(skip_locked=True)
        )
        rows = (
            await self.session.execute(
                update(referral)
                .where(referral.c.id.in_(due))
                .values(status="overdue", escalated_at=now)
                .returning(*columns_of(referral, OverdueReferral))
            )
        ).mappings()
        return [to_record(OverdueReferral, r) for r in rows]
