"""Faults on the running cluster: the broker stopped and restarted, a worker killed mid-burst,
a poison event in a live topic. Every accepted write still arrives; nothing is applied twice.

These tests stop and start real processes of the local stack (deploy/local/stack.py).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import secrets
import signal
import subprocess
import sys
from collections.abc import Callable, Sized
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from flow import (  # type: ignore[import-not-found]  # tests/flow.py is put on sys.path by tests/conftest.py
    COUNTIES,
    application,
    case_in_status,
    submit_and_accept,
)

from socialaid.contracts import Topic
from socialaid.events.envelope import Envelope
from socialaid.testkit.infra import KAFKA_BOOTSTRAP, TopicReader, eventually, start_group_at_end

pytestmark = pytest.mark.fault
ROOT = Path(__file__).resolve().parents[2]


def stack(*args: str) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "deploy/local/stack.py"), *args],
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )


async def assessed_once(http: dict[str, httpx.AsyncClient], case_id: str) -> None:
    case = await case_in_status(http, case_id, "assessed", timeout=180)
    steps = [h["to_status"] for h in case["history"]]
    assert steps == ["submitted", "accepted", "assessed"], steps
    verifications = (
        await http["verification"].get("/v1/verifications", params={"case_id": case_id})
    ).json()
    items = (
        verifications.get("items", verifications)
        if isinstance(verifications, dict)
        else verifications
    )
    assert len(items) == 1, f"verified {len(items)} times"


def _assessed(case_id: str) -> Callable[[Envelope], bool]:
    return lambda e: e.subject == case_id and e.type.endswith("case.assessed.v1")


async def test_broker_stopped_and_restarted_loses_nothing_and_applies_nothing_twice(http, people):
    group = f"fault-broker-{secrets.token_hex(3)}"
    await start_group_at_end(group, Topic.CASE)
    stack("kafka-stop")
    try:
        ready = await http["intake"].get("/readyz")
        assert ready.status_code == 503 and ready.json()["checks"]["kafka"] != "ok"
        # Writes are still accepted: they wait in the outbox.
        cases = [
            (await submit_and_accept(http, application(people, COUNTIES[i], incomes=["100.00"])))[0]
            for i in range(5)
        ]
    finally:
        stack("kafka-start")
    await asyncio.gather(*(assessed_once(http, c) for c in cases))
    async with TopicReader(Topic.CASE, group=group) as reader:
        for c in cases:
            await reader.wait_for(_assessed(c), timeout=60)
        got = reader.matching(lambda e: e.subject in cases)
    by_case = {c: [e.type.split(".")[4] for e in got if e.subject == c] for c in cases}
    for c, types in by_case.items():
        assert types[:3] == ["submitted", "accepted", "assessed"], (c, types)


async def test_worker_killed_mid_burst_loses_no_event(http, people):
    group = f"fault-kill-{secrets.token_hex(3)}"
    await start_group_at_end(group, Topic.CASE)
    pid = int((ROOT / ".stack/pids/intake-worker.pid").read_text().split()[0])
    cases: list[str] = []

    async def burst() -> None:
        for i in range(20):
            r = await http["intake"].post(
                "/v1/applications",
                json=application(people, COUNTIES[i % len(COUNTIES)], incomes=["0"]),
            )
            assert r.status_code == 201
            cases.append(r.json()["cases"][0]["case_id"])

    task = asyncio.create_task(burst())
    await eventually(lambda: _at_least(cases, 5), what="5 applications in")
    os.killpg(pid, signal.SIGKILL)  # the relay dies wherever it is
    await task
    stack("start", "intake-worker")
    async with TopicReader(Topic.CASE, group=group) as reader:
        await reader.wait_for(
            lambda e: e.subject in cases and e.type.endswith("case.submitted.v1"),
            count=20,
            timeout=120,
        )
        submitted = reader.matching(
            lambda e: e.subject in cases and e.type.endswith("case.submitted.v1")
        )
    assert {e.subject for e in submitted} == set(cases)


async def _at_least(items: Sized, n: int) -> bool:
    return len(items) >= n


async def test_poison_event_is_parked_and_dead_lettered_while_other_cases_flow(http, people):
    subject = f"no-such-case-{secrets.token_hex(4)}"
    dlq_group = f"fault-dlq-{secrets.token_hex(3)}"
    await start_group_at_end(dlq_group, Topic.DEADLETTER)
    producer = AIOKafkaProducer(
        bootstrap_servers=KAFKA_BOOTSTRAP, enable_idempotence=True, acks="all"
    )
    await producer.start()
    try:
        for n, amount in enumerate(["not-money", "10.00"]):
            headers = {
                "ce_specversion": "1.0",
                "ce_id": secrets.token_hex(8),
                "ce_source": "/fault-test",
                "ce_type": "cn.gov.socialaid.assessment.completed.v1",
                "ce_subject": subject,
                "ce_time": dt.datetime.now(dt.UTC).isoformat(),
                "ce_sequence": str(n + 1),
                "content-type": "application/json",
            }
            data = {
                "assessment_id": secrets.token_hex(4),
                "case_id": subject,
                "programme": "dibao",
                "region_code": "141102",
                "benefit_month": "2026-12",
                "eligible": True,
                "amount": amount,
                "standard": "850.00",
                "per_capita_income": "0.00",
                "household_size": 1,
                "reason_codes": [],
                "rule_set_version": "x",
                "completed_at": dt.datetime.now(dt.UTC).isoformat(),
            }
            await producer.send_and_wait(
                Topic.ASSESSMENT,
                json.dumps(data).encode(),
                key=subject.encode(),
                headers=[(k, v.encode()) for k, v in headers.items()],
            )
    finally:
        await producer.stop()
    # Other cases keep flowing through the same consumer.
    case_id, _ = await submit_and_accept(http, application(people, "141102", incomes=["0"]))
    await case_in_status(http, case_id, "assessed")

    async def parked() -> list[dict[str, Any]] | None:
        rows = [
            p
            for p in (await http["intake"].get("/v1/admin/parked")).json()
            if p["subject"] == subject
        ]
        return rows if len(rows) == 2 else None

    rows = await eventually(parked, timeout=60, what="two parked messages")
    assert [r["reason"] for r in rows] == ["poison", "held"]
    assert "amount" in rows[0]["error"]
    async with TopicReader(Topic.DEADLETTER, group=dlq_group) as reader:
        dead = await reader.wait_for(lambda e: e.data.get("parked_subject") == subject, timeout=60)
    assert dead[0].data["consumer"] == "intake-consumer"
    assert dead[0].data["original_topic"] == Topic.ASSESSMENT
    # The operator gives up on both; the subject is clear again.
    for r in rows:
        assert (
            await http["intake"].post(
                f"/v1/admin/parked/{r['id']}/discard", params={"note": "fault test"}
            )
        ).status_code == 200
    left = [
        p for p in (await http["intake"].get("/v1/admin/parked")).json() if p["subject"] == subject
    ]
    assert left == []
