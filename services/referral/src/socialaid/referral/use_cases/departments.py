"""Registering departments and their subscriptions (R-RF-05)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import RowMapping

from socialaid.core.crypto import FieldCipher
from socialaid.core.errors import Conflict
from socialaid.db import UnitOfWork
from socialaid.referral.config import Settings
from socialaid.referral.domain.signing import generate_secret
from socialaid.referral.repository import DepartmentRepository
from socialaid.referral.schemas import (
    DepartmentCreate,
    DepartmentRead,
    SubscriptionIn,
    SubscriptionsUpdate,
)


def _subscription_rows(subs: list[SubscriptionIn]) -> list[dict[str, Any]]:
    return [
        {"event_types": s.event_types, "region_codes": s.region_codes, "programmes": s.programmes}
        for s in subs
    ]


async def _view(repo: DepartmentRepository, row: RowMapping) -> dict[str, Any]:
    subs = await repo.list_subscriptions(row["code"])
    return DepartmentRead(
        code=row["code"],
        name=row["name"],
        webhook_url=row["webhook_url"],
        created_at=row["created_at"],
        subscriptions=[
            {
                "event_types": list(s["event_types"]),
                "region_codes": list(s["region_codes"]),
                "programmes": list(s["programmes"]) if s["programmes"] else None,
            }
            for s in subs
        ],
    ).model_dump(mode="json")


async def register_department(
    uow: UnitOfWork, *, data: DepartmentCreate, settings: Settings
) -> tuple[dict[str, Any], str]:
    """Store the department; returns its view and its webhook secret (to be shown once)."""
    repo = DepartmentRepository(uow.session)
    secret = data.webhook_secret or generate_secret()
    row = await repo.add(
        code=data.code,
        name=data.name,
        webhook_url=str(data.webhook_url) if data.webhook_url else None,
        webhook_secret_encrypted=FieldCipher(settings.pii_encryption_key).encrypt(secret),
    )
    if row is None:
        raise Conflict(
            f"A department with code {data.code} is already registered.", code="department_exists"
        )
    await repo.replace_subscriptions(data.code, _subscription_rows(data.subscriptions))
    return await _view(repo, row), secret


async def replace_subscriptions(
    uow: UnitOfWork, *, code: str, data: SubscriptionsUpdate
) -> dict[str, Any]:
    repo = DepartmentRepository(uow.session)
    row = await repo.get(code, for_update=True)
    await repo.replace_subscriptions(code, _subscription_rows(data.subscriptions))
    return await _view(repo, row)


async def read_department(uow: UnitOfWork, *, code: str) -> dict[str, Any]:
    repo = DepartmentRepository(uow.session)
    return await _view(repo, await repo.get(code))
