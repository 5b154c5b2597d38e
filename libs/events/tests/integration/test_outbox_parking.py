"""Events can never jam the relay (hardening probe "oversize event"), on real PostgreSQL and Kafka.

An event too large for the broker is refused when written (nothing stored); a row the broker
still refuses (stored before the limit, under a higher one, or refused by a topic's own limit)
is parked: other subjects keep flowing, the same subject's later rows are held, and an
operator's retry (after fixing the cause) publishes the subject in order, or a discard
releases it.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import TypedDict

import pytest
import pytest_asyncio
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from prometheus_client import REGISTRY
from sqlalchemy import func, select

from socialaid.db import Database
from socialaid.db.platform import outbox, outbox_sequence
from socialaid.events.limits import EventTooLarge, configure_event_limit, event_limit
from socialaid.events.outbox import add_event, copy_events
from socialaid.events.outbox_admin import discard_parked, list_parked, retry_parked
from socialaid.events.pg import connect
from socialaid.events.relay import OutboxRelay
from socialaid.testkit.infra import TopicReader, eventually

sys.path.insert(0, str(Path(__file__).parent))
import ledger_app  # type: ignore[import-not-found]  # put on sys.path by the line above

pytestmark = pytest.mark.integration
MiB = 1024 * 1024


class Env(TypedDict):
    db: Database
    url: str
    topic: str
    bootstrap: str
    admin: AIOKafkaAdminClient
    service: str


@pytest_asyncio.fixture
async def env(
    fresh_database: Callable[[str], Awaitable[str]], kafka_bootstrap: str
) -> AsyncIterator[Env]:
    url = await fresh_database("parking")
    db = Database(url, pool_size=4)
    await ledger_app.reset_schema(db)
    topic = f"socialaid.test.{secrets.token_hex(4)}"
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    await admin.start()
    # The topic takes records up to 4 MiB, so "the cause fixed" is the relay's own limit.
    await admin.create_topics(
        [
            NewTopic(
                topic,
                num_partitions=3,
                replication_factor=1,
                topic_configs={"max.message.bytes": str(4 * MiB)},
            )
        ]
    )
    yield {
        "db": db,
        "url": url,
        "topic": topic,
        "bootstrap": kafka_bootstrap,
        "admin": admin,
        "service": f"test-park-{secrets.token_hex(3)}",
    }
    await admin.delete_topics([topic])
    await admin.close()
    await db.dispose()


@contextmanager
def event_limit_of(max_bytes: int) -> Iterator[None]:
    """Write under another limit (as a row stored before the limit, or under a higher one)."""
    before = event_limit()
    configure_event_limit(max_bytes)
    try:
        yield
    finally:
        configure_event_limit(before)


async def emit(env: Env, account: str, n: int, note_bytes: int = 0) -> None:
    contract = ledger_app.credited_contract(env["topic"])
    async with env["db"].uow() as uow:
        event = contract.model_validate({"account": account, "n": n, "note": "x" * note_bytes})
        await add_event(uow.session, event, source=ledger_app.SOURCE)
        await uow.commit()


async def emit_oversize(env: Env, account: str, n: int, note_bytes: int) -> None:
    with event_limit_of(8 * MiB):
        await emit(env, account, n, note_bytes)


@asynccontextmanager
async def relay_running(env: Env, max_request_bytes: int = MiB) -> AsyncIterator[OutboxRelay]:
    relay = OutboxRelay(
        database_url=env["url"],
        bootstrap=env["bootstrap"],
        service=env["service"],
        idle_poll_seconds=0.05,
        max_request_bytes=max_request_bytes,
    )
    task = asyncio.create_task(relay.run())
    try:
        yield relay
    finally:
        relay.stop()
        await asyncio.wait_for(task, 20)


async def rows(env: Env) -> dict[tuple[str, int], dict[str, object]]:
    """Each outbox row by (subject, sequence): published?, parked?, discarded?"""
    async with env["db"].uow() as uow:
        found = (
            await uow.session.execute(
                select(
                    outbox.c.headers["ce_subject"].astext,
                    outbox.c.headers["ce_sequence"].astext,
                    outbox.c.published_at.isnot(None),
                    outbox.c.parked_at.isnot(None),
                    outbox.c.discarded_at.isnot(None),
                )
            )
        ).all()
    return {(s, int(q)): {"published": p, "parked": k, "discarded": d} for s, q, p, k, d in found}


def on_kafka(reader: TopicReader, account: str) -> list[int]:
    """The sequences of ``account``'s events read from Kafka, in arrival order."""
    return [e.sequence or 0 for e in reader.matching(lambda e: e.subject == account)]


def metric(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_oversize_event_is_refused_when_written_and_nothing_is_stored(env):
    """add_event over the limit fails inside the caller's transaction: no row, no sequence."""
    contract = ledger_app.credited_contract(env["topic"])
    with pytest.raises(EventTooLarge) as caught:
        async with env["db"].uow() as uow:
            await add_event(uow.session, contract(account="acct-ok", n=1), source=ledger_app.SOURCE)
            big = contract.model_validate({"account": "acct-big", "n": 2, "note": "x" * MiB})
            await add_event(uow.session, big, source=ledger_app.SOURCE)
            await uow.commit()
    assert caught.value.extra["size"] > caught.value.extra["limit"] == event_limit()
    with event_limit_of(4096):  # a lowered limit applies at once
        with pytest.raises(EventTooLarge):
            await emit(env, "acct-small", 3, note_bytes=5000)
        await emit(env, "acct-small", 4, note_bytes=3000)
    async with env["db"].uow() as uow:
        subjects = (
            await uow.session.execute(select(outbox.c.headers["ce_subject"].astext))
        ).scalars()
        assert list(subjects) == ["acct-small"]
        assert (
            await uow.session.execute(select(func.count()).select_from(outbox_sequence))
        ).scalar() == 1


async def test_bulk_writer_refuses_an_oversize_payload_and_its_transaction_stores_nothing(env):
    contract = ledger_app.credited_contract(env["topic"])
    subjects = [f"bulk-{i}" for i in range(3)]
    payloads = [contract(account=s, n=i).model_dump_json().encode() for i, s in enumerate(subjects)]
    payloads[1] = (
        contract.model_validate({"account": subjects[1], "n": 1, "note": "x" * MiB})
        .model_dump_json()
        .encode()
    )
    conn = await connect(env["url"])
    try:
        with pytest.raises(EventTooLarge):
            async with conn.transaction():
                await copy_events(
                    conn, contract, source=ledger_app.SOURCE, subjects=subjects, payloads=payloads
                )
        assert await conn.fetchval("SELECT count(*) FROM outbox") == 0
        assert await conn.fetchval("SELECT count(*) FROM outbox_sequence") == 0
        payloads[1] = contract(account=subjects[1], n=1).model_dump_json().encode()
        async with conn.transaction():
            queued = await copy_events(
                conn, contract, source=ledger_app.SOURCE, subjects=subjects, payloads=payloads
            )
        assert queued == 3 and await conn.fetchval("SELECT count(*) FROM outbox") == 3
    finally:
        await conn.close()


async def test_refused_row_is_parked_others_flow_subject_held_and_retry_publishes_in_order(
    env, caplog
):
    caplog.set_level(logging.ERROR, logger="socialaid.relay")
    await emit(env, "acct-a", 1)
    await emit_oversize(env, "acct-a", 2, note_bytes=MiB + 100_000)  # over the relay's 1 MiB
    await emit(env, "acct-b", 1)
    await emit(env, "acct-a", 3)
    await emit(env, "acct-b", 2)
    parked_before = metric(
        "socialaid_relay_parked_total", service=env["service"], topic=env["topic"]
    )
    async with TopicReader(env["topic"]) as reader:
        async with relay_running(env) as relay:
            await reader.wait_for(lambda e: e.subject == "acct-b", count=2)
            await emit(env, "acct-c", 1)  # written after the park: flows too
            await reader.wait_for(lambda e: e.subject == "acct-c")

            async def parked() -> bool:
                return bool((await rows(env))[("acct-a", 2)]["parked"])

            await eventually(parked, what="the oversize row parked")
            state = await rows(env)
            assert state[("acct-a", 1)]["published"]
            assert not state[("acct-a", 3)]["published"]  # held behind the parked row
            assert not state[("acct-a", 3)]["parked"]
            assert relay.parked == 1
            await emit(env, "acct-a", 4)  # also held
            await reader.wait_for(lambda e: e.subject == "acct-c")
            await reader.poll()
            assert on_kafka(reader, "acct-a") == [1]
            assert (
                metric("socialaid_relay_parked_total", service=env["service"], topic=env["topic"])
                == parked_before + 1
            )
            assert metric("socialaid_outbox_parked", service=env["service"]) == 1

            [row] = await list_parked(env["db"])
            assert (row.subject, row.sequence, row.held, row.attempts) == ("acct-a", 2, 2, 1)
            assert "MessageSizeTooLargeError" in (row.last_error or "")
            assert row.size > MiB
            [logged] = [r for r in caplog.records if r.getMessage().startswith("outbox row parked")]
            assert getattr(logged, "subject", None) == "acct-a"  # once, with its diagnostics
            assert getattr(logged, "outbox_id", None) == row.id
            assert "MessageSizeTooLargeError" in getattr(logged, "error", "")
        # The cause fixed: the relay may now send records up to 2 MiB (the topic takes 4).
        async with relay_running(env, max_request_bytes=2 * MiB):
            assert await retry_parked(env["db"], row.id)
            await reader.wait_for(lambda e: e.subject == "acct-a", count=4)
            assert on_kafka(reader, "acct-a") == [1, 2, 3, 4]  # the subject's order kept
    assert await list_parked(env["db"]) == []
    assert not await retry_parked(env["db"], row.id)  # no longer parked
    assert not await retry_parked(env["db"], 2**63 - 1)


async def test_discarded_row_is_never_published_and_releases_its_subject(env):
    await emit_oversize(env, "acct-d", 1, note_bytes=MiB + 100_000)
    await emit(env, "acct-d", 2)
    await emit(env, "acct-e", 1)
    async with TopicReader(env["topic"]) as reader:
        async with relay_running(env):
            await reader.wait_for(lambda e: e.subject == "acct-e")
            [row] = await eventually(lambda: list_parked(env["db"]), what="a parked row")
            assert row.held == 1
            assert await discard_parked(env["db"], row.id, "payload rebuilt as a smaller event")
            await reader.wait_for(lambda e: e.subject == "acct-d")
            assert on_kafka(reader, "acct-d") == [2]
            state = await rows(env)
            assert state[("acct-d", 1)]["discarded"] and not state[("acct-d", 1)]["published"]
            assert state[("acct-d", 2)]["published"]
            assert await list_parked(env["db"]) == []
    assert not await discard_parked(env["db"], row.id, "twice")
    assert not await retry_parked(env["db"], row.id)  # a discarded row stays discarded


async def test_a_topic_that_refuses_a_record_parks_it_and_its_fix_lets_it_through(env):
    """The broker itself refuses the record (the topic's max.message.bytes is below it)."""
    await env["admin"].alter_configs(
        [ConfigResource(ConfigResourceType.TOPIC, env["topic"], {"max.message.bytes": "65536"})]
    )
    await emit(env, "acct-f", 1, note_bytes=100_000)  # under the event limit, over the topic's
    await emit(env, "acct-g", 1)
    async with TopicReader(env["topic"]) as reader:
        async with relay_running(env):
            await reader.wait_for(lambda e: e.subject == "acct-g")
            [row] = await eventually(lambda: list_parked(env["db"]), what="a parked row")
            assert row.subject == "acct-f"
            assert "TooLarge" in (row.last_error or "")
            await emit(env, "acct-g", 2)  # the relay still publishes after the refusal
            await reader.wait_for(lambda e: e.subject == "acct-g", count=2)
            await env["admin"].alter_configs(
                [
                    ConfigResource(
                        ConfigResourceType.TOPIC, env["topic"], {"max.message.bytes": str(4 * MiB)}
                    )
                ]
            )
            assert await retry_parked(env["db"], row.id)
            await reader.wait_for(lambda e: e.subject == "acct-f")
    assert on_kafka(reader, "acct-f") == [1]
