"""Outbox relay throughput against raw aiokafka producer throughput, measured in the same run.

Both publish the same N CloudEvents (same size, same headers) with an idempotent
producer and acks=all to a fresh 3-partition topic on the local Kafka. The relay
additionally reads the rows from PostgreSQL and marks them published. The ratio
relay/raw is the figure to compare across machines.

    .venv/bin/python bench/relay_throughput.py [--events 20000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import sys
import time
from pathlib import Path
from typing import ClassVar

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import hardware, save

from socialaid.contracts.base import Contract
from socialaid.db import Database
from socialaid.db.platform import outbox, platform_metadata
from socialaid.events.outbox import add_event
from socialaid.events.relay import OutboxRelay, new_producer
from socialaid.testkit.infra import KAFKA_BOOTSTRAP, create_database, drop_database, sqlalchemy_url


def contract(topic: str) -> type[Contract]:
    class BenchEvent(Contract):
        TYPE: ClassVar[str] = "cn.gov.socialaid.bench.event.v1"
        TOPIC: ClassVar[str] = topic
        SUBJECT: ClassVar[str] = "case_id"
        case_id: str
        note: str

    return BenchEvent


async def raw_aiokafka(
    topic: str, events: list[tuple[bytes, bytes, list[tuple[str, bytes]]]]
) -> float:
    producer = new_producer(KAFKA_BOOTSTRAP, "bench-raw")
    await producer.start()
    try:
        started = time.perf_counter()
        batch = 500
        for i in range(0, len(events), batch):
            futures = [
                await producer.send(topic, value=v, key=k, headers=h)
                for k, v, h in events[i : i + batch]
            ]
            await asyncio.gather(*futures)
        return time.perf_counter() - started
    finally:
        await producer.stop()


async def main(n: int) -> dict:
    name = await create_database("bench_relay")
    url = sqlalchemy_url(name)
    db = Database(url)
    admin = AIOKafkaAdminClient(bootstrap_servers=KAFKA_BOOTSTRAP)
    await admin.start()
    topics = [f"socialaid.bench.{secrets.token_hex(3)}" for _ in range(2)]
    await admin.create_topics([NewTopic(t, 3, 1) for t in topics])
    try:
        async with db.engine.begin() as conn:
            await conn.run_sync(platform_metadata.create_all)
        Event = contract(topics[1])
        note = "x" * 400
        t0 = time.perf_counter()
        for start in range(0, n, 1000):
            async with db.uow() as uow:
                for i in range(start, min(n, start + 1000)):
                    await add_event(
                        uow.session, Event(case_id=f"case-{i % 5000}", note=note), source="/bench"
                    )
                await uow.commit()
        write_seconds = time.perf_counter() - t0
        async with db.uow() as uow:
            rows = (
                await uow.session.execute(select(outbox.c.key, outbox.c.payload, outbox.c.headers))
            ).all()
        raw_events = [
            (
                k.encode(),
                bytes(p),
                [
                    (hk, hv.encode())
                    for hk, hv in (h if isinstance(h, dict) else json.loads(h)).items()
                ],
            )
            for k, p, h in rows
        ]
        raw_seconds = await raw_aiokafka(topics[0], raw_events)
        relay = OutboxRelay(
            database_url=url,
            bootstrap=KAFKA_BOOTSTRAP,
            service="bench",
            batch_size=500,
            idle_poll_seconds=0.01,
        )
        started = time.perf_counter()
        task = asyncio.create_task(relay.run())
        while True:
            async with db.uow() as uow:
                left = (
                    await uow.session.execute(
                        select(func.count())
                        .select_from(outbox)
                        .where(outbox.c.published_at.is_(None))
                    )
                ).scalar_one()
            if left == 0:
                break
            await asyncio.sleep(0.01)
        relay_seconds = time.perf_counter() - started
        relay.stop()
        await task
        result = {
            "benchmark": "relay_throughput",
            "events": n,
            "event_bytes": len(raw_events[0][1]),
            "outbox_write_events_per_s": round(n / write_seconds),
            "raw_aiokafka_events_per_s": round(n / raw_seconds),
            "relay_events_per_s": round(n / relay_seconds),
            "relay_to_raw_ratio": round(raw_seconds / relay_seconds, 3),
            "hardware": hardware(),
        }
        return result
    finally:
        await admin.delete_topics(topics)
        await admin.close()
        await db.dispose()
        await drop_database(name)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=20000)
    res = asyncio.run(main(parser.parse_args().events))
    print(json.dumps(res, indent=2, ensure_ascii=False))
    save("relay_throughput", res)
