"""Bank simulator protocol: results per instruction, idempotency, seeded accounts, faults (R-PA-01, R-PA-04)."""

import httpx
import pytest_asyncio

from socialaid.devsim.bank import create_app


@pytest_asyncio.fixture
async def bank():
    app = create_app()
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://bank"
    ) as c:
        yield c


def ins(
    iid: str, account: str = "6222000000000001", name: str = "张三", amount: str = "630.00"
) -> dict[str, str]:
    return {
        "instruction_id": iid,
        "account_number": account,
        "account_name": name,
        "amount": amount,
        "currency": "CNY",
        "remark": "dibao 2027-01",
    }


def batch(batch_id: str, *instructions: dict[str, str]) -> dict[str, object]:
    return {"batch_id": batch_id, "payer_account": "FUND-001", "instructions": list(instructions)}


async def test_r_pa_01_unknown_accounts_settle_with_a_reference(bank):
    r = await bank.post("/bank/v1/batches", json=batch("b1", ins("i1"), ins("i2", amount="100.5")))
    assert r.status_code == 200, r.text
    body = r.json()
    assert [x["status"] for x in body["results"]] == ["settled", "settled"]
    assert all(x["bank_reference"] for x in body["results"])
    assert (
        body["settled_total"] == "730.50"
        and body["settled_count"] == 2
        and body["failed_count"] == 0
    )


async def test_r_pa_04_seeded_accounts_fail_with_codes(bank):
    await bank.put("/sim/accounts/C1", json={"status": "closed"})
    await bank.put("/sim/accounts/F1", json={"status": "frozen"})
    await bank.put("/sim/accounts/N1", json={"status": "active", "name": "王五"})
    await bank.put("/sim/accounts/OK1", json={"status": "active", "name": "张三"})
    r = await bank.post(
        "/bank/v1/batches",
        json=batch("b2", ins("c", "C1"), ins("f", "F1"), ins("n", "N1"), ins("ok", "OK1")),
    )
    res = {x["instruction_id"]: x for x in r.json()["results"]}
    assert res["c"]["status"] == "failed" and res["c"]["failure_code"] == "ACCOUNT_CLOSED"
    assert res["f"]["failure_code"] == "ACCOUNT_FROZEN"
    assert res["n"]["failure_code"] == "NAME_MISMATCH" and res["n"]["bank_reference"] is None
    assert res["ok"]["status"] == "settled"
    transfers = (await bank.get("/sim/transfers")).json()
    assert [t["instruction_id"] for t in transfers] == ["ok"]


async def test_r_pa_04_resubmission_returns_same_results_and_never_pays_twice(bank):
    first = (await bank.post("/bank/v1/batches", json=batch("b3", ins("x1"), ins("x2")))).json()
    again = (
        await bank.post("/bank/v1/batches", json=batch("b3", ins("x1"), ins("x2"), ins("x3")))
    ).json()
    assert again["results"][:2] == first["results"]
    assert again["results"][2]["status"] == "settled"
    assert len((await bank.get("/sim/transfers", params={"batch_id": "b3"})).json()) == 3
    enquiry = await bank.get("/bank/v1/instructions/x1")
    assert enquiry.status_code == 200 and enquiry.json() == first["results"][0]
    assert len((await bank.get("/bank/v1/batches/b3")).json()["results"]) == 3
    assert (await bank.get("/bank/v1/instructions/nope")).status_code == 404


async def test_instruction_id_reused_with_other_content_is_refused(bank):
    await bank.post("/bank/v1/batches", json=batch("b4", ins("y1")))
    r = await bank.post("/bank/v1/batches", json=batch("b5", ins("y1", amount="999.00"), ins("y2")))
    assert r.status_code == 409 and r.headers["content-type"].startswith("application/problem+json")
    assert (await bank.get("/bank/v1/instructions/y2")).status_code == 404


async def test_bad_requests_are_problem_json(bank):
    for bad in (ins("z", amount="-1"), ins("z", amount="1.001"), {**ins("z"), "currency": "USD"}):
        r = await bank.post("/bank/v1/batches", json=batch("b6", bad))
        assert r.status_code == 422 and r.json()["code"] == "validation_failed"
    assert (await bank.get("/sim/transfers")).json() == []


async def test_error_fault_pays_nothing_then_recovers(bank):
    await bank.put("/sim/faults", json={"mode": "error", "count": 2})
    for _ in range(2):
        assert (await bank.post("/bank/v1/batches", json=batch("b7", ins("e1")))).status_code == 503
    assert (await bank.get("/sim/transfers")).json() == []
    assert (await bank.post("/bank/v1/batches", json=batch("b7", ins("e1")))).status_code == 200
    assert len((await bank.get("/sim/transfers")).json()) == 1


async def test_timeout_fault_pays_but_answers_late(bank):
    await bank.put("/sim/faults", json={"mode": "timeout", "count": 1, "delay_seconds": 0.05})
    r = await bank.post("/bank/v1/batches", json=batch("b8", ins("t1")))
    assert r.status_code == 200
    again = await bank.post("/bank/v1/batches", json=batch("b8", ins("t1")))
    assert again.json()["results"] == r.json()["results"]
    assert len((await bank.get("/sim/transfers")).json()) == 1
    assert (await bank.get("/healthz")).json() == {"status": "ok"}
