"""Fault matrix of the event backbone, on real PostgreSQL and real Kafka.

Three faults the consumer must survive with nothing lost and nothing applied twice:

* the consumer process killed after its handler ran but before its database commit;
* duplicate and out-of-order delivery (the same event twice, an older event of a subject
  after a newer one) arriving through Kafka;
* a consumer-group rebalance while a burst is in flight: a second consumer joins the
  group mid-burst, then the first is killed mid-burst.

The consumer runs the small ledger app (``ledger_app.py``) like a real worker, in its own
process where it is killed, and every effect is checked in the ledger table.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
import pytest_asyncio
from aiokafka.admin import AIOKafkaAdminClient
from prometheus_client import REGISTRY
from sqlalchemy import func, select

from libs.events.tests.integration import ledger_app
from libs.events.tests.integration.backbone_kit import (
    Env,
    backbone_env,
    credited,
    effects,
    emit,
    has_effects,
    produce_raw,
    run_relay_until_drained,
    scalar,
    spawn_consumer,
    stop,
)
from socialaid.db.platform import consumer_position, inbox
from socialaid.events.envelope import Envelope
from socialaid.testkit.infra import eventually

pytestmark = pytest.mark.integration


@pytest_asyncio.fixture
async def env(
    fresh_database: Callable[[str], Awaitable[str]], kafka_bootstrap: str
) -> AsyncIterator[Env]:
    async with backbone_env(fresh_database, kafka_bootstrap) as e:
        yield e


@pytest_asyncio.fixture
async def wide_env(
    fresh_database: Callable[[str], Awaitable[str]], kafka_bootstrap: str
) -> AsyncIterator[Env]:
    """A topic of 6 partitions, so that two consumers of one group each own several."""
    async with backbone_env(fresh_database, kafka_bootstrap, partitions=6) as e:
        yield e


async def committed_offsets(env: Env, group: str) -> dict[int, int]:
    """The group's committed offset per partition of the test topic (absent: never committed)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=env["bootstrap"])
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(group)
    finally:
        await admin.close()
    return {
        tp.partition: meta.offset
        for tp, meta in offsets.items()
        if tp.topic == env["topic"] and meta.offset >= 0
    }


async def stable_members(env: Env, group: str) -> int:
    """How many members the group has once its rebalance settled (0 while it is rebalancing)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=env["bootstrap"])
    await admin.start()
    try:
        [response] = await admin.describe_consumer_groups([group])
    finally:
        await admin.close()
    _error, _group, state, _protocol_type, _protocol, members, *_ = response.groups[0]
    return len(members) if state == "Stable" else 0


async def inbox_rows(env: Env, group: str) -> int | None:
    return await scalar(
        env["db"], select(func.count()).select_from(inbox).where(inbox.c.consumer == group)
    )


async def positions(env: Env, group: str) -> dict[str, int]:
    async with env["db"].uow() as uow:
        rows = (
            await uow.session.execute(
                select(consumer_position.c.subject, consumer_position.c.last_sequence).where(
                    consumer_position.c.consumer == group
                )
            )
        ).all()
    return {subject: seq for subject, seq in rows}


def consumed(env: Env, group: str, outcome: str) -> float:
    labels = {"consumer": group, "topic": env["topic"], "outcome": outcome}
    return REGISTRY.get_sample_value("socialaid_consumer_messages_total", labels) or 0.0


async def test_consumer_killed_before_db_commit_rolls_back_and_restart_applies_once(env, tmp_path):
    """Fault matrix: consumer killed before its database commit.

    The handler ran inside the transaction; the process dies before the commit. PostgreSQL
    rolls the transaction back (no effect, no inbox row, no position) and no offset was
    committed, so the restarted consumer reads the message again and applies it once.
    """
    for i in range(10):
        await emit(env, "acct-r", i)
    await run_relay_until_drained(env)
    group = f"g-{secrets.token_hex(3)}"
    marker = tmp_path / "consumer"
    first = spawn_consumer(env, group, fault="consumer.before_db_commit", marker=marker)
    assert await asyncio.to_thread(first.wait, 60) == 137
    assert marker.read_text() == "consumer.before_db_commit"  # died after the handler ran
    assert await effects(env["db"]) == []  # the handler's write was rolled back
    assert await inbox_rows(env, group) == 0 and await positions(env, group) == {}
    assert await committed_offsets(env, group) == {}  # the message is still unconsumed
    second = spawn_consumer(env, group, fault="consumer.before_db_commit", marker=marker)
    try:
        await eventually(lambda: has_effects(env, 10), timeout=60, what="10 effects")

        async def all_committed() -> bool:
            return sum((await committed_offsets(env, group)).values()) == 10

        await eventually(all_committed, timeout=30, what="offsets committed")
    finally:
        stop(second)
    assert await effects(env["db"]) == [("acct-r", i) for i in range(10)]
    assert await inbox_rows(env, group) == 10
    assert await positions(env, group) == {"acct-r": 10}


async def test_duplicate_and_out_of_order_delivery_through_kafka_applies_each_event_once(env):
    """Fault matrix: duplicate and out-of-order delivery.

    Records go to Kafka the way a relay re-sending after a crash, or a producer retrying,
    could deliver them: the same event (same id) twice, and an older event of a subject
    (lower ``ce_sequence``) after a newer one. The inbox drops the duplicates, the
    subject's position drops the stale events, and every other effect applies once.
    """
    a1 = credited(env, "acct-a", 1, sequence=1)
    a2 = credited(env, "acct-a", 2, sequence=2)
    a3 = credited(env, "acct-a", 3, sequence=3)
    b1 = credited(env, "acct-b", 10, sequence=1)
    b2 = credited(env, "acct-b", 20, sequence=2)
    last_a = credited(env, "acct-a", 9, sequence=9)
    last_b = credited(env, "acct-b", 99, sequence=9)
    await produce_raw(
        env,
        [a1, a1, a3, a2, a3, b2, b1, b2, last_a, last_b],  # each subject's last one comes last
    )
    group = f"g-{secrets.token_hex(3)}"
    consumer = ledger_app.runner(env["db"], env["bootstrap"], env["topic"], group)
    task = asyncio.create_task(consumer.run())
    try:

        async def both_lasts_applied() -> bool:
            got = await effects(env["db"])
            return ("acct-a", 9) in got and ("acct-b", 99) in got

        await eventually(both_lasts_applied, timeout=60, what="each subject's last event")
    finally:
        consumer.stop()
        await asyncio.wait_for(task, 15)
    got = await effects(env["db"])
    assert [n for a, n in got if a == "acct-a"] == [1, 3, 9]  # a2 came after a3: stale
    assert [n for a, n in got if a == "acct-b"] == [20, 99]  # b1 came after b2: stale
    assert len(got) == 5
    assert consumed(env, group, "applied") == 5
    assert consumed(env, group, "duplicate") == 3  # a1, a3, b2 again
    assert consumed(env, group, "stale") == 2  # a2, b1
    assert await positions(env, group) == {"acct-a": 9, "acct-b": 9}
    assert await inbox_rows(env, group) == 7  # each distinct event recorded once


async def test_consumer_group_rebalance_mid_burst_applies_every_event_once_in_order(wide_env):
    """Fault matrix: consumer-group rebalance while a burst is in flight.

    One consumer works through a burst over 12 subjects on a 6-partition topic; a second
    consumer of the same group joins mid-burst (partitions move while the first still has
    fetched records in hand), then the first is killed mid-burst (its partitions move
    again, with uncommitted offsets). Every event is applied exactly once and each
    subject's events in their order.
    """
    env = wide_env
    subjects = [f"acct-{i:02d}" for i in range(12)]
    rounds = 30

    def burst(first_round: int, last_round: int) -> list[Envelope]:
        return [
            credited(env, s, r, sequence=r + 1)
            for r in range(first_round, last_round)
            for s in subjects
        ]

    group = f"g-{secrets.token_hex(3)}"
    first = spawn_consumer(env, group)
    second = None
    try:
        await produce_raw(env, burst(0, 10))
        await eventually(lambda: has_effects(env, 1), timeout=60, what="the first consumer at work")
        second = spawn_consumer(env, group)  # joins mid-burst: a rebalance
        await produce_raw(env, burst(10, 20))

        async def both_members() -> bool:
            return await stable_members(env, group) == 2

        await eventually(both_members, timeout=60, interval=0.5, what="a group of two")
        await produce_raw(env, burst(20, 25))
        first.kill()  # mid-burst, without leaving the group: another rebalance
        await asyncio.to_thread(first.wait, 20)
        await produce_raw(env, burst(25, rounds))
        await eventually(
            lambda: has_effects(env, len(subjects) * rounds),
            timeout=120,
            interval=0.5,
            what="every effect",
        )
    finally:
        stop(first)
        if second is not None:
            stop(second)
    got = await effects(env["db"])
    assert sorted(got) == sorted((s, r) for s in subjects for r in range(rounds))  # once each
    for s in subjects:  # each subject in its order
        assert [n for a, n in got if a == s] == list(range(rounds))
    assert await positions(env, group) == {s: rounds for s in subjects}
