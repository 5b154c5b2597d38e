"""Readiness that tells the truth, against real PostgreSQL and Kafka and a real worker.

The API's ``/readyz`` asks its worker's ``/healthz``; its ``/metrics`` measures the outbox backlog
and the consumer group's lag itself, so both survive the worker's death.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import secrets
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest
import pytest_asyncio
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select, update

from socialaid.contracts.base import Contract
from socialaid.core.settings import ServiceSettings
from socialaid.db import Database, UnitOfWork
from socialaid.db.platform import outbox
from socialaid.events.envelope import Envelope
from socialaid.events.inbox import Subscription
from socialaid.events.outbox import add_event
from socialaid.testkit.infra import eventually
from socialaid.testkit.plugin import MigratedDb
from socialaid.web.service import BackgroundJob, ServiceSpec, create_app, run_worker

pytestmark = pytest.mark.integration
# Any service's migrations give the platform tables (outbox, inbox, …); relief's are the fewest.
RELIEF_ALEMBIC = Path(__file__).resolve().parents[4] / "services/relief/alembic.ini"
SPEC = ServiceSpec(
    name="readiness",
    title="Readiness probe",
    description="A service with no routes: only its health, metrics, relay and worker.",
    settings_factory=ServiceSettings,
    routers=[],
    alembic_ini=RELIEF_ALEMBIC,
)


class Probed(Contract):
    """A test event; its topic is set per test (see :func:`probed_on`)."""

    TYPE: ClassVar[str] = "cn.gov.socialaid.test.probed.v1"
    TOPIC: ClassVar[str] = "socialaid.test.readiness"
    SUBJECT: ClassVar[str] = "probe_id"
    probe_id: str


def probed_on(topic: str) -> type[Probed]:
    class TopicProbed(Probed):
        TOPIC: ClassVar[str] = topic

    return TopicProbed


async def ignore(event: Any, env: Envelope, uow: UnitOfWork) -> None:
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def sample(text: str, name: str, **labels: str) -> float | None:
    """The value of the series ``name{labels}`` in a Prometheus exposition, or None."""
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                return float(s.value)
    return None


@pytest_asyncio.fixture
async def relief_url(isolated_database: MigratedDb) -> str:
    return await isolated_database("relief", str(RELIEF_ALEMBIC))


@contextlib.asynccontextmanager
async def api(spec: ServiceSpec, settings: ServiceSettings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(spec, settings)
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://api"
        ) as client:
            yield client
    finally:
        await app.state.db.dispose()


@contextlib.asynccontextmanager
async def worker(spec: ServiceSpec, settings: ServiceSettings) -> AsyncIterator[asyncio.Event]:
    """``run_worker`` in this process until the block ends or the yielded event is set."""
    stop = asyncio.Event()
    task = asyncio.create_task(run_worker(spec, settings, stop))
    try:
        yield stop
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=30)


def settings_for(url: str, **overrides: Any) -> ServiceSettings:
    return ServiceSettings(database_url=url, **{"worker_port": None, **overrides})


async def ready_with_worker(client: httpx.AsyncClient) -> dict[str, Any] | None:
    r = await client.get("/readyz")
    body: dict[str, Any] = r.json()
    return body if r.status_code == 200 and body["checks"]["worker"] == "ok" else None


async def not_ready(client: httpx.AsyncClient, worker: str = "down") -> httpx.Response | None:
    """The 503 answer of /readyz whose worker check starts with ``worker``, else None."""
    r = await client.get("/readyz")
    ok = r.status_code == 503 and r.json()["checks"]["worker"].startswith(worker)
    return r if ok else None


async def test_readyz_names_a_dead_worker_within_seconds(relief_url):
    """Probe "health lies": /readyz is 200 listing the worker while it runs, and 503 problem+json
    naming the worker within a few seconds of the worker's death."""
    settings = settings_for(relief_url, worker_port=free_port())
    async with api(SPEC, settings) as client:
        async with worker(SPEC, settings) as stop:
            body = await eventually(
                lambda: ready_with_worker(client), timeout=20, what="ready with its worker"
            )
            assert body == {
                "status": "ready",
                "checks": {"database": "ok", "kafka": "ok", "worker": "ok"},
            }
            stop.set()
            # While it shuts down, the worker itself reports its stopped tasks.
            await eventually(lambda: not_ready(client), timeout=5, what="/readyz to say 503")
        r = await eventually(
            lambda: not_ready(client, "down: unreachable"), timeout=5, what="worker unreachable"
        )
    assert r.headers["content-type"].startswith("application/problem+json")
    problem = r.json()
    assert problem["status"] == 503 and problem["code"] == "not-ready"
    assert problem["failed"] == ["worker"]
    assert problem["checks"]["database"] == "ok" and problem["checks"]["kafka"] == "ok"
    assert "worker" in problem["detail"]


async def test_readyz_names_the_worker_task_that_stopped(relief_url):
    """A worker whose process lives on but one of whose tasks died is not ready either."""

    async def doomed_job(settings: ServiceSettings, db: Database, stop: asyncio.Event) -> None:
        raise RuntimeError("job crashed")

    jobs: list[BackgroundJob] = [doomed_job]
    spec = dataclasses.replace(SPEC, background_jobs=jobs)
    settings = settings_for(relief_url, worker_port=free_port())
    async with api(spec, settings) as client, worker(spec, settings):
        r = await eventually(
            lambda: not_ready(client, "down: stopped"), timeout=20, what="a stopped task"
        )
        assert r.json()["failed"] == ["worker"]
        assert r.json()["checks"]["worker"] == "down: stopped doomed_job"


async def test_readyz_without_a_worker_port_skips_the_worker_check(relief_url):
    """An API run alone (no worker port configured) is ready and says the check was skipped."""
    async with api(SPEC, settings_for(relief_url)) as client:
        r = await client.get("/readyz")
    assert r.status_code == 200
    assert r.json()["checks"]["worker"] == "skipped: no worker port configured"


async def test_metrics_show_the_outbox_backlog_without_a_relay(relief_url):
    """Events written while no relay runs appear as the API's backlog: count and oldest age;
    a parked row is backlog (and counted as parked), a discarded one is not."""
    db = Database(relief_url, pool_size=2)
    try:
        for i in range(5):
            async with db.uow() as uow:
                await add_event(uow.session, Probed(probe_id=f"p{i}"), source="/test")
                await uow.commit()
        async with db.uow() as uow:
            ids = (await uow.session.execute(select(outbox.c.id).order_by(outbox.c.id))).scalars()
            parked, discarded, *_ = list(ids)
            await uow.session.execute(
                update(outbox).where(outbox.c.id == parked).values(parked_at=func.now())
            )
            await uow.session.execute(
                update(outbox)
                .where(outbox.c.id == discarded)
                .values(parked_at=func.now(), discarded_at=func.now())
            )
            await uow.commit()
    finally:
        await db.dispose()
    settings = settings_for(relief_url, backbone_metrics_cache_seconds=0)
    async with api(SPEC, settings) as client:
        first = (await client.get("/metrics")).text

        async def older() -> float | None:
            age = sample(
                (await client.get("/metrics")).text,
                "socialaid_outbox_oldest_pending_age_seconds",
                service="readiness",
            )
            first_age = sample(
                first, "socialaid_outbox_oldest_pending_age_seconds", service="readiness"
            )
            return age if age is not None and first_age is not None and age > first_age else None

        await eventually(older, timeout=10, what="the oldest pending event to age")
    assert sample(first, "socialaid_outbox_pending_events", service="readiness") == 4
    assert sample(first, "socialaid_outbox_pending_parked_events", service="readiness") == 1
    assert sample(first, "socialaid_outbox_pending_up", service="readiness") == 1


@pytest_asyncio.fixture
async def topic(kafka_bootstrap: str) -> AsyncIterator[str]:
    name = f"socialaid.test.{secrets.token_hex(4)}"
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    await admin.start()
    await admin.create_topics([NewTopic(name, num_partitions=2, replication_factor=1)])
    yield name
    await admin.delete_topics([name])
    await admin.close()


def consuming(topic: str) -> ServiceSpec:
    """Relief's spec, under a name of its own, subscribed to ``topic``."""
    contract = probed_on(topic)
    return dataclasses.replace(
        SPEC,
        name=f"readiness{secrets.token_hex(3)}",
        subscriptions=lambda _s: {contract.TYPE: Subscription(contract, ignore)},
    )


async def test_metrics_show_consumer_lag_without_a_consumer(relief_url, topic, kafka_bootstrap):
    """Messages on a subscribed topic that no consumer reads appear as the group's lag."""
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    await producer.start()
    try:
        for partition in (0, 0, 0, 1, 1):
            await producer.send_and_wait(topic, b"{}", partition=partition)
    finally:
        await producer.stop()
    spec = consuming(topic)
    consumer = spec.consumer_name

    def lags(text: str) -> list[float | None]:
        return [
            sample(
                text, "socialaid_consumer_group_lag", consumer=consumer, topic=topic, partition=p
            )
            for p in ("0", "1")
        ]

    async with api(spec, settings_for(relief_url, backbone_metrics_cache_seconds=0)) as client:
        before = (await client.get("/metrics")).text
        # The group commits partition 0 up to its end: that partition's lag drops to 0.
        group = AIOKafkaConsumer(
            bootstrap_servers=kafka_bootstrap, group_id=consumer, enable_auto_commit=False
        )
        await group.start()
        try:
            p0 = TopicPartition(topic, 0)
            group.assign([p0])
            await group.commit({p0: (await group.end_offsets([p0]))[p0]})
        finally:
            await group.stop()
        after = (await client.get("/metrics")).text
    assert lags(before) == [3, 2]
    assert sample(before, "socialaid_consumer_group_lag_up", consumer=consumer) == 1
    assert lags(after) == [0, 2]


async def test_metrics_say_when_kafka_and_the_database_do_not_answer(topic):
    """With the broker and the database unreachable, /metrics still answers and says so."""
    spec = consuming(topic)
    dead = free_port()
    settings = ServiceSettings(
        database_url=f"postgresql+asyncpg://socialaid:socialaid@127.0.0.1:{dead}/nowhere",
        kafka_bootstrap=f"127.0.0.1:{dead}",
        worker_port=None,
        backbone_metrics_timeout_seconds=1,
        backbone_metrics_cache_seconds=0,
    )
    async with api(spec, settings) as client:
        r = await asyncio.wait_for(client.get("/metrics"), timeout=10)
    assert r.status_code == 200
    assert sample(r.text, "socialaid_consumer_group_lag_up", consumer=spec.consumer_name) == 0
    assert sample(r.text, "socialaid_consumer_group_lag", consumer=spec.consumer_name) is None
    assert sample(r.text, "socialaid_outbox_pending_up", service=spec.name) == 0
