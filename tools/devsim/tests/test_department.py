"""Department simulator protocol (R-VE-01): seeded records, 'no data' defaults and simulated faults."""

from collections.abc import AsyncIterator

import httpx
import pytest_asyncio

from socialaid.core.ids import gb11643_check_char
from socialaid.devsim.department import create_app


def idn(first17: str) -> str:
    return first17 + gb11643_check_char(first17)


ALICE = idn("14110219800101001")
BOB = idn("14112119750505002")


@pytest_asyncio.fixture
async def sim() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app()), base_url="http://sim"
    ) as c:
        yield c


SEED = {
    "registration": {"region_code": "141102", "alive": True},
    "wages_monthly": "2500.00",
    "pension_monthly": "300.00",
    "pension_central_basic_monthly": "120.00",
    "unemployment_monthly": "0",
    "properties": [
        {
            "certificate_no": "晋(2020)离石区不动产权第0001号",
            "kind": "residential",
            "area_m2": "85.5",
        }
    ],
    "vehicles": [{"plate": "晋J12345", "kind": "car", "value": "42000.00"}],
    "deposits": "15000.50",
}


async def test_r_ve_01_seeded_record_is_answered_by_every_department(sim):
    assert (await sim.put(f"/sim/records/{ALICE}", json=SEED)).status_code == 200
    q = {"id_numbers": [ALICE], "request_id": "req-1"}
    ps = (await sim.post("/public-security/v1/persons:query", json=q)).json()
    assert ps["department"] == "public_security" and ps["request_id"] == "req-1"
    assert ps["results"] == [
        {
            "id_number": ALICE,
            "found": True,
            "region_code": "141102",
            "alive": True,
            "deceased_on": None,
        }
    ]
    hr = (await sim.post("/hr/v1/income:query", json=q)).json()["results"][0]
    assert hr["wages_monthly"] == "2500.00" and hr["pension_central_basic_monthly"] == "120.00"
    re_ = (await sim.post("/real-estate/v1/holdings:query", json=q)).json()["results"][0]
    assert len(re_["properties"]) == 1 and re_["properties"][0]["kind"] == "residential"
    ve = (await sim.post("/vehicles/v1/holdings:query", json=q)).json()["results"][0]
    assert ve["vehicles"][0]["value"] == "42000.00"
    bk = (await sim.post("/banks/v1/deposits:query", json=q)).json()["results"][0]
    assert bk == {"id_number": ALICE, "found": True, "deposits": "15000.50"}


async def test_unknown_person_gets_no_data_but_is_registered_alive(sim):
    q = {"id_numbers": [BOB]}
    ps = (await sim.post("/public-security/v1/persons:query", json=q)).json()["results"][0]
    assert ps == {
        "id_number": BOB,
        "found": False,
        "region_code": "141121",
        "alive": True,
        "deceased_on": None,
    }
    hr = (await sim.post("/hr/v1/income:query", json=q)).json()["results"][0]
    assert (
        hr["found"] is False and hr["wages_monthly"] == "0.00" and hr["pension_monthly"] == "0.00"
    )
    assert (await sim.post("/banks/v1/deposits:query", json=q)).json()["results"][0][
        "deposits"
    ] == "0.00"
    assert (await sim.post("/vehicles/v1/holdings:query", json=q)).json()["results"][0][
        "vehicles"
    ] == []


async def test_results_follow_request_order_and_death_is_reported(sim):
    await sim.put(
        f"/sim/records/{BOB}", json={"registration": {"alive": False, "deceased_on": "2026-05-01"}}
    )
    res = (
        await sim.post("/public-security/v1/persons:query", json={"id_numbers": [BOB, ALICE]})
    ).json()
    assert [r["id_number"] for r in res["results"]] == [BOB, ALICE]
    assert res["results"][0]["alive"] is False and res["results"][0]["deceased_on"] == "2026-05-01"


async def test_delete_records_forgets_everything(sim):
    await sim.put(f"/sim/records/{ALICE}", json=SEED)
    assert (await sim.delete("/sim/records")).json() == {"deleted": 1}
    bk = (await sim.post("/banks/v1/deposits:query", json={"id_numbers": [ALICE]})).json()[
        "results"
    ][0]
    assert bk["found"] is False


async def test_bad_input_is_rejected(sim):
    r = await sim.post("/banks/v1/deposits:query", json={"id_numbers": ["141102198001010010"]})
    assert r.status_code == 422
    r = await sim.post("/banks/v1/deposits:query", json={"id_numbers": []})
    assert r.status_code == 422
    r = await sim.put(f"/sim/records/{ALICE}", json={"deposits": 12.5})
    assert r.status_code == 422  # money must be a decimal string, never a float
    r = await sim.put(
        f"/sim/records/{ALICE}",
        json={"pension_monthly": "100", "pension_central_basic_monthly": "200"},
    )
    assert r.status_code == 422
    r = await sim.put("/sim/records/not-an-id", json={})
    assert r.status_code == 422


async def test_error_fault_refuses_exactly_n_calls_of_one_department(sim):
    r = await sim.put("/sim/faults", json={"department": "banks", "mode": "error", "count": 2})
    assert r.status_code == 200
    q = {"id_numbers": [ALICE]}
    codes = [(await sim.post("/banks/v1/deposits:query", json=q)).status_code for _ in range(3)]
    assert codes == [503, 503, 200]
    assert (await sim.post("/hr/v1/income:query", json=q)).status_code == 200
    assert (await sim.get("/sim/faults")).json() == {}


async def test_slow_fault_delays_the_answer(sim):
    import time

    await sim.put(
        "/sim/faults", json={"department": "hr", "mode": "slow", "count": 1, "delay_seconds": 0.3}
    )
    started = time.monotonic()
    r = await sim.post("/hr/v1/income:query", json={"id_numbers": [ALICE]})
    assert r.status_code == 200 and time.monotonic() - started >= 0.3
    started = time.monotonic()
    await sim.post("/hr/v1/income:query", json={"id_numbers": [ALICE]})
    assert time.monotonic() - started < 0.3


async def test_calls_are_counted_and_faults_cleared(sim):
    await sim.put("/sim/faults", json={"department": "vehicles", "mode": "error", "count": 5})
    assert (await sim.delete("/sim/faults")).json() == {"cleared": 1}
    await sim.post("/vehicles/v1/holdings:query", json={"id_numbers": [ALICE]})
    calls = (await sim.get("/sim/calls")).json()
    assert calls["vehicles"] == 1 and calls["banks"] == 0
    assert (await sim.get("/healthz")).json() == {"status": "ok"}


async def test_openapi_documents_the_protocol(sim):
    doc = (await sim.get("/openapi.json")).json()
    for path in (
        "/public-security/v1/persons:query",
        "/hr/v1/income:query",
        "/real-estate/v1/holdings:query",
        "/vehicles/v1/holdings:query",
        "/banks/v1/deposits:query",
        "/sim/records/{id_number}",
        "/sim/faults",
    ):
        assert path in doc["paths"], path
