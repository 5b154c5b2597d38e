"""Demonstration data, loaded through the public APIs exactly as a caseworker and a department would.

Three households in 离石区 (141102), seeded into the department simulator with
what the departments know, then applied for at the window and accepted, so the
verification → assessment flow runs on its own. A demo department subscribes to
case events. Running it twice is harmless: every write carries an Idempotency-Key.
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass

import httpx

from socialaid.core.ids import gb11643_check_char


def _id(region: str, born: dt.date, seq: int) -> str:
    body = f"{region}{born:%Y%m%d}{seq:03d}"
    return body + gb11643_check_char(body)


def _member(
    name: str, relationship: str, born: dt.date, seq: int, **extra: object
) -> dict[str, object]:
    return {
        "name": name,
        "id_number": _id("141102", born, seq),
        "relationship": relationship,
        "birth_date": born.isoformat(),
        **extra,
    }


@dataclass(frozen=True)
class DemoHousehold:
    key: str
    members: list[dict[str, object]]
    records: dict[int, dict[str, str]]
    payee: dict[str, str]


HOUSEHOLDS = [
    DemoHousehold(  # low wages, two children: eligible for dibao
        key="demo-household-1",
        members=[
            _member(
                "王建国", "applicant", dt.date(1979, 3, 14), 11, declared_monthly_income="900.00"
            ),
            _member(
                "李秀英",
                "spouse",
                dt.date(1981, 6, 2),
                22,
                labour_capacity="partial",
                serious_illness=True,
            ),
            _member("王小明", "child", dt.date(2012, 9, 1), 31),
            _member("王小红", "child", dt.date(2016, 4, 20), 42),
        ],
        records={0: {"wages_monthly": "900.00"}},
        payee={
            "account_name": "王建国",
            "account_number": "6217000010001234567",
            "bank_code": "CCB",
        },
    ),
    DemoHousehold(  # elderly widow with a small pension: eligible
        key="demo-household-2",
        members=[
            _member(
                "赵桂兰",
                "applicant",
                dt.date(1948, 11, 30),
                52,
                labour_capacity="none",
                declared_monthly_income="300.00",
            )
        ],
        records={0: {"pension_monthly": "420.00", "pension_central_basic_monthly": "143.00"}},
        payee={
            "account_name": "赵桂兰",
            "account_number": "6228480010002345678",
            "bank_code": "ABC",
        },
    ),
    DemoHousehold(  # undeclared deposits found by the bank: not eligible, discrepancy reported
        key="demo-household-3",
        members=[
            _member(
                "孙志强", "applicant", dt.date(1985, 1, 8), 63, declared_monthly_income="600.00"
            ),
            _member("周丽", "spouse", dt.date(1987, 7, 19), 74),
        ],
        records={0: {"wages_monthly": "650.00", "deposits": "150000.00"}},
        payee={
            "account_name": "孙志强",
            "account_number": "6222020010003456789",
            "bank_code": "ICBC",
        },
    ),
]


def load_demo(*, intake: str, department: str, referral: str) -> int:
    with httpx.Client(timeout=30) as client:
        if _absent(client, f"{referral}/v1/departments/health"):
            client.post(
                f"{referral}/v1/departments",
                headers={"Idempotency-Key": "demo-department-health"},
                json={
                    "code": "health",
                    "name": "吕梁市卫生健康委员会（演示）",
                    "subscriptions": [
                        {
                            "event_types": [
                                "cn.gov.socialaid.case.approved.v1",
                                "cn.gov.socialaid.case.enrolled.v1",
                            ],
                            "region_codes": ["141100"],
                        }
                    ],
                },
            ).raise_for_status()
        for hh in HOUSEHOLDS:
            for index, record in hh.records.items():
                idn = hh.members[index]["id_number"]
                client.put(f"{department}/sim/records/{idn}", json=record).raise_for_status()
            r = client.post(
                f"{intake}/v1/applications",
                headers={"Idempotency-Key": hh.key},
                json={
                    "region_code": "141102",
                    "channel": "window",
                    "received_by": "离石区西关街道便民服务中心",
                    "programmes": ["dibao"],
                    "members": hh.members,
                    "consent": {"signed": True},
                    "payee": hh.payee,
                },
            )
            r.raise_for_status()
            for case in r.json()["cases"]:
                client.post(
                    f"{intake}/v1/cases/{case['case_id']}/accept",
                    headers={"Idempotency-Key": f"{hh.key}-accept-{case['programme']}"},
                    json={"actor": "离石区西关街道"},
                ).raise_for_status()
                print(
                    f"demo: {hh.key} → case {case['case_id']} ({case['programme']}) accepted; "
                    f"{intake}/v1/cases/{case['case_id']}"
                )
    return 0


def _absent(client: httpx.Client, url: str) -> bool:
    return client.get(url).status_code == 404


if __name__ == "__main__":
    sys.exit(
        load_demo(
            intake="http://127.0.0.1:8001",
            department="http://127.0.0.1:8101",
            referral="http://127.0.0.1:8006",
        )
    )
