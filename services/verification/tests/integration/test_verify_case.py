"""Verification of accepted cases against a migrated PostgreSQL and the real department simulator over HTTP.

The consumer handler is driven through the inbox ``Applier`` in one transaction, as the runner does.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal
from typing import Any

import asyncpg
import pytest

from socialaid.contracts.events import CaseAccepted
from socialaid.core.ids import gb11643_check_char, uuid7
from socialaid.db import Database
from socialaid.events.envelope import Envelope
from socialaid.events.inbox import Applier, PermanentError, Subscription
from socialaid.verification.adapters.departments import DepartmentGateway, DepartmentUnavailable
from socialaid.verification.config import Settings
from socialaid.verification.consumers import case_accepted_handler
from socialaid.verification.use_cases.verify_case import canonical_hash

FULL_SCOPE = ["registration", "income", "real_estate", "vehicles", "deposits"]


def idn(first17: str) -> str:
    return first17 + gb11643_check_char(first17)


def fresh_id(region: str = "141102", born: str = "19800101") -> str:
    """A valid, unique citizen ID number."""
    return idn(region + born + f"{uuid.uuid4().int % 1000:03d}")


def member(
    member_id: str, id_number: str, income: str = "0", relationship: str = "applicant"
) -> dict[str, Any]:
    return {
        "member_id": member_id,
        "name": "张三",
        "id_number": id_number,
        "relationship": relationship,
        "birth_date": f"{id_number[6:10]}-{id_number[10:12]}-{id_number[12:14]}",
        "declared_monthly_income": income,
    }


def case_accepted(
    members: list[dict[str, Any]],
    *,
    signed: bool = True,
    scope: list[str] | None = None,
    assets: dict[str, Any] | None = None,
    programme: str = "dibao",
    case_id: str | None = None,
) -> CaseAccepted:
    return CaseAccepted.model_validate(
        {
            "case_id": case_id or str(uuid7()),
            "application_id": str(uuid7()),
            "programme": programme,
            "region_code": "141102",
            "benefit_month": "2026-12",
            "consent": {
                "signed": signed,
                "signed_on": "2026-11-20" if signed else None,
                "scope": FULL_SCOPE if scope is None else scope,
            },
            "members": members,
            "declared_assets": assets or {},
            "accepted_at": "2026-11-22T08:00:00Z",
        }
    )


def envelope(event: CaseAccepted, event_id: str | None = None) -> Envelope:
    return Envelope(
        id=event_id or str(uuid7()),
        source="/socialaid/intake",
        type=event.TYPE,
        data=event.to_data(),
        time=dt.datetime.now(dt.UTC),
        subject=event.case_id,
    )


async def deliver(
    db: Database, settings: Settings, env: Envelope, gateway: DepartmentGateway | None = None
) -> str:
    """Apply one message as the consumer runner does: inbox + handler in one transaction, then commit."""
    applier = Applier(
        db=db, consumer="verification-consumer", source="/socialaid/verification", subscriptions={}
    )
    sub = Subscription(CaseAccepted, case_accepted_handler(settings, gateway))
    async with db.uow() as uow:
        outcome = await applier.apply(uow, env, sub)
        await uow.commit()
    return outcome


async def fetch(settings: Settings, sql: str, *args: Any) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(settings.database_url.replace("+asyncpg", ""))
    try:
        rows: list[asyncpg.Record] = await conn.fetch(sql, *args)
        return rows
    finally:
        await conn.close()


async def requests_of(settings: Settings, case_id: str) -> list[asyncpg.Record]:
    return await fetch(settings, "select * from verification_request where case_id = $1", case_id)


async def events_of(settings: Settings, case_id: str) -> list[Envelope]:
    rows = await fetch(
        settings, "select headers, payload from outbox where key = $1 order by id", case_id
    )
    return [Envelope.from_headers(json.loads(r["headers"]), r["payload"]) for r in rows]


async def queries_of(settings: Settings, verification_id: Any) -> list[asyncpg.Record]:
    return await fetch(
        settings,
        "select * from department_query where verification_id = $1 order by department, attempt",
        verification_id,
    )


# ====================================================================== tests
pytestmark = pytest.mark.integration

SEEDED_APPLICANT = {
    "registration": {"region_code": "141102", "alive": True},
    "wages_monthly": "1800.00",
    "properties": [
        {
            "certificate_no": "晋(2019)离石区不动产权第0042号",
            "kind": "residential",
            "area_m2": "72.4",
        }
    ],
    "deposits": "12000.00",
}
SEEDED_SPOUSE = {
    "registration": {"region_code": "141102", "alive": True},
    "pension_monthly": "350.00",
    "pension_central_basic_monthly": "150.00",
    "unemployment_monthly": "420.50",
    "vehicles": [{"plate": "晋J0M001", "kind": "motorcycle"}],
    "deposits": "3000.25",
}


async def seed(sim, id_number: str, record: dict[str, Any]) -> None:
    r = await sim.put(f"/sim/records/{id_number}", json=record)
    assert r.status_code == 200, r.text


async def calls(sim) -> dict[str, int]:
    counts: dict[str, int] = (await sim.get("/sim/calls")).json()
    return counts


async def household(sim) -> tuple[str, str]:
    a, b = fresh_id(born="19800101"), fresh_id(born="19820202")
    await seed(sim, a, SEEDED_APPLICANT)
    await seed(sim, b, SEEDED_SPOUSE)
    return a, b


@pytest.mark.parametrize(
    ("signed", "scope", "reasons"),
    [
        (False, FULL_SCOPE, ["consent_not_signed"]),
        (
            True,
            ["registration", "income", "real_estate"],
            ["consent_scope_missing:vehicles", "consent_scope_missing:deposits"],
        ),
    ],
)
async def test_r_in_05_without_consent_no_department_is_queried(
    db, settings, sim, signed, scope, reasons
):
    event = case_accepted([member("m1", fresh_id(), "100")], signed=signed, scope=scope)
    before = await calls(sim)
    assert await deliver(db, settings, envelope(event)) == "applied"
    assert await calls(sim) == before
    [req] = await requests_of(settings, event.case_id)
    assert req["status"] == "failed" and list(req["reasons"]) == reasons
    assert await queries_of(settings, req["id"]) == []
    assert (
        await fetch(settings, "select 1 from evidence where verification_id = $1", req["id"]) == []
    )
    [env] = await events_of(settings, event.case_id)
    assert env.type == "cn.gov.socialaid.verification.failed.v1"
    assert env.data["reasons"] == reasons and env.data["verification_id"] == str(req["id"])


async def test_r_ve_01_r_ve_02_income_and_assets_from_every_department(db, settings, sim, client):
    a, b = await household(sim)
    before = await calls(sim)
    event = case_accepted(
        [member("m1", a, "1800.00"), member("m2", b, "620.50", "spouse")],
        assets={"financial_assets": "15000.25", "vehicles": 0, "properties": 1},
    )
    assert await deliver(db, settings, envelope(event)) == "applied"
    after = await calls(sim)
    assert {d: after[d] - before[d] for d in after} == {
        d: 1 for d in after
    }  # one batch call per department
    [env] = await events_of(settings, event.case_id)
    assert env.type == "cn.gov.socialaid.verification.completed.v1"
    data = env.data
    # wages 1800 + pension (350 − central basic 150) + unemployment 420.50
    assert data["verified_monthly_income"] == "2420.50"
    assert data["income_by_source"] == {
        "wages": "1800.00",
        "pensions": "200.00",
        "unemployment": "420.50",
    }
    assert (data["financial_assets"], data["vehicles"], data["properties"]) == ("15000.25", 0, 1)
    assert (data["household_size"], data["deceased_members"], data["evidence_count"]) == (2, 0, 5)
    assert data["benefit_month"] == "2026-12" and data["discrepancies"] == []
    [req] = await requests_of(settings, event.case_id)
    assert req["status"] == "completed" and req["verified_monthly_income"] == Decimal("2420.50")
    assert len(await queries_of(settings, req["id"])) == 5

    body = (await client.get(f"/v1/verifications/{req['id']}")).json()
    assert body["verified_monthly_income"] == "2420.50" and body["discrepancies"] == []
    assert sorted(e["source"] for e in body["evidence"]) == [
        "banks",
        "hr",
        "public_security",
        "real_estate",
        "vehicles",
    ]
    assert body["figures"]["excluded_income"] == {"pension_central_basic": "150.00"}
    bank = next(e for e in body["evidence"] if e["source"] == "banks")
    ev = (await client.get(f"/v1/verifications/{req['id']}/evidence/{bank['evidence_id']}")).json()
    assert ev["payload_hash"] == canonical_hash(ev["payload"]) == bank["payload_hash"]
    assert [(r["member_id"], r["deposits"]) for r in ev["payload"]["results"]] == [
        ("m1", "12000.00"),
        ("m2", "3000.25"),
    ]
    stored = await fetch(
        settings, "select payload::text as p from evidence where verification_id = $1", req["id"]
    )
    assert all(a not in s["p"] and b not in s["p"] for s in stored)  # no clear ID numbers at rest
    listed = (await client.get("/v1/verifications", params={"case_id": event.case_id})).json()
    assert [v["verification_id"] for v in listed] == [str(req["id"])]


async def test_r_ve_02_discrepancies_are_reported(db, settings, sim, client):
    a, b = await household(sim)
    dead = fresh_id(born="19400303")
    await seed(
        sim,
        dead,
        {
            "registration": {"alive": False, "deceased_on": "2026-06-30"},
            "pension_monthly": "2000.00",
        },
    )
    event = case_accepted(
        [
            member("m1", a, "500.00"),
            member("m2", b, "620.50", "spouse"),
            member("m3", dead, "0", "parent"),
        ],
        assets={"financial_assets": "1000.00", "vehicles": 0, "properties": 0},
    )
    await deliver(db, settings, envelope(event))
    [env] = await events_of(settings, event.case_id)
    found = {d["item"]: (d["declared"], d["verified"]) for d in env.data["discrepancies"]}
    assert found == {
        "monthly_income:m1": ("500.00", "1800.00"),
        "member_alive:m3": ("alive", "deceased 2026-06-30"),
        "household_monthly_income": ("1120.50", "2420.50"),
        "financial_assets": ("1000.00", "15000.25"),
        "properties": ("0", "1"),
    }
    assert (env.data["household_size"], env.data["deceased_members"]) == (2, 1)
    assert (
        env.data["verified_monthly_income"] == "2420.50"
    )  # the deceased parent's pension is not counted
    [req] = await requests_of(settings, event.case_id)
    rows = await fetch(
        settings, "select item from discrepancy where verification_id = $1", req["id"]
    )
    assert {r["item"] for r in rows} == set(found)
    body = (await client.get(f"/v1/verifications/{req['id']}")).json()
    assert {d["item"] for d in body["discrepancies"]} == set(found)


async def test_duplicate_delivery_gives_one_verification(db, settings, sim):
    a, _ = await household(sim)
    event = case_accepted([member("m1", a, "1800.00")])
    env = envelope(event)
    assert await deliver(db, settings, env) == "applied"
    before = await calls(sim)
    assert await deliver(db, settings, env) == "duplicate"  # same event id: the inbox drops it
    assert (
        await deliver(db, settings, envelope(event)) == "applied"
    )  # re-published: the case is known
    assert await calls(sim) == before  # no department asked again
    assert len(await requests_of(settings, event.case_id)) == 1
    assert len(await events_of(settings, event.case_id)) == 1
    other = case_accepted([member("m1", a, "1800.00")], programme="medical", case_id=event.case_id)
    await deliver(db, settings, envelope(other))
    assert len(await requests_of(settings, event.case_id)) == 2  # one per programme


async def test_department_503_is_retried_then_succeeds(db, settings, sim):
    a, _ = await household(sim)
    await sim.put("/sim/faults", json={"department": "banks", "mode": "error", "count": 2})
    event = case_accepted(
        [member("m1", a, "1800.00")], assets={"financial_assets": "12000", "properties": 1}
    )
    assert await deliver(db, settings, envelope(event)) == "applied"
    [req] = await requests_of(settings, event.case_id)
    assert req["status"] == "completed" and req["financial_assets"] == Decimal("12000.00")
    banks = [
        (q["attempt"], q["status"], q["http_status"])
        for q in await queries_of(settings, req["id"])
        if q["department"] == "banks"
    ]
    assert banks == [(1, "error", 503), (2, "error", 503), (3, "ok", 200)]


async def test_department_down_after_retries_leaves_nothing_and_recovers_on_redelivery(
    db, settings, sim
):
    a, _ = await household(sim)
    await sim.put("/sim/faults", json={"department": "hr", "mode": "error", "count": 100})
    event = case_accepted([member("m1", a, "1800.00")])
    env = envelope(event)
    with pytest.raises(DepartmentUnavailable) as info:
        await deliver(db, settings, env)
    assert info.value.departments == ["hr"]
    assert await requests_of(settings, event.case_id) == []
    assert await events_of(settings, event.case_id) == []
    assert await fetch(settings, "select 1 from inbox where event_id = $1", env.id) == []
    await sim.delete("/sim/faults")
    assert (
        await deliver(db, settings, env) == "applied"
    )  # the runner's retry (or a redrive) succeeds
    [req] = await requests_of(settings, event.case_id)
    assert req["status"] == "completed" and req["verified_monthly_income"] == Decimal("1800.00")


async def test_slow_department_times_out_and_is_retried(db, settings, sim):
    a, _ = await household(sim)
    await sim.put(
        "/sim/faults",
        json={"department": "vehicles", "mode": "slow", "count": 1, "delay_seconds": 1.5},
    )
    gateway = DepartmentGateway(
        base_url=settings.department_url,
        timeout=0.3,
        retries=1,
        backoff=0.01,
        hash_key=settings.pii_hash_key,
    )
    event = case_accepted([member("m1", a, "1800.00")])
    assert await deliver(db, settings, envelope(event), gateway) == "applied"
    [req] = await requests_of(settings, event.case_id)
    vehicles = [
        (q["attempt"], q["status"])
        for q in await queries_of(settings, req["id"])
        if q["department"] == "vehicles"
    ]
    assert vehicles == [(1, "timeout"), (2, "ok")]


async def test_department_refusing_the_protocol_is_a_permanent_error(db, settings, sim):
    event = case_accepted(
        [member("m1", "141102198001010010")]
    )  # bad check digit: departments refuse it
    with pytest.raises(PermanentError):
        await deliver(db, settings, envelope(event))
    assert await requests_of(settings, event.case_id) == []


async def test_unknown_verification_is_404_problem(client):
    for path in (
        "/v1/verifications/00000000-0000-0000-0000-000000000000",
        "/v1/verifications/not-a-uuid",
        "/v1/verifications/00000000-0000-0000-0000-000000000000/evidence/x",
    ):
        r = await client.get(path)
        assert r.status_code == 404 and r.headers["content-type"].startswith(
            "application/problem+json"
        )
    r = await client.get("/v1/verifications", params={"programme": "pension"})
    assert r.status_code == 422


async def test_r_ve_02_completed_event_carries_each_members_facts_without_id_numbers(
    db, settings, sim
):
    """The rules need ages, disability and income per member; the event carries them, no ID numbers."""
    a = fresh_id(born="19750505")
    await seed(sim, a, {"wages_monthly": "1200.00"})
    event = case_accepted([member("m1", a, "1200.00"), member("m2", fresh_id(), "0", "spouse")])
    assert await deliver(db, settings, envelope(event)) == "applied"
    [env] = await events_of(settings, event.case_id)
    members = env.data["members"]
    assert [m["member_id"] for m in members] == ["m1", "m2"]
    assert members[0]["income_by_source"] == {"wages": "1200.00"} and members[0]["employed"] is True
    assert members[0]["birth_date"] == "1975-05-05" and members[1]["income_by_source"] == {}
    assert a not in json.dumps(env.data)
