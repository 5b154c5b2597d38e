"""Registering departments and their subscriptions (R-RF-05)."""

from __future__ import annotations

from socialaid.core.crypto import FieldCipher
from socialaid.core.errors import Conflict
from socialaid.db import UnitOfWork
from socialaid.referral.config import Settings
from socialaid.referral.domain.records import DepartmentRecord, NewDepartment, SubscriptionRecord
from socialaid.referral.domain.signing import generate_secret
from socialaid.referral.repository import DepartmentRepository
from socialaid.referral.schemas import (
    DepartmentCreate,
    DepartmentRead,
    SubscriptionCreate,
    SubscriptionRead,
    SubscriptionsUpdate,
)


def _subscriptions(code: str, subs: list[SubscriptionCreate]) -> list[SubscriptionRecord]:
    return [
        SubscriptionRecord(
            department_code=code,
            event_types=s.event_types,
            region_codes=s.region_codes,
            programmes=list(s.programmes) if s.programmes else None,
        )
        for s in subs
    ]


async def _view(repo: DepartmentRepository, dept: DepartmentRecord) -> DepartmentRead:
    return DepartmentRead(
        code=dept.code,
        name=dept.name,
        webhook_url=dept.webhook_url,
        created_at=dept.created_at,
        subscriptions=[
            SubscriptionRead(
                event_types=list(s.event_types),
                region_codes=list(s.region_codes),
                programmes=list(s.programmes) if s.programmes else None,
            )
            for s in await repo.list_subscriptions(dept.code)
        ],
    )


async def register_department(
    uow: UnitOfWork, *, data: DepartmentCreate, settings: Settings
) -> tuple[DepartmentRead, str]:
    """Store the department; returns its view and its webhook secret (to be shown once)."""
    repo = DepartmentRepository(uow.session)
    secret = data.webhook_secret or generate_secret()
    dept = await repo.add(
        NewDepartment(
            code=data.code,
            name=data.name,
            webhook_url=str(data.webhook_url) if data.webhook_url else None,
            webhook_secret_encrypted=FieldCipher(settings.pii_encryption_key).encrypt(secret),
        )
    )
    if dept is None:
        raise Conflict(
            f"A department with code {data.code} is already registered.", code="department_exists"
        )
    await repo.replace_subscriptions(data.code, _subscriptions(data.code, data.subscriptions))
    return await _view(repo, dept), secret


async def replace_subscriptions(
    uow: UnitOfWork, *, code: str, data: SubscriptionsUpdate
) -> DepartmentRead:
    repo = DepartmentRepository(uow.session)
    dept = await repo.get(code, for_update=True)
    await repo.replace_subscriptions(code, _subscriptions(code, data.subscriptions))
    return await _view(repo, dept)


async def read_department(uow: UnitOfWork, *, code: str) -> DepartmentRead:
    repo = DepartmentRepository(uow.session)
    return await _view(repo, await repo.get(code))
