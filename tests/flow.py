"""Steps of the main flow through the public APIs, shared by the end-to-end and fault tests."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

import httpx

from socialaid.testkit.infra import eventually

# Consent is valid for a year (ConsentDate): sign it shortly before the test runs.
SIGNED_ON = dt.date.today() - dt.timedelta(days=12)

COUNTIES = [
    "141102",
    "141121",
    "141122",
    "141123",
    "141124",
    "141125",
    "141126",
    "141127",
    "141128",
    "141129",
    "141130",
    "141181",
    "141182",
]


def application(
    people: Any, region: str, *, incomes: list[str], programmes: list[str] | None = None
) -> dict[str, Any]:
    members = [people.member("applicant", region=region, declared_monthly_income=incomes[0])]
    members += [
        people.member("spouse" if i == 1 else "child", region=region, declared_monthly_income=inc)
        for i, inc in enumerate(incomes[1:], start=1)
    ]
    return {
        "region_code": region,
        "programmes": programmes or ["dibao"],
        "members": members,
        "consent": {"signed": True, "signed_on": SIGNED_ON.isoformat()},
        "channel": "window",
        "payee": {
            "account_name": members[0]["name"],
            "account_number": f"62220{random.randrange(10**14):014d}",
            "bank_code": "ICBC",
        },
    }


async def submit_and_accept(
    http: dict[str, httpx.AsyncClient], body: dict[str, Any]
) -> tuple[str, httpx.Response]:
    r = await http["intake"].post("/v1/applications", json=body)
    assert r.status_code == 201, r.text
    case_id = r.json()["cases"][0]["case_id"]
    a = await http["intake"].post(f"/v1/cases/{case_id}/accept", json={"actor": "e2e-window"})
    assert a.status_code == 200, a.text
    return case_id, r


async def case_in_status(
    http: dict[str, httpx.AsyncClient], case_id: str, status: str, timeout: float = 90
) -> dict[str, Any]:
    async def check() -> dict[str, Any] | None:
        case: dict[str, Any] = (await http["intake"].get(f"/v1/cases/{case_id}")).json()
        return case if case["status"] == status else None

    return await eventually(check, timeout=timeout, interval=0.25, what=f"case {case_id} {status}")


async def parameter(
    http: dict[str, httpx.AsyncClient], region: str, month: str, key: str
) -> Decimal:
    """The value of a numeric parameter in force for the region on the first day of the month."""
    r = await http["benefits"].get(
        "/v1/parameters", params={"region_code": region, "as_of": f"{month}-01"}
    )
    assert r.status_code == 200, r.text
    body = r.json()
    items = body["parameters"] if isinstance(body, dict) and "parameters" in body else body
    for p in items:
        if p["key"] == key:
            return Decimal(str(p["value"]))
    raise AssertionError(f"no {key} for {region} {month}: {body}")


def unique_month(rng: random.Random) -> str:
    return f"{rng.randrange(2040, 2100)}-{rng.randrange(1, 13):02d}"
