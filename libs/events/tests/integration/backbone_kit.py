"""Shared helpers of the backbone tests: a fresh database and topic, the ledger app as a process.

Imported by full name (``libs.events.tests.integration.backbone_kit``) by every backbone test
module; the fixtures themselves stay in the test modules.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import secrets
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TypedDict, TypeVar

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from sqlalchemy import Select, func, select

from libs.events.tests.integration import ledger_app
from socialaid.contracts.base import Contract
from socialaid.db import Database
from socialaid.db.platform import outbox
from socialaid.events.envelope import Envelope
from socialaid.events.outbox import add_event
from socialaid.events.relay import OutboxRelay
from socialaid.testkit.infra import eventually

APP = str(Path(__file__).parent / "ledger_app.py")
T = TypeVar("T")


class Env(TypedDict):
    db: Database
    url: str
    topic: str
    bootstrap: str
    contract: type[Contract]


@asynccontextmanager
async def backbone_env(
    fresh_database: Callable[[str], Awaitable[str]], kafka_bootstrap: str, *, partitions: int = 3
) -> AsyncIterator[Env]:
    """A fresh database with the ledger schema and a fresh topic of ``partitions`` partitions."""
    url = await fresh_database("backbone")
    db = Database(url, pool_size=4)
    await ledger_app.reset_schema(db)
    topic = f"socialaid.test.{secrets.token_hex(4)}"
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    await admin.start()
    await admin.create_topics([NewTopic(topic, num_partitions=partitions, replication_factor=1)])
    try:
        yield {
            "db": db,
            "url": url,
            "topic": topic,
            "bootstrap": kafka_bootstrap,
            "contract": ledger_app.credited_contract(topic),
        }
    finally:
        await admin.delete_topics([topic])
        await admin.close()
        await db.dispose()


async def emit(env: Env, account: str, n: int) -> None:
    async with env["db"].uow() as uow:
        event = env["contract"].model_validate({"account": account, "n": n})
        await add_event(uow.session, event, source=ledger_app.SOURCE)
        await uow.commit()


async def scalar(db: Database, q: Select[T]) -> T | None:
    async with db.uow() as uow:
        return (await uow.session.execute(q)).scalar()


async def effects(db: Database) -> list[tuple[str, int]]:
    """The ledger's effects (account, n) in the order they were applied."""
    async with db.uow() as uow:
        rows = (
            await uow.session.execute(
                select(ledger_app.effect.c.account, ledger_app.effect.c.n).order_by(
                    ledger_app.effect.c.id
                )
            )
        ).all()
    return [(account, n) for account, n in rows]


async def has_effects(env: Env, n: int) -> bool:
    return len(await effects(env["db"])) >= n


def spawn(
    *args: str, fault: str | None = None, marker: Path | None = None
) -> subprocess.Popen[bytes]:
    """Run the ledger app (``relay`` or ``consume``) as a process, optionally with a crash point."""
    env = dict(os.environ)
    env.pop("SOCIALAID_FAULT_POINT", None)
    if fault:
        env["SOCIALAID_FAULT_POINT"] = fault
        env["SOCIALAID_FAULT_MARKER"] = str(marker)
    return subprocess.Popen([sys.executable, APP, *args], env=env)


def spawn_consumer(
    env: Env, group: str, *, fault: str | None = None, marker: Path | None = None
) -> subprocess.Popen[bytes]:
    return spawn(
        "consume", env["url"], env["bootstrap"], env["topic"], group, fault=fault, marker=marker
    )


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        proc.wait(20)


async def run_relay_until_drained(env: Env) -> None:
    relay = OutboxRelay(
        database_url=env["url"], bootstrap=env["bootstrap"], service="test", idle_poll_seconds=0.05
    )
    task = asyncio.create_task(relay.run())
    try:
        await eventually(lambda: drained(env), what="outbox drained")
    finally:
        relay.stop()
        await asyncio.wait_for(task, 15)


async def drained(env: Env) -> bool:
    left = await scalar(
        env["db"], select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None))
    )
    return left == 0


def credited(
    env: Env, account: str, n: int, sequence: int, *, event_id: str | None = None
) -> Envelope:
    """A credit event as the relay would publish it (``event_id`` reused to make a duplicate)."""
    return Envelope(
        id=event_id or f"evt-{secrets.token_hex(8)}",
        source=ledger_app.SOURCE,
        type=env["contract"].TYPE,
        data={"account": account, "n": n},
        time=dt.datetime.now(dt.UTC),
        subject=account,
        sequence=sequence,
    )


async def produce_raw(env: Env, envelopes: list[Envelope]) -> None:
    """Send envelopes straight to the topic, keyed by subject, in the given order."""
    producer = AIOKafkaProducer(
        bootstrap_servers=env["bootstrap"], acks="all", enable_idempotence=True
    )
    await producer.start()
    try:
        for e in envelopes:
            await producer.send_and_wait(
                env["topic"],
                e.value(),
                key=(e.subject or e.id).encode(),
                headers=[(k, v.encode()) for k, v in e.headers().items()],
            )
    finally:
        await producer.stop()
