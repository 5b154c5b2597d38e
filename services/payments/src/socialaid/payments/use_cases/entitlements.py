"""Entitlement schedules from county approvals (R-PA-01, R-PA-03)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import RowMapping

from socialaid.contracts.events import CaseApproved
from socialaid.core.ids import uuid7
from socialaid.core.money import round_yuan
from socialaid.db import UnitOfWork
from socialaid.payments.repository import PaymentsRepository


def _values(event: CaseApproved) -> dict[str, Any]:
    return {
        "region_code": event.region_code,
        "monthly_amount": round_yuan(event.monthly_amount),
        "start_month": event.start_month,
        "payee_account_name": event.payee.account_name,
        "payee_account_number": event.payee.account_number,
        "payee_bank_code": event.payee.bank_code,
    }


async def record_approval(
    uow: UnitOfWork, *, event: CaseApproved, event_id: str | None = None
) -> str:
    """Create the case's entitlement, or apply a later approval to it (recording the change).

    Returns ``created``, ``unchanged`` or ``changed``. Duplicate deliveries of the
    same event are already dropped by the inbox; stale ones by the sequence check.
    """
    if event.monthly_amount < 0:
        raise ValueError("an approved monthly amount cannot be negative")
    repo = PaymentsRepository(uow.session)
    values = _values(event)
    created = await repo.add_entitlement(
        id=uuid7(),
        case_id=event.case_id,
        programme=event.programme,
        status="active",
        version=1,
        source_event_id=event_id,
        **values,
    )
    if created:
        return "created"
    row = await repo.get_entitlement_of_case(event.case_id, event.programme, for_update=True)
    assert row is not None
    if all(row[k] == v for k, v in values.items()):
        return "unchanged"
    await repo.update_entitlement(row["id"], row["version"], source_event_id=event_id, **values)
    await repo.add_entitlement_change(
        entitlement_id=row["id"],
        from_version=row["version"],
        old_amount=row["monthly_amount"],
        new_amount=values["monthly_amount"],
        old_start_month=row["start_month"],
        new_start_month=values["start_month"],
        reason="a later approval of the case",
        source_event_id=event_id,
    )
    return "changed"


def entitlement_view(row: RowMapping, changes: list[RowMapping]) -> dict[str, Any]:
    return {
        "entitlement_id": str(row["id"]),
        "case_id": row["case_id"],
        "programme": row["programme"],
        "region_code": row["region_code"],
        "monthly_amount": row["monthly_amount"],
        "start_month": row["start_month"],
        "end_month": row["end_month"],
        "payee": {
            "account_name": row["payee_account_name"],
            "account_number": row["payee_account_number"],
            "bank_code": row["payee_bank_code"],
        },
        "status": row["status"],
        "version": row["version"],
        "changes": [
            {
                k: c[k]
                for k in (
                    "from_version",
                    "old_amount",
                    "new_amount",
                    "old_start_month",
                    "new_start_month",
                    "reason",
                    "at",
                )
            }
            for c in changes
        ],
    }


async def list_entitlements(
    uow: UnitOfWork, *, case_id: str | None, limit: int = 100
) -> list[dict[str, Any]]:
    repo = PaymentsRepository(uow.session)
    rows = await repo.list_entitlements(case_id=case_id, limit=limit)
    out = []
    for row in rows:
        changes = await repo.list_entitlement_changes(uuid.UUID(str(row["id"])))
        out.append(entitlement_view(row, list(changes)))
    return out
