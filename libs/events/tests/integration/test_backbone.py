"""The event backbone against real PostgreSQL and real Kafka.

Outbox → relay → Kafka → consumer, with the faults the architecture names:
a relay killed between publishing and marking, a consumer killed between its
database commit and its offset commit, poison messages and held subjects.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import func, select, text

from libs.events.tests.integration import ledger_app
from libs.events.tests.integration.backbone_kit import (
    Env,
    backbone_env,
    drained,
    effects,
    emit,
    has_effects,
    run_relay_until_drained,
    scalar,
    spawn,
    stop,
)
from socialaid.contracts import Topic
from socialaid.db.platform import outbox, parked_message
from socialaid.events.envelope import Envelope
from socialaid.events.outbox import add_event
from socialaid.testkit.infra import TopicReader, eventually

pytestmark = pytest.mark.integration


@pytest_asyncio.fixture
async def env(
    fresh_database: Callable[[str], Awaitable[str]], kafka_bootstrap: str
) -> AsyncIterator[Env]:
    async with backbone_env(fresh_database, kafka_bootstrap) as e:
        yield e


async def test_rolled_back_write_publishes_nothing_and_committed_events_arrive_in_order(env):
    async with env["db"].uow() as uow:
        await add_event(
            uow.session, env["contract"](account="ghost", n=1), source=ledger_app.SOURCE
        )
        # leaving without commit rolls back
    for i in range(5):
        await emit(env, "acct-1", i)
    assert await scalar(env["db"], select(func.count()).select_from(outbox)) == 5
    async with TopicReader(env["topic"]) as reader:
        await run_relay_until_drained(env)
        events = await reader.wait_for(lambda e: True, count=5)
    assert [e.data["n"] for e in events] == [0, 1, 2, 3, 4]
    assert [e.sequence for e in events] == [1, 2, 3, 4, 5]
    assert all(e.subject == "acct-1" and e.source == ledger_app.SOURCE for e in events)
    assert not any(e.data.get("account") == "ghost" for e in events)


async def test_relay_killed_mid_batch_loses_nothing_and_consumer_applies_once(env, tmp_path):
    for i in range(45):
        await emit(env, f"acct-{i % 3}", i)
    crashed = spawn(
        "relay", env["url"], env["bootstrap"], fault="relay.after_send", marker=tmp_path / "relay"
    )
    assert await asyncio.to_thread(crashed.wait, 60) == 137  # died after sending, before marking
    assert (
        await scalar(
            env["db"],
            select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None)),
        )
        == 45
    )
    relay = spawn(
        "relay", env["url"], env["bootstrap"], fault="relay.after_send", marker=tmp_path / "relay"
    )
    consumer = ledger_app.runner(
        env["db"], env["bootstrap"], env["topic"], f"g-{secrets.token_hex(3)}"
    )
    task = asyncio.create_task(consumer.run())
    try:

        async def applied() -> bool:
            return len(await effects(env["db"])) >= 45 and await drained(env)

        await eventually(applied, timeout=60, what="45 effects")
        async with TopicReader(env["topic"]) as reader:
            await reader.wait_for(
                lambda e: True, count=45 + 20
            )  # the first batch of 20 went out twice
    finally:
        consumer.stop()
        await asyncio.wait_for(task, 15)
        stop(relay)
    got = await effects(env["db"])
    assert sorted(n for _, n in got) == list(range(45))
    for acct in ("acct-0", "acct-1", "acct-2"):  # per-subject order kept
        ns = [n for a, n in got if a == acct]
        assert ns == sorted(ns)


async def test_consumer_killed_after_db_commit_applies_the_effect_once(env, tmp_path):
    for i in range(10):
        await emit(env, "acct-k", i)
    await run_relay_until_drained(env)
    group = f"g-{secrets.token_hex(3)}"
    marker = tmp_path / "consumer"
    first = spawn(
        "consume",
        env["url"],
        env["bootstrap"],
        env["topic"],
        group,
        fault="consumer.after_db_commit",
        marker=marker,
    )
    assert await asyncio.to_thread(first.wait, 60) == 137
    assert len(await effects(env["db"])) == 1  # committed, offset not committed
    second = spawn(
        "consume",
        env["url"],
        env["bootstrap"],
        env["topic"],
        group,
        fault="consumer.after_db_commit",
        marker=marker,
    )
    try:
        await eventually(lambda: has_effects(env, 10), timeout=60, what="10 effects")
    finally:
        stop(second)
    assert [n for _, n in await effects(env["db"])] == list(range(10))


async def test_poison_is_parked_and_dead_lettered_its_subject_held_others_flow_then_redrive(env):
    await emit(env, "poison-1", -5)  # refused: parked
    await emit(env, "poison-1", 7)  # same subject: held behind it
    await emit(env, "clean-1", 1)  # other subjects keep flowing
    await emit(env, "flaky-1", 2)  # fails twice, then applies (retry with back-off)
    await run_relay_until_drained(env)
    consumer = ledger_app.runner(
        env["db"], env["bootstrap"], env["topic"], f"g-{secrets.token_hex(3)}"
    )
    task = asyncio.create_task(consumer.run())
    try:

        async def settled() -> bool:
            parked = await scalar(env["db"], select(func.count()).select_from(parked_message))
            return parked == 2 and len(await effects(env["db"])) == 2

        await eventually(settled, timeout=60, what="2 parked, 2 applied")
    finally:
        consumer.stop()
        await asyncio.wait_for(task, 15)
    assert sorted(await effects(env["db"])) == [("clean-1", 1), ("flaky-1", 2)]
    async with env["db"].uow() as uow:
        reasons = (
            await uow.session.execute(
                select(parked_message.c.reason, parked_message.c.error).order_by(
                    parked_message.c.id
                )
            )
        ).all()
    assert [r for r, _ in reasons] == ["poison", "held"] and "negative credit" in reasons[0][1]
    # The dead letter goes out through the outbox like any event, to the dead-letter topic.
    async with TopicReader(Topic.DEADLETTER) as reader:
        await run_relay_until_drained(env)
        dead = await reader.wait_for(lambda e: e.data.get("original_topic") == env["topic"])
    assert (
        dead[0].data["parked_subject"] == "poison-1" and "negative credit" in dead[0].data["error"]
    )
    # The operator fixes the cause and redrives the subject: both apply, in order.
    async with env["db"].uow() as uow:
        await uow.session.execute(text("UPDATE switch SET \"on\" = false WHERE name = 'poison'"))
        await uow.commit()
    result = await consumer.applier.redrive("poison-1")
    assert (result.subject, result.applied, result.remaining, result.error) == (
        "poison-1",
        2,
        0,
        None,
    )
    assert [n for a, n in await effects(env["db"]) if a == "poison-1"] == [-5, 7]


def _payload(account: str, n: int) -> bytes:
    import json as _json

    return _json.dumps({"account": account, "n": n}, ensure_ascii=False).encode()


async def _outbox_envelopes(conn: Any) -> list[tuple[str, Envelope]]:
    """``conn`` is an asyncpg connection (asyncpg ships no type information)."""
    import json as _json

    rows = await conn.fetch("SELECT key, headers, payload FROM outbox ORDER BY id")
    return [
        (r["key"], Envelope.from_headers(_json.loads(r["headers"]), bytes(r["payload"])))
        for r in rows
    ]


async def test_bulk_writer_gives_the_same_headers_and_sequences_as_add_event(env):
    import asyncpg

    from socialaid.events.outbox import copy_events

    await emit(env, "acct-s", 1)  # acct-s already has sequence 1
    odd = 'acct "quoted" \\ 账户'  # needs JSON escaping in the headers
    conn = await asyncpg.connect(env["url"].replace("+asyncpg", ""))
    try:
        async with conn.transaction():
            n = await copy_events(
                conn,
                env["contract"],
                source=ledger_app.SOURCE,
                subjects=["acct-s", "acct-t", odd],
                payloads=[_payload("acct-s", 2), _payload("acct-t", 3), _payload(odd, 4)],
                chunk_rows=2,  # two chunks
            )
        envs = await _outbox_envelopes(conn)
    finally:
        await conn.close()
    assert n == 3
    first = envs[0][1]
    for key, e in envs[1:]:
        assert set(e.headers()) == set(first.headers()) - {"traceparent"}
        assert key == e.subject and e.type == first.type and e.source == first.source
    assert [(e.subject, e.sequence, e.data["n"]) for _, e in envs] == [
        ("acct-s", 1, 1),
        ("acct-s", 2, 2),
        ("acct-t", 1, 3),
        (odd, 1, 4),
    ]
    ids = [e.id for _, e in envs[1:]]
    assert ids == sorted(ids) and len(set(ids)) == 3  # consecutive, time-ordered ids


async def test_bulk_writer_refuses_bad_batches_and_writes_nothing(env):
    import asyncpg

    from socialaid.events.outbox import copy_events

    conn = await asyncpg.connect(env["url"].replace("+asyncpg", ""))
    try:
        for subjects, payloads in [
            (["a", "a"], [_payload("a", 1), _payload("a", 2)]),  # two events of one subject
            (["a", "b"], [_payload("a", 1), _payload("c", 2)]),  # payload about another subject
            (["a"], [b'{"account": "a"}']),  # not the contract's shape
            (["a", "b"], [_payload("a", 1)]),  # one payload short
        ]:
            with pytest.raises(ValueError):
                async with conn.transaction():
                    await copy_events(
                        conn, env["contract"], source=ledger_app.SOURCE,
                        subjects=subjects, payloads=payloads,
                    )  # fmt: skip
        assert await conn.fetchval("SELECT count(*) FROM outbox") == 0
        assert await conn.fetchval("SELECT count(*) FROM outbox_sequence") == 0
    finally:
        await conn.close()


async def test_bulk_sequences_follow_commit_order(env):
    """A writer of the same subject waits for the bulk transaction and takes the next number."""
    import asyncpg

    from socialaid.events.outbox import copy_events

    await emit(env, "acct-c", 1)
    conn = await asyncpg.connect(env["url"].replace("+asyncpg", ""))
    try:
        tx = conn.transaction()
        await tx.start()
        await copy_events(
            conn, env["contract"], source=ledger_app.SOURCE,
            subjects=["acct-c"], payloads=[_payload("acct-c", 2)],
        )  # fmt: skip
        late = asyncio.create_task(emit(env, "acct-c", 3))
        await asyncio.sleep(0.5)
        assert not late.done()  # blocked on the subject's sequence row
        await tx.commit()
        await asyncio.wait_for(late, 10)
        envs = await _outbox_envelopes(conn)
    finally:
        await conn.close()
    assert [(e.sequence, e.data["n"]) for _, e in envs] == [(1, 1), (2, 2), (3, 3)]
