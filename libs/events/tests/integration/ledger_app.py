"""A minimal service for the backbone tests: events credit a ledger.

Run as a process by the fault tests (``python ledger_app.py relay|consume ...``)
so that it can be killed at a named crash point, exactly like a real worker.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from typing import ClassVar

from sqlalchemy import Boolean, Column, Integer, String, Table, select, text

from socialaid.contracts.base import Contract
from socialaid.db import Database, UnitOfWork, new_metadata
from socialaid.events.consumer import ConsumerRunner
from socialaid.events.envelope import Envelope
from socialaid.events.inbox import PermanentError, Subscription
from socialaid.events.relay import OutboxRelay

metadata = new_metadata()
effect = Table(
    "effect",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account", String(100), nullable=False),
    Column("n", Integer, nullable=False),
)
switch = Table(
    "switch", metadata, Column("name", String(50), primary_key=True), Column("on", Boolean)
)

SOURCE = "/socialaid/test-ledger"
_flaky_failures: dict[str, int] = {}


class Credited(Contract):
    """An account credited with ``n``; its topic is set per test by :func:`credited_contract`."""

    TYPE: ClassVar[str] = "cn.gov.socialaid.test.credited.v1"
    SUBJECT: ClassVar[str] = "account"
    account: str
    n: int


def credited_contract(topic: str) -> type[Credited]:
    class TopicCredited(Credited):
        TOPIC: ClassVar[str] = topic

    return TopicCredited


async def on_credited(event: Contract, env: Envelope, uow: UnitOfWork) -> None:
    assert isinstance(event, Credited), type(event)
    account, n = event.account, event.n
    if account.startswith("poison") and n < 0:
        on = (
            await uow.session.execute(select(switch.c.on).where(switch.c.name == "poison"))
        ).scalar()
        if on is not False:
            raise PermanentError(f"negative credit {n} refused")
    if account.startswith("flaky") and _flaky_failures.get(env.id, 0) < 2:
        _flaky_failures[env.id] = _flaky_failures.get(env.id, 0) + 1
        raise RuntimeError("transient failure")
    await uow.session.execute(effect.insert().values(account=account, n=n))


def subscriptions(topic: str) -> dict[str, Subscription]:
    contract = credited_contract(topic)
    return {contract.TYPE: Subscription(contract, on_credited)}


def runner(db: Database, bootstrap: str, topic: str, group: str) -> ConsumerRunner:
    return ConsumerRunner(
        name=group,
        db=db,
        bootstrap=bootstrap,
        source=SOURCE,
        subscriptions=subscriptions(topic),
        max_attempts=4,
        backoff_base=0.05,
    )


async def _main(argv: list[str]) -> None:
    mode, db_url, bootstrap = argv[0], argv[1], argv[2]
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    if mode == "relay":
        relay = OutboxRelay(
            database_url=db_url,
            bootstrap=bootstrap,
            service="test-ledger",
            batch_size=20,
            idle_poll_seconds=0.1,
        )
        task = asyncio.create_task(relay.run())
        await stop.wait()
        relay.stop()
    else:
        db = Database(db_url)
        r = runner(db, bootstrap, argv[3], argv[4])
        task = asyncio.create_task(r.run())
        await stop.wait()
        r.stop()
    await asyncio.wait_for(task, 15)


async def reset_schema(db: Database) -> None:
    from socialaid.db.platform import platform_metadata

    async with db.engine.begin() as conn:
        await conn.run_sync(platform_metadata.create_all)
        await conn.run_sync(metadata.create_all)
        await conn.execute(
            text("INSERT INTO switch VALUES ('poison', true) ON CONFLICT DO NOTHING")
        )


if __name__ == "__main__":
    asyncio.run(_main(sys.argv[1:]))
