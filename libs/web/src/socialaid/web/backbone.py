"""Outbox backlog and consumer lag measured by the API process, so they outlive the worker.

The worker's relay and consumer export their own view (``socialaid_outbox_backlog``,
``socialaid_consumer_lag`` in ``socialaid.events.metrics``), but those series vanish with the
worker's metrics port exactly when they matter. The API measures the same things from the
outside on each scrape of its ``/metrics``, under names of its own (one process must not register
a name twice):

* ``socialaid_outbox_pending_events{service}`` and
  ``socialaid_outbox_oldest_pending_age_seconds{service}``: unpublished outbox rows in the
  service's own database (a discarded row is not backlog), and the age of the oldest;
  ``socialaid_outbox_pending_parked_events``: how many of them the relay parked;
  ``socialaid_outbox_pending_up`` is 0 when the database did not answer in time.
* ``socialaid_consumer_group_lag{consumer,topic,partition}``: end offset (read-committed) minus
  the offset the service's consumer group committed, from Kafka's admin API; a partition the group
  never committed counts from its beginning (the consumer starts at ``earliest``).
  ``socialaid_consumer_group_lag_up{consumer}`` is 0 when Kafka did not answer in time; the
  per-partition series are then withdrawn rather than left stale.

Each measurement has a timeout and is cached for a few seconds, so a scrape storm costs one query
and a failure costs the scrape nothing.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from prometheus_client import Gauge
from sqlalchemy import text

from socialaid.db import Database

log = logging.getLogger("socialaid.web.backbone")

OUTBOX_PENDING = Gauge(
    "socialaid_outbox_pending_events",
    "Outbox rows not yet published, counted by the API on scrape",
    ["service"],
)
OUTBOX_OLDEST_AGE = Gauge(
    "socialaid_outbox_oldest_pending_age_seconds",
    "Age of the oldest unpublished outbox row (0 when none), measured by the API on scrape",
    ["service"],
)
OUTBOX_PARKED_PENDING = Gauge(
    "socialaid_outbox_pending_parked_events",
    "Unpublished outbox rows the relay parked (refused by the broker), counted by the API",
    ["service"],
)
OUTBOX_UP = Gauge(
    "socialaid_outbox_pending_up",
    "1 when the API could count the outbox at the last scrape, 0 when the database did not answer",
    ["service"],
)
GROUP_LAG = Gauge(
    "socialaid_consumer_group_lag",
    "End offset minus the consumer group's committed offset, read from Kafka by the API",
    ["consumer", "topic", "partition"],
)
GROUP_LAG_UP = Gauge(
    "socialaid_consumer_group_lag_up",
    "1 when Kafka answered the API's lag query at the last scrape, 0 when it did not",
    ["consumer"],
)

# Platform v3 adds parked_at / discarded_at to the outbox; a database still on v2 has neither.
_OUTBOX_COLUMNS_SQL = text(
    """
    SELECT column_name FROM information_schema.columns
    WHERE table_schema = current_schema() AND table_name = 'outbox'
      AND column_name IN ('parked_at', 'discarded_at')
    """
)


def _outbox_sql(columns: set[str]) -> str:
    pending = "published_at IS NULL"
    if "discarded_at" in columns:  # a discarded row is never published: not backlog
        pending += " AND discarded_at IS NULL"
    parked = (
        f"(SELECT count(*) FROM outbox WHERE {pending} AND parked_at IS NOT NULL)"
        if "parked_at" in columns
        else "0"
    )
    return f"""
        SELECT (SELECT count(*) FROM outbox WHERE {pending}),
               (SELECT extract(epoch FROM now() - created_at) FROM outbox
                 WHERE {pending} ORDER BY id LIMIT 1),
               {parked}
    """


async def outbox_backlog(db: Database, timeout: float) -> tuple[int, float, int]:
    """(unpublished rows, age in seconds of the oldest, how many of them are parked) in
    ``db``'s outbox."""
    async with db.engine.connect() as conn:
        await conn.execute(text(f"SET LOCAL statement_timeout = {max(1, int(timeout * 1000))}"))
        columns = set((await conn.execute(_OUTBOX_COLUMNS_SQL)).scalars())
        count, age, parked = (await conn.execute(text(_outbox_sql(columns)))).one()
        await conn.rollback()
    return int(count), float(age or 0.0), int(parked)


async def consumer_group_lag(
    bootstrap: str, group: str, topics: Sequence[str], timeout: float
) -> dict[TopicPartition, int]:
    """Per partition of ``topics``: end offset minus ``group``'s committed offset (or, where it
    committed none, minus the partition's beginning)."""
    timeout_ms = max(1000, int(timeout * 1000))
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=timeout_ms)
    reader = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        isolation_level="read_committed",
        request_timeout_ms=timeout_ms,
        enable_auto_commit=False,
    )
    try:
        await admin.start()
        await reader.start()
        described = await admin.describe_topics(list(topics))
        tps = [
            TopicPartition(t["topic"], p["partition"])
            for t in described
            if t["error_code"] == 0
            for p in t["partitions"]
        ]
        if not tps:
            return {}
        committed = await admin.list_consumer_group_offsets(group, partitions=tps)
        ends = await reader.end_offsets(tps)
        starts = await reader.beginning_offsets(tps)
    finally:
        await reader.stop()
        await admin.close()
    lag: dict[TopicPartition, int] = {}
    for tp in tps:
        meta = committed.get(tp)
        position = meta.offset if meta is not None and meta.offset >= 0 else starts[tp]
        lag[tp] = max(0, ends[tp] - position)
    return lag


class BackboneMetrics:
    """Refreshes the gauges above for one service; call :meth:`refresh` before rendering."""

    def __init__(
        self,
        *,
        service: str,
        db: Database,
        bootstrap: str,
        consumer: str | None,
        topics: Sequence[str],
        timeout: float = 3.0,
        ttl: float = 5.0,
    ):
        self.service = service
        self.db = db
        self.bootstrap = bootstrap
        self.consumer = consumer if topics else None
        self.topics = sorted(set(topics))
        self.timeout = timeout
        self.ttl = ttl
        self._refreshed = float("-inf")
        self._lock = asyncio.Lock()
        self._partitions: set[tuple[str, str]] = set()

    async def refresh(self) -> None:
        async with self._lock:
            if time.monotonic() - self._refreshed < self.ttl:
                return
            await asyncio.gather(self._refresh_outbox(), self._refresh_lag())
            self._refreshed = time.monotonic()

    async def _refresh_outbox(self) -> None:
        try:
            count, age, parked = await asyncio.wait_for(
                outbox_backlog(self.db, self.timeout), timeout=self.timeout + 0.5
            )
        except Exception as exc:
            log.warning("outbox backlog not measured: %s", type(exc).__name__)
            OUTBOX_UP.labels(self.service).set(0)
            return
        OUTBOX_PENDING.labels(self.service).set(count)
        OUTBOX_OLDEST_AGE.labels(self.service).set(age)
        OUTBOX_PARKED_PENDING.labels(self.service).set(parked)
        OUTBOX_UP.labels(self.service).set(1)

    async def _refresh_lag(self) -> None:
        if self.consumer is None:
            return
        try:
            lag = await asyncio.wait_for(
                consumer_group_lag(self.bootstrap, self.consumer, self.topics, self.timeout),
                timeout=self.timeout + 1.0,
            )
        except Exception as exc:
            log.warning("consumer lag not measured: %s", type(exc).__name__)
            self._withdraw(set())
            GROUP_LAG_UP.labels(self.consumer).set(0)
            return
        current = {(tp.topic, str(tp.partition)) for tp in lag}
        self._withdraw(current)
        for tp, n in lag.items():
            GROUP_LAG.labels(self.consumer, tp.topic, str(tp.partition)).set(n)
        GROUP_LAG_UP.labels(self.consumer).set(1)

    def _withdraw(self, keep: set[tuple[str, str]]) -> None:
        """Remove this consumer's lag series that are not in ``keep`` (no stale numbers)."""
        for topic, partition in self._partitions - keep:
            GROUP_LAG.remove(self.consumer, topic, partition)
        self._partitions = keep
