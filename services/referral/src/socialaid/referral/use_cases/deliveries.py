"""Fanning events out to subscribed departments, and pulled deliveries (R-RF-05)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from socialaid.core.ids import uuid7
from socialaid.db import UnitOfWork
from socialaid.events.envelope import Envelope
from socialaid.referral.domain.matching import matching_departments
from socialaid.referral.domain.minimise import webhook_body
from socialaid.referral.domain.records import CaseRef, DeliveryRecord, NewDelivery
from socialaid.referral.domain.referral import DeliveryStatus
from socialaid.referral.repository import (
    CaseRefRepository,
    DeliveryRepository,
    DepartmentRepository,
)
from socialaid.referral.schemas import DeliveryRead


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
        NewDelivery(
            id=uuid7(),
            department_code=department_code,
            event_id=env.id,
            event_type=env.type,
            subject=env.subject,
            payload=body_for(env),
            status=DeliveryStatus.PENDING.value,
        )
    )


async def fan_out(
    uow: UnitOfWork, *, env: Envelope, region_code: str | None, programme: str | None
) -> list[str]:
    """Queue a delivery for every department whose subscriptions match; returns their codes."""
    subs = await DepartmentRepository(uow.session).subscriptions_for(env.type)
    codes = matching_departments(
        [s.rule() for s in subs], event_type=env.type, region_code=region_code, programme=programme
    )
    for code in codes:
        await queue_delivery(uow, department_code=code, env=env)
    return codes


async def fan_out_case_event(
    uow: UnitOfWork, *, env: Envelope, case_id: str, region_code: str, programme: str
) -> list[str]:
    """A case lifecycle event: remember the case's region and programme, then fan it out."""
    await CaseRefRepository(uow.session).upsert(
        CaseRef(case_id=case_id, region_code=region_code, programme=programme),
        event_type=env.type,
    )
    return await fan_out(uow, env=env, region_code=region_code, programme=programme)


async def fan_out_referral_completed(uow: UnitOfWork, *, env: Envelope, case_id: str) -> list[str]:
    """A referral report carries no region: use what the case topic told us.

    An unknown case reaches the national subscribers only.
    """
    ref = await CaseRefRepository(uow.session).get(case_id)
    return await fan_out(
        uow,
        env=env,
        region_code=ref.region_code if ref else None,
        programme=ref.programme if ref else None,
    )


def delivery_view(d: DeliveryRecord) -> DeliveryRead:
    return DeliveryRead(
        delivery_id=str(d.id),
        department_code=d.department_code,
        event_id=d.event_id,
        event_type=d.event_type,
        subject=d.subject,
        status=DeliveryStatus(d.status),
        attempts=d.attempts,
        last_status_code=d.last_status_code,
        last_error=d.last_error,
        created_at=d.created_at,
        delivered_at=d.delivered_at,
        acknowledged_at=d.acknowledged_at,
        payload=d.payload,
    )


async def list_deliveries(
    uow: UnitOfWork, *, code: str, status: DeliveryStatus | None, limit: int
) -> list[DeliveryRead]:
    await DepartmentRepository(uow.session).get(code)
    rows = await DeliveryRepository(uow.session).list_for(
        code, status=status.value if status else None, limit=limit
    )
    return [delivery_view(r) for r in rows]


async def acknowledge_delivery(uow: UnitOfWork, *, delivery_id: str) -> DeliveryRead:
    """The department confirms it has the event (pull mode). Acknowledging again changes nothing."""
    repo = DeliveryRepository(uow.session)
    d = await repo.get(delivery_id, for_update=True)
    if d.status != DeliveryStatus.ACKNOWLEDGED.value:
        await repo.acknowledge(d.id, at=dt.datetime.now(dt.UTC))
        d = await repo.get(delivery_id)
    return delivery_view(d)
