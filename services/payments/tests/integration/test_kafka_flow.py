"""Through real Kafka: case.approved in, payroll paid by the worker, payment events out (R-PA-01, R-PA-04)."""

import asyncio
import dataclasses
import secrets
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer

from socialaid.contracts.base import Topic
from socialaid.events.envelope import Envelope
from socialaid.payments.main import SPEC
from socialaid.testkit.infra import TopicReader, eventually, start_group_at_end
from socialaid.web.service import run_worker

pytestmark = pytest.mark.integration


async def test_r_pa_01_worker_turns_a_kafka_approval_into_a_settled_payment(
    client, kit, settings, kafka_bootstrap
):
    spec = dataclasses.replace(SPEC, name=f"payments-test-{secrets.token_hex(3)}")
    await start_group_at_end(spec.consumer_name, Topic.CASE, kafka_bootstrap)
    worker_settings = settings.model_copy(update={"kafka_bootstrap": kafka_bootstrap})
    stop = asyncio.Event()
    worker = asyncio.create_task(run_worker(spec, worker_settings, stop))
    try:
        event = kit.approval(region="141102", amount="630.00", start="2027-01")
        env = Envelope(
            id=secrets.token_hex(16),
            source="/socialaid/intake",
            type=event.TYPE,
            data=event.to_data(),
            time=event.approved_at,
            subject=event.case_id,
            sequence=1,
        )
        producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
        await producer.start()
        try:
            await producer.send_and_wait(
                Topic.CASE,
                env.value(),
                key=event.case_id.encode(),
                headers=[(k, v.encode()) for k, v in env.headers().items()],
            )
        finally:
            await producer.stop()

        async def entitled() -> list[dict[str, Any]] | None:
            found: list[dict[str, Any]] = (
                await client.get("/v1/entitlements", params={"case_id": event.case_id})
            ).json()
            return found or None

        await eventually(entitled, timeout=60, what="entitlement from the Kafka approval")
        r = await client.post("/v1/payrolls", json={"region_code": "141102", "month": "2027-01"})
        assert r.status_code == 201, r.text
        payroll_id = r.json()["payroll_id"]
        async with TopicReader(Topic.PAYMENT) as reader:
            [settled] = await reader.wait_for(
                lambda e: (
                    e.type.endswith("payment.settled.v1") and e.data.get("payroll_id") == payroll_id
                ),
                timeout=60,
            )
            assert settled.subject == event.case_id and settled.data["amount"] == "630.00"
            await reader.wait_for(
                lambda e: e.type.endswith("payroll.locked.v1") and e.subject == payroll_id
            )
        state = (await client.get(f"/v1/payrolls/{payroll_id}")).json()
        assert state["status"] == "completed" and state["settled_total"] == "630.00"
    finally:
        stop.set()
        await asyncio.wait_for(worker, timeout=20)
