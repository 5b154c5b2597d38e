"""Fault matrix: a department's webhook receiver is down for an hour, then recovers (R-RF-05).

The production schedule, scaled down 1000× (10 ms base, 0.9 s cap, 15 attempts; the hour is
3.6 s): a real receiver answers 503 for the whole outage while case events keep being queued
for it, then recovers. Expected: every delivery reaches it exactly once (one 2xx per
webhook-id, after only failed tries), in order per subject (case), and nothing is
dead-lettered. ``tests/unit/test_webhook_outage_schedule.py`` shows the unscaled defaults
outlast an hour.
"""

import datetime as dt
import json
import time
from collections import defaultdict
from decimal import Decimal

import pytest

from socialaid.contracts.base import Contract
from socialaid.contracts.events import (
    CaseAccepted,
    CaseApproved,
    Consent,
    DeclaredAssets,
    HouseholdMember,
    Payee,
)
from socialaid.core.ids import gb11643_check_char, uuid7
from socialaid.referral.config import Settings
from socialaid.referral.jobs import webhook_job
from socialaid.testkit.infra import eventually

pytestmark = pytest.mark.integration

SCALE = 1 / 1000
PRODUCTION = Settings.model_fields
OUTAGE_S = 3600 * SCALE
ID1 = "14112419800101001" + gb11643_check_char("14112419800101001")
NOW = dt.datetime.now(dt.UTC)


def compressed(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "webhook_max_attempts": PRODUCTION["webhook_max_attempts"].default,
            "webhook_backoff_base_seconds": PRODUCTION["webhook_backoff_base_seconds"].default
            * SCALE,
            "webhook_backoff_max_seconds": PRODUCTION["webhook_backoff_max_seconds"].default
            * SCALE,
            "webhook_poll_seconds": 0.02,
        }
    )


def case_events(case_id: str) -> list[Contract]:
    """What a department hears about one case, in order: accepted, approved, re-approved."""
    accepted = CaseAccepted(
        case_id=case_id,
        application_id=str(uuid7()),
        programme="dibao",
        region_code="141124",
        benefit_month="2026-12",
        consent=Consent(signed=True, scope=["income"]),
        members=[
            HouseholdMember(
                member_id="m1",
                name="张三丰",
                id_number=ID1,
                relationship="applicant",
                birth_date=dt.date(1980, 1, 1),
            )
        ],
        declared_assets=DeclaredAssets(financial_assets=Decimal("1000.00")),
        accepted_at=NOW,
    )
    approvals = [
        CaseApproved(
            case_id=case_id,
            application_id=accepted.application_id,
            programme="dibao",
            region_code="141124",
            monthly_amount=Decimal(amount),
            start_month="2027-01",
            household_size=1,
            approved_at=NOW,
            payee=Payee(
                account_name="张三丰", account_number="6222020200112233445", bank_code="ICBC"
            ),
        )
        for amount in ("512.00", "530.00")
    ]
    return [accepted, *approvals]


async def test_webhook_receiver_down_for_an_hour_gets_every_delivery_once_in_order(
    referral_client, referral_settings, referral_db, kit, receiver
):
    settings = compressed(referral_settings)
    code = kit.unique("civil-affairs")
    r = await referral_client.post(
        "/v1/departments",
        json={
            "code": code,
            "name": code,
            "webhook_url": receiver.url(code),
            "subscriptions": [
                {"event_types": [CaseAccepted.TYPE, CaseApproved.TYPE], "region_codes": ["141124"]}
            ],
        },
    )
    assert r.status_code == 201, r.text
    receiver.plan[code] = [503] * 100_000  # down: every request answered 503
    cases = [str(uuid7()) for _ in range(3)]
    streams = {case: case_events(case) for case in cases}
    order: dict[str, list[str]] = defaultdict(list)  # subject → webhook ids as queued

    async def queue(step: int) -> None:
        for case in cases:
            env = kit.envelope(streams[case][step], sequence=step + 1)
            assert await kit.apply(referral_db, settings, env) == "applied"
            order[env.subject].append(env.id)

    async def rows():
        return await kit.fetch(
            settings,
            "select event_id, subject, status, attempts, last_status_code from delivery"
            " where department_code = $1",
            code,
        )

    started = time.monotonic()
    async with kit.running(webhook_job, settings, referral_db):
        await queue(0)  # queued as the outage starts

        async def heads_retried():
            got = await rows()
            return len(got) == 3 and all(r["attempts"] >= 2 for r in got)

        await eventually(heads_retried, timeout=10, what="first deliveries retried")
        await queue(1)  # queued mid-outage, behind the undelivered ones of their case

        async def outage_over():
            return time.monotonic() - started >= OUTAGE_S

        await eventually(outage_over, timeout=OUTAGE_S + 5, what="the hour-long outage")
        await queue(2)
        during = await rows()
        assert {r["status"] for r in during} == {"pending"}, "a delivery died during the outage"
        heads = {ids[0] for ids in order.values()}
        assert all(r["attempts"] >= 4 for r in during if r["event_id"] in heads)
        receiver.plan[code].clear()  # the receiver is back

        async def all_delivered():
            got = await rows()
            return got if len(got) == 9 and {r["status"] for r in got} == {"delivered"} else None

        final = await eventually(all_delivered, timeout=20, what="every delivery made")

    requests = receiver.requests(code)
    by_id: dict[str, list[int]] = defaultdict(list)
    for i, (headers, _body) in enumerate(requests):
        by_id[headers["webhook-id"]].append(i)
    for row in final:
        # Exactly once: the job stops at the first 2xx, so the receiver got `attempts` requests
        # for this id and only the last was answered 2xx; nothing was dead-lettered.
        assert row["last_status_code"] == 204
        assert len(by_id[row["event_id"]]) == row["attempts"]
    assert set(by_id) == {row["event_id"] for row in final}
    # In order per subject: the accepted (2xx) requests of a case come in the order queued.
    for subject, ids in order.items():
        delivered_at = [by_id[i][-1] for i in ids]
        assert delivered_at == sorted(delivered_at), f"out of order for {subject}"
        bodies = [json.loads(requests[by_id[i][-1]][1]) for i in ids]
        assert [b["id"] for b in bodies] == ids and {b["subject"] for b in bodies} == {subject}
