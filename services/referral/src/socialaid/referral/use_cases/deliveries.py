"""Fanning events out to subscribed departments, and pulled deliveries (R-RF-05)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import RowMapping

from socialaid.core.ids import uuid7
from socialaid.db import UnitOfWork
from socialaid.events.envelope import Envelope
from socialaid.referral.domain.matching import SubscriptionRule, matching_departments
from socialaid.referral.domain.minimise import webhook_body
from socialaid.referral.domain.referral import DeliveryStatus
from socialaid.referral.repository import DeliveryRepository, DepartmentRepository
from socialaid.referral.schemas import DeliveryRead


def _rule(row: RowMapping) -> SubscriptionRule:
    return SubscriptionRule(
        department_code=row["department_code"],
        event_types=frozenset(row["event_types"]),
        region_codes=frozenset(row["region_codes"]),
        programmes=frozenset(row["programmes"]) if row["programmes"] else None,
    )


def body_for(env: Envelope) -> dict[str, Any]:
    return webhook_body(
        event_id=env.id,
        event_type=env.type,
        source=env.source,
        subject=env.subject,
        time=env.time.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
        data=env.data,
    )


async def queue_delivery(uow: UnitOfWork, *, department_code: str, env: Envelope) -> bool:
    """One pending delivery of ``env`` (minimised) to one department; False if already queued."""
    return await DeliveryRepository(uow.session).add(
        id=uuid7(),
        department_code=department_code,
        event_id=env.id,
        event_type=env.type,
        subject=env.subject,
        payload=body_for(env),
        status=DeliveryStatus.PENDING.value,
    )


async def fan_out(
    uow: UnitOfWork, *, env: Envelope, region_code: str | None, programme: str | None
) -> list[str]:
    """Queue a delivery for every department whose subscriptions match; returns their codes."""
    rows = await DepartmentRepository(uow.session).subscriptions_for(env.type)
    codes = matching_departments(
        [_rule(r) for r in rows], event_type=env.type, region_code=region_code, programme=programme
    )
    for code in codes:
        await queue_delivery(uow, department_code=code, env=env)
    return codes


def delivery_view(row: RowMapping) -> dict[str, Any]:
    return DeliveryRead(
        delivery_id=str(row["id"]),
        department_code=row["department_code"],
        event_id=row["event_id"],
        event_type=row["event_type"],
        subject=row["subject"],
        status=row["status"],
        attempts=row["attempts"],
        last_status_code=row["last_status_code"],
        last_error=row["last_error"],
        created_at=row["created_at"],
        delivered_at=row["delivered_at"],
        acknowledged_at=row["acknowledged_at"],
        payload=row["payload"],
    ).model_dump(mode="json")


async def list_deliveries(
    uow: UnitOfWork, *, code: str, status: DeliveryStatus | None, limit: int
) -> list[dict[str, Any]]:
    await DepartmentRepository(uow.session).get(code)
    rows = await DeliveryRepository(uow.session).list_for(
        code, status=status.value if status else None, limit=limit
    )
    return [delivery_view(r) for r in rows]


async def acknowledge_delivery(uow: UnitOfWork, *, delivery_id: str) -> dict[str, Any]:
    """The department confirms it has the event (pull mode). Acknowledging again changes nothing."""
    repo = DeliveryRepository(uow.session)
    row = await repo.get(delivery_id, for_update=True)
    if row["status"] != DeliveryStatus.ACKNOWLEDGED.value:
        await repo.update(
            row["id"],
            only_pending=False,
            status=DeliveryStatus.ACKNOWLEDGED.value,
            acknowledged_at=dt.datetime.now(dt.UTC),
        )
        row = await repo.get(delivery_id)
    return delivery_view(row)
