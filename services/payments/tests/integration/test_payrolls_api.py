"""Monthly payrolls: control totals, one payroll per region+month, bad input (R-PA-01, R-PA-03, R-PA-04)."""

import uuid

import pytest
from sqlalchemy.exc import IntegrityError

from socialaid.payments.db import payment_instruction

pytestmark = pytest.mark.integration
PROBLEM = "application/problem+json"


async def test_r_pa_01_payroll_locks_payable_entitlements_with_control_totals(client, kit):
    a = await kit.approve(region="141102", amount="630.00", start="2027-01")
    b = await kit.approve(region="141102", amount="315.55", start="2026-11")
    await kit.approve(
        region="141102", amount="500.00", start="2027-02"
    )  # starts later: not yet payable
    await kit.approve(region="141121", amount="700.00", start="2027-01")  # another county
    await kit.approve(region="141102", amount="100.00", start="2027-01", programme="tekun")
    r = await client.post("/v1/payrolls", json={"region_code": "141102", "month": "2027-01"})
    assert r.status_code == 201, r.text
    p = r.json()
    assert p["status"] == "locked" and p["programme"] == "dibao"
    assert (p["control_count"], p["control_total"]) == (2, "945.55")
    assert (p["pending_count"], p["pending_total"], p["reconciled"]) == (2, "945.55", True)
    assert p["skipped"] == []
    payments = (await client.get(f"/v1/payrolls/{p['payroll_id']}/payments")).json()
    assert sorted(x["case_id"] for x in payments) == sorted([a.case_id, b.case_id])
    assert all(x["status"] == "pending" for x in payments)
    one = (await client.get(f"/v1/payments/{payments[0]['payment_id']}")).json()
    # Bank accounts are shown by their last four digits only.
    assert one["payee"]["account_number"] in (
        "*" * 15 + a.payee.account_number[-4:],
        "*" * 15 + b.payee.account_number[-4:],
    )
    [locked] = await kit.events("payroll.locked")
    assert locked.subject == p["payroll_id"]
    assert locked.data["control_count"] == 2 and locked.data["control_total"] == "945.55"


async def test_r_pa_03_city_payroll_covers_its_counties_and_skips_cases_already_paid(client, kit):
    c1 = await kit.approve(region="141121", amount="600.00")
    c2 = await kit.approve(region="141122", amount="400.00")
    county = (
        await client.post("/v1/payrolls", json={"region_code": "141121", "month": "2027-01"})
    ).json()
    assert county["control_count"] == 1
    r = await client.post("/v1/payrolls", json={"region_code": "141100", "month": "2027-01"})
    assert r.status_code == 201, r.text
    city = r.json()
    assert (city["control_count"], city["control_total"], city["skipped_count"]) == (1, "400.00", 1)
    assert city["skipped"] == [
        {
            "case_id": c1.case_id,
            "reason": "already_in_payroll",
            "payroll_id": county["payroll_id"],
            "paid_case_id": None,
        }
    ]
    [paid] = (await client.get(f"/v1/payrolls/{city['payroll_id']}/payments")).json()
    assert paid["case_id"] == c2.case_id


async def test_r_pa_04_second_payroll_for_the_same_region_and_month_is_409(client, kit):
    await kit.approve(region="141102")
    first = await client.post("/v1/payrolls", json={"region_code": "141102", "month": "2027-03"})
    assert first.status_code == 201
    before = await kit.counts()
    again = await client.post("/v1/payrolls", json={"region_code": "141102", "month": "2027-03"})
    assert again.status_code == 409 and again.headers["content-type"].startswith(PROBLEM)
    assert again.json()["code"] == "payroll_exists"
    assert again.json()["payroll_id"] == first.json()["payroll_id"]
    assert await kit.counts() == before


async def test_r_pa_01_the_database_refuses_a_second_instruction_for_a_case_and_month(
    client, kit, db
):
    event = await kit.approve(region="141102")
    p = (
        await client.post("/v1/payrolls", json={"region_code": "141102", "month": "2027-01"})
    ).json()
    [ins] = (await client.get(f"/v1/payrolls/{p['payroll_id']}/payments")).json()
    with pytest.raises(IntegrityError):
        async with db.uow() as uow:
            await uow.session.execute(
                payment_instruction.insert().values(
                    id=uuid.uuid4(),
                    payroll_id=uuid.UUID(p["payroll_id"]),
                    entitlement_id=uuid.UUID(ins["entitlement_id"]),
                    case_id=event.case_id,
                    programme="dibao",
                    region_code="141102",
                    month="2027-01",
                    amount="630.00",
                    payee_account_name="x",
                    payee_account_encrypted="c",
                    payee_account_masked="*",
                    payee_bank_code="ICBC",
                    status="pending",
                    version=1,
                )
            )
    assert await kit.scalar("SELECT count(*) FROM payment_instruction") == 1


async def test_a_month_with_nothing_to_pay_is_422_and_stores_nothing(client, kit):
    await kit.approve(region="141102", start="2027-06")
    before = await kit.counts()
    r = await client.post("/v1/payrolls", json={"region_code": "141102", "month": "2027-05"})
    assert r.status_code == 422 and r.headers["content-type"].startswith(PROBLEM)
    assert r.json()["code"] == "nothing_to_pay"
    r = await client.post("/v1/payrolls", json={"region_code": "141124", "month": "2027-06"})
    assert r.status_code == 422 and r.json()["code"] == "nothing_to_pay"
    assert await kit.counts() == before


@pytest.mark.parametrize(
    "body",
    [
        {"region_code": "141102", "month": "2027-13"},
        {"region_code": "141102", "month": "2027-1"},
        {"region_code": "141102"},
        {"region_code": "999999", "month": "2027-01"},
        {"region_code": "140000", "month": "2027-01"},
        {"region_code": "141102", "month": "2027-01", "programme": "pension"},
        {"region_code": "141102", "month": "2027-01", "amount": "1"},
    ],
)
async def test_bad_input_is_problem_json_and_stores_nothing(client, kit, body):
    await kit.approve(region="141102")
    before = await kit.counts()
    r = await client.post("/v1/payrolls", json=body)
    assert r.status_code == 422 and r.headers["content-type"].startswith(PROBLEM)
    assert r.json()["code"] == "validation_failed" and r.json()["errors"]
    assert await kit.counts() == before


async def test_malformed_body_and_unknown_ids_are_problems(client, kit):
    before = await kit.counts()
    r = await client.post(
        "/v1/payrolls", content=b"{nope", headers={"content-type": "application/json"}
    )
    assert r.status_code == 400 and r.json()["code"] == "malformed_body"
    for path in (
        "/v1/payrolls/not-a-uuid",
        f"/v1/payrolls/{uuid.uuid4()}",
        f"/v1/payments/{uuid.uuid4()}",
        f"/v1/payrolls/{uuid.uuid4()}/payments",
    ):
        r = await client.get(path)
        assert r.status_code == 404 and r.headers["content-type"].startswith(PROBLEM), path
    r = await client.post(f"/v1/payrolls/{uuid.uuid4()}/submit")
    assert r.status_code == 404
    assert await kit.counts() == before


async def test_idempotency_key_replays_the_payroll(client, kit):
    await kit.approve(region="141102")
    key = {"Idempotency-Key": "payroll-141102-2027-01"}
    body = {"region_code": "141102", "month": "2027-01"}
    first = await client.post("/v1/payrolls", json=body, headers=key)
    again = await client.post("/v1/payrolls", json=body, headers=key)
    assert again.status_code == 201 and again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    other = await client.post("/v1/payrolls", json={**body, "month": "2027-02"}, headers=key)
    assert other.status_code == 409 and other.json()["code"] == "idempotency_key_reused"
    assert await kit.scalar("SELECT count(*) FROM payroll") == 1
