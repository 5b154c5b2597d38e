"""Batch recalculation after a parameter change, on a real migrated database (R-CA-01).

Households reach ``active_entitlement`` through the service's own consumers (verification →
assessment, case.approved, payment.settled); a recorded standard creates a run that the worker's
job executes; only changed households get an ``entitlement.changed`` outbox row, with the arrears
or overpayment for months already paid.
"""

import datetime as dt
import json
import uuid
from decimal import Decimal
from typing import Any

import pytest

from socialaid.benefits.main import SPEC
from socialaid.benefits.recalculation.run import discover, run_next
from socialaid.contracts.events import (
    CaseApproved,
    EntitlementChanged,
    Payee,
    PaymentSettled,
    VerificationCompleted,
)
from socialaid.core.ids import uuid7
from socialaid.db import Database
from socialaid.events.envelope import Envelope
from socialaid.events.inbox import Applier, PermanentError

pytestmark = pytest.mark.integration
CITY, OTHER = "340700", "141130"  # 铜陵市 (province 340000); 交口县 (吕梁市's seeded parameters)
BASE = {
    "dibao.standard": "700.00",
    "dibao.fin_assets_months": 24,
    "dibao.vehicle_exempt_value": "30000.00",
    "dibao.max_properties": 1,
    "dibao.employment_cost_rate": "0.3",
}
SRC = {"basis": "D", "document": "测试用参数通知", "article": "第一条"}


async def deliver(
    db: Database,
    event: VerificationCompleted | CaseApproved | PaymentSettled,
    source: str,
    sequence: int = 1,
) -> str:
    env = Envelope(
        id=str(uuid.uuid4()),
        source=source,
        type=event.TYPE,
        data=event.to_data(),
        time=dt.datetime.now(dt.UTC),
        subject=event.subject(),
        sequence=sequence,
    )
    assert SPEC.subscriptions is not None
    subs = SPEC.subscriptions(None)  # type: ignore[arg-type]  # subscriptions() never reads its settings
    applier = Applier(db=db, consumer=SPEC.consumer_name, source=SPEC.source(), subscriptions=subs)
    async with db.uow() as uow:
        outcome = await applier.apply(uow, env, subs[event.TYPE])
        await uow.commit()
    return outcome


async def post_param(client, key, region, value, valid_from) -> str:
    r = await client.post(
        "/v1/parameters",
        json={"key": key, "region_code": region, "value": value, "valid_from": valid_from,
              "source": SRC},
    )  # fmt: skip
    assert r.status_code == 201, r.text
    return str(r.json()["parameter_id"])


async def household(db, *, region, income, amount, start, paid_to=None, members=2, vehicles=0):
    case_id = str(uuid7())
    verified = VerificationCompleted(
        verification_id=str(uuid7()), case_id=case_id, programme="dibao", region_code=region,
        benefit_month=start, household_size=members, verified_monthly_income=Decimal(income),
        financial_assets=Decimal("1000.00"), vehicles=vehicles, properties=1, evidence_count=3,
        completed_at=dt.datetime.now(dt.UTC),
    )  # fmt: skip
    assert await deliver(db, verified, "/socialaid/verification") == "applied"
    approved = CaseApproved(
        case_id=case_id, application_id=str(uuid7()), programme="dibao", region_code=region,
        monthly_amount=Decimal(amount), start_month=start, household_size=members,
        payee=Payee(account_name="张三", account_number="6222020200112233445", bank_code="ICBC"),
        approved_at=dt.datetime.now(dt.UTC),
    )  # fmt: skip
    assert await deliver(db, approved, "/socialaid/intake") == "applied"
    if paid_to:
        await settle(db, case_id, region, paid_to)
    return case_id


async def settle(db: Database, case_id: str, region: str, month: str) -> None:
    settled = PaymentSettled(
        payment_id=str(uuid7()), payroll_id=str(uuid7()), case_id=case_id, programme="dibao",
        region_code=region, month=month, amount=Decimal("1.00"), bank_reference="B1",
        settled_at=dt.datetime.now(dt.UTC),
    )  # fmt: skip
    assert await deliver(db, settled, "/socialaid/payments", sequence=int(month[5:]) + 100) in (
        "applied",
        "stale",
    )


async def run_all(db: Database) -> None:
    await discover(db)
    for _ in range(100):
        if await run_next(db) is None:
            return
    raise AssertionError("runs did not finish")


async def run_of(sql, parameter_id: str) -> dict[str, Any]:
    row = await sql.fetchrow(
        "SELECT * FROM recalculation_run WHERE parameter_id = $1", uuid.UUID(parameter_id)
    )
    assert row is not None
    return dict(row)


async def changes(sql, case_ids) -> list[EntitlementChanged]:
    rows = await sql.fetch(
        "SELECT headers, payload FROM outbox WHERE event_type = $1 AND key = ANY($2::text[]) "
        "ORDER BY id",
        EntitlementChanged.TYPE,
        list(case_ids),
    )
    out = []
    for r in rows:
        headers = json.loads(r["headers"]) if isinstance(r["headers"], str) else r["headers"]
        env = Envelope.from_headers(headers, bytes(r["payload"]))
        assert env.subject == env.data["case_id"] and env.sequence is not None
        out.append(EntitlementChanged.model_validate(env.data))
    return out


async def amount(sql, case_id: str) -> Decimal:
    monthly: Decimal = await sql.fetchval(
        "SELECT monthly_amount FROM active_entitlement WHERE case_id = $1", case_id
    )
    return monthly


async def test_r_ca_01_standard_change_recalculates_the_region_and_emits_only_changes(
    client, db, sql
):
    for key, value in BASE.items():
        await post_param(client, key, CITY, value, "2026-01-01")
    await run_all(db)  # the runs of the base versions: nothing to recalculate yet
    a = await household(db, region=CITY, income="300.00", amount="1100.00", start="2026-03",
                        paid_to="2026-08")  # fmt: skip
    b = await household(db, region=CITY, income="650.00", amount="50.00", start="2026-05",
                        members=1, paid_to="2026-06")  # fmt: skip
    c = await household(
        db, region=CITY, income="100.00", amount="0.00", start="2026-05", vehicles=1
    )  # fmt: skip  (a car: not eligible whatever the standard)
    d = await household(db, region=OTHER, income="300.00", amount="1100.00", start="2026-03",
                        paid_to="2026-08")  # fmt: skip
    assert (
        await sql.fetchval("SELECT last_paid_month FROM active_entitlement WHERE case_id = $1", a)
        == "2026-08"
    )

    pid = await post_param(client, "dibao.standard", CITY, "750.00", "2026-07-01")
    await run_all(db)
    run = await run_of(sql, pid)
    assert run["status"] == "completed" and run["effective_month"] == "2026-07"
    assert run["regions"] == [CITY]
    assert (run["scanned"], run["changed"], run["unchanged"]) == (3, 2, 1)
    assert run["arrears_total"] == Decimal("200.00")  # a: +100 × 2 paid months (07, 08)
    assert run["overpayment_total"] == Decimal("0.00")
    events = {e.case_id: e for e in await changes(sql, [a, b, c, d])}
    assert set(events) == {a, b}  # c (ineligible either way) and d (other region): no event
    ea = events[a]
    assert (ea.previous_amount, ea.new_amount) == (Decimal("1100.00"), Decimal("1200.00"))
    assert ea.effective_month == "2026-07" and ea.months_already_paid == ["2026-07", "2026-08"]
    assert (ea.arrears, ea.overpayment) == (Decimal("200.00"), Decimal("0.00"))
    assert ea.recalculation_id == str(run["id"]) and pid in ea.cause
    eb = events[b]
    assert (eb.previous_amount, eb.new_amount, eb.arrears) == (
        Decimal("50.00"), Decimal("100.00"), Decimal("0.00"),
    )  # fmt: skip
    assert eb.months_already_paid == []
    assert await amount(sql, a) == Decimal("1200.00") and await amount(sql, d) == Decimal("1100.00")

    # progress and result through the API
    r = await client.get(f"/v1/recalculations/{run['id']}")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["counts"] == {"scanned": 3, "changed": 2, "unchanged": 1, "engine_path": 0}
    assert body["arrears_total"] == "200.00" and body["duration_ms"] is not None
    listed = await client.get("/v1/recalculations", params={"status": "completed"})
    assert str(run["id"]) in {x["recalculation_id"] for x in listed.json()}

    # the same recalculation again changes nothing and emits nothing
    headers = {"Idempotency-Key": f"again-{a}"}
    req = {"region_code": CITY, "effective_month": "2026-07", "cause": "test: run again"}
    first = await client.post("/v1/recalculations", json=req, headers=headers)
    assert first.status_code == 202, first.text
    again = await client.post("/v1/recalculations", json=req, headers=headers)
    assert again.json()["recalculation_id"] == first.json()["recalculation_id"]
    await run_all(db)
    manual = (await client.get(f"/v1/recalculations/{first.json()['recalculation_id']}")).json()
    assert manual["status"] == "completed" and manual["trigger"] == "manual"
    assert manual["counts"]["scanned"] == 3 and manual["counts"]["changed"] == 0
    assert len(await changes(sql, [a, b, c, d])) == 2

    # a province-level version reaches the city below it; an overridden key changes nothing
    pid_prov = await post_param(client, "dibao.max_properties", "340000", 2, "2026-07-01")
    await run_all(db)
    prov = await run_of(sql, pid_prov)
    assert prov["regions"] == [CITY] and (prov["scanned"], prov["changed"]) == (3, 0)

    # a decrease later on: overpayment for the months already paid from then on
    await settle(db, a, CITY, "2026-10")
    pid2 = await post_param(client, "dibao.standard", CITY, "720.00", "2026-09-01")
    await run_all(db)
    run2 = await run_of(sql, pid2)
    assert (run2["changed"], run2["overpayment_total"]) == (2, Decimal("120.00"))  # a only
    later = {e.case_id: e for e in (await changes(sql, [a, b]))[2:]}
    assert (later[a].new_amount, later[a].months_already_paid) == (
        Decimal("1140.00"), ["2026-09", "2026-10"],
    )  # fmt: skip
    assert (later[a].overpayment, later[a].arrears) == (Decimal("120.00"), Decimal("0.00"))
    assert later[b].new_amount == Decimal("70.00") and later[b].months_already_paid == []


async def test_r_ca_01_unknown_run_and_bad_request_are_problems(client, sql):
    before = await sql.fetchval("SELECT count(*) FROM recalculation_run")
    r = await client.get(f"/v1/recalculations/{uuid.uuid4()}")
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/problem")
    r = await client.post(
        "/v1/recalculations", json={"region_code": "999999", "effective_month": "2026-07"}
    )
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem")
    r = await client.post(
        "/v1/recalculations", json={"region_code": CITY, "effective_month": "2026-13"}
    )
    assert r.status_code == 422
    assert await sql.fetchval("SELECT count(*) FROM recalculation_run") == before


async def test_r_ca_01_approval_without_assessment_is_parked(db, sql):
    approved = CaseApproved(
        case_id=str(uuid7()), application_id=str(uuid7()), programme="dibao", region_code=CITY,
        monthly_amount=Decimal("10.00"), start_month="2026-07", household_size=1,
        payee=Payee(account_name="李四", account_number="6222020200112233445", bank_code="ICBC"),
        approved_at=dt.datetime.now(dt.UTC),
    )  # fmt: skip
    with pytest.raises(PermanentError):
        await deliver(db, approved, "/socialaid/intake")
    assert (
        await sql.fetchval(
            "SELECT count(*) FROM active_entitlement WHERE case_id = $1", approved.case_id
        )
        == 0
    )
