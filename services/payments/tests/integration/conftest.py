import datetime as dt
import json
import uuid
from decimal import Decimal
from typing import Any

import httpx
import pytest_asyncio
from sqlalchemy import text

from socialaid.contracts.events import CaseApproved, Payee, Programme
from socialaid.db import Database
from socialaid.events.envelope import Envelope
from socialaid.events.inbox import Applier
from socialaid.payments.main import SPEC


@pytest_asyncio.fixture(autouse=True)
async def bank_without_faults(bank: httpx.AsyncClient) -> None:
    """Each test starts with a bank that answers (its own database is already empty)."""
    await bank.put("/sim/faults", json={"mode": "none", "count": 0})


def approval(
    *,
    case_id: str | None = None,
    region: str = "141102",
    amount: str = "630.00",
    start: str = "2027-01",
    account: str | None = None,
    name: str = "张三",
    programme: Programme = "dibao",
    beneficiaries: list[str] | None = None,
) -> CaseApproved:
    return CaseApproved(
        case_id=case_id or str(uuid.uuid4()),
        application_id=str(uuid.uuid4()),
        programme=programme,
        region_code=region,
        monthly_amount=Decimal(amount),
        start_month=start,
        payee=Payee(
            account_name=name,
            account_number=account or f"6222{uuid.uuid4().int % 10**15:015d}",
            bank_code="ICBC",
        ),
        household_size=2,
        approved_at=dt.datetime.now(dt.UTC),
        beneficiaries=beneficiaries,
    )


async def deliver(
    db: Database,
    settings: Any,
    event: CaseApproved,
    *,
    sequence: int = 1,
    event_id: str | None = None,
) -> str:
    """Apply a case.approved message through the service's own consumer path (inbox, ordering)."""
    env = Envelope(
        id=event_id or str(uuid.uuid4()),
        source="/socialaid/intake",
        type=event.TYPE,
        data=event.to_data(),
        time=dt.datetime.now(dt.UTC),
        subject=event.case_id,
        sequence=sequence,
    )
    assert SPEC.subscriptions is not None
    subs = SPEC.subscriptions(settings)
    applier = Applier(db=db, consumer=SPEC.consumer_name, source=SPEC.source(), subscriptions=subs)
    async with db.uow() as uow:
        outcome = await applier.apply(uow, env, subs[event.TYPE])
        await uow.commit()
    return outcome


async def scalar(db: Database, sql: str, **params: Any) -> Any:
    async with db.uow() as uow:
        return (await uow.session.execute(text(sql), params)).scalar_one()


async def outbox_events(db: Database, kind: str | None = None) -> list[Envelope]:
    async with db.uow() as uow:
        rows = (
            await uow.session.execute(text("SELECT headers, payload FROM outbox ORDER BY id"))
        ).all()
    envs = [
        Envelope.from_headers(h if isinstance(h, dict) else json.loads(h), bytes(p))
        for h, p in rows
    ]
    return [e for e in envs if kind is None or e.type == f"cn.gov.socialaid.{kind}.v1"]


async def stored_counts(db: Database) -> tuple[int, ...]:
    return tuple(
        [
            await scalar(db, f"SELECT count(*) FROM {t}")
            for t in (
                "payroll",
                "payment_instruction",
                "ledger_entry",
                "outbox",
                "idempotency_record",
            )
        ]
    )


class Kit:
    """Test helpers bound to the test database (tests import nothing from conftest)."""

    def __init__(self, db: Database, settings: Any):
        self.db, self.settings = db, settings
        self.approval = approval

    async def deliver(self, event: CaseApproved, **kw: Any) -> str:
        return await deliver(self.db, self.settings, event, **kw)

    async def approve(self, **kw: Any) -> CaseApproved:
        event = approval(**kw)
        assert await self.deliver(event) == "applied"
        return event

    async def scalar(self, sql: str, **params: Any) -> Any:
        return await scalar(self.db, sql, **params)

    async def events(self, kind: str | None = None) -> list[Envelope]:
        return await outbox_events(self.db, kind)

    async def counts(self) -> tuple[int, ...]:
        return await stored_counts(self.db)


@pytest_asyncio.fixture
async def kit(db: Database, settings: Any) -> Kit:
    return Kit(db, settings)
