"""Where the real PostgreSQL and Kafka of the local stack are, and fresh databases on them."""

from __future__ import annotations

import asyncio
import os
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition

from socialaid.events.envelope import Envelope

PG_ADMIN_URL = os.environ.get(
    "SOCIALAID_TEST_PG", "postgresql://socialaid:socialaid@127.0.0.1:55432/postgres"
)
KAFKA_BOOTSTRAP = os.environ.get("SOCIALAID_TEST_KAFKA", "127.0.0.1:59092")

T = TypeVar("T")


def sqlalchemy_url(database: str) -> str:
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
    return f"{base}/{database}"


async def create_database(prefix: str) -> str:
    name = f"test_{prefix}_{secrets.token_hex(4)}"
    conn = await asyncpg.connect(PG_ADMIN_URL)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return name


async def clone_database(template: str, prefix: str) -> str:
    """A new database with the template's schema and rows (no other session may be connected
    to the template meanwhile: templates are only ever migrated, never used)."""
    name = f"test_{prefix}_{secrets.token_hex(4)}"
    conn = await asyncpg.connect(PG_ADMIN_URL)
    try:
        await conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    finally:
        await conn.close()
    return name


def database_name(url: str) -> str:
    return url.rsplit("/", 1)[1].split("?", 1)[0]


async def drop_database(name: str) -> None:
    conn = await asyncpg.connect(PG_ADMIN_URL)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


async def eventually(
    check: Callable[[], Awaitable[T | None]],
    *,
    timeout: float = 30.0,
    interval: float = 0.1,
    what: str = "condition",
) -> T:
    """Poll ``check`` until it returns something truthy, or fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    last: T | None = None
    while time.monotonic() < deadline:
        last = await check()
        if last:
            return last
        await asyncio.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}; last value: {last!r}")


class TopicReader:
    """An independent consumer group reading topics from the start, as a department would."""

    def __init__(self, *topics: str, group: str | None = None):
        self.topics = topics
        self.group = group or f"test-reader-{secrets.token_hex(4)}"
        self.consumer: AIOKafkaConsumer | None = None
        self.seen: list[tuple[str, int, int, Envelope]] = []

    async def __aenter__(self) -> TopicReader:
        self.consumer = AIOKafkaConsumer(
            *self.topics,
            bootstrap_servers=KAFKA_BOOTSTRAP,
            group_id=self.group,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
        )
        await self.consumer.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.consumer is not None
        await self.consumer.stop()

    async def poll(self) -> None:
        assert self.consumer is not None
        batches = await self.consumer.getmany(timeout_ms=200, max_records=1000)
        for tp, recs in batches.items():
            for r in recs:
                try:
                    env = Envelope.from_kafka(r.headers, r.value)
                except ValueError:
                    continue
                self.seen.append((tp.topic, tp.partition, r.offset, env))

    def matching(self, predicate: Callable[[Envelope], bool]) -> list[Envelope]:
        return [e for *_, e in self.seen if predicate(e)]

    async def wait_for(
        self, predicate: Callable[[Envelope], bool], count: int = 1, timeout: float = 60.0
    ) -> list[Envelope]:
        async def check() -> list[Envelope] | None:
            await self.poll()
            found = self.matching(predicate)
            return found if len(found) >= count else None

        return await eventually(
            check, timeout=timeout, what=f"{count} matching event(s) on {self.topics}"
        )


async def start_group_at_end(group: str, topic: str, bootstrap: str = KAFKA_BOOTSTRAP) -> None:
    """Commit ``group``'s offsets at the current end of ``topic``: it will read only newer messages."""
    probe = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap
    )  # no group: assigned every partition
    await probe.start()
    try:

        async def assigned() -> set[TopicPartition] | None:
            return probe.assignment() or None

        tps = sorted(await eventually(assigned, timeout=20, what=f"partitions of {topic}"))
        ends = await probe.end_offsets(tps)
    finally:
        await probe.stop()
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False
    )
    await consumer.start()
    try:
        consumer.assign(tps)
        await consumer.commit(ends)
    finally:
        await consumer.stop()
