"""Fan-out of case events to departments and signed webhook deliveries (R-RF-05).

Real PostgreSQL, the consumer's own handlers through the platform inbox, and a
real HTTP receiver served by uvicorn on a free local port.
"""

import base64
import datetime as dt
import hashlib
import hmac
import json
import time
from decimal import Decimal
from typing import Any

import pytest

from socialaid.contracts.events import (
    CaseAccepted,
    CaseApproved,
    Consent,
    DeclaredAssets,
    HouseholdMember,
    Payee,
)
from socialaid.core.ids import gb11643_check_char, uuid7
from socialaid.referral.jobs import webhook_job
from socialaid.testkit.infra import eventually

pytestmark = pytest.mark.integration

ID1 = "14112419800101001" + gb11643_check_char("14112419800101001")
ID2 = "14112419820202002" + gb11643_check_char("14112419820202002")
NOW = dt.datetime.now(dt.UTC)


def accepted(region="141124", programme="dibao"):
    return CaseAccepted(
        case_id=str(uuid7()),
        application_id=str(uuid7()),
        programme=programme,
        region_code=region,
        benefit_month="2026-12",
        consent=Consent(signed=True, scope=["income"]),
        members=[
            HouseholdMember(
                member_id="m1",
                name="张三丰",
                id_number=ID1,
                relationship="applicant",
                birth_date=dt.date(1980, 1, 1),
                declared_monthly_income=Decimal("300.00"),
            ),
            HouseholdMember(
                member_id="m2",
                name="李四",
                id_number=ID2,
                relationship="spouse",
                birth_date=dt.date(1982, 2, 2),
            ),
        ],
        declared_assets=DeclaredAssets(financial_assets=Decimal("1000.00")),
        accepted_at=NOW,
    )


def approved(region="141124"):
    return CaseApproved(
        case_id=str(uuid7()),
        application_id=str(uuid7()),
        programme="dibao",
        region_code=region,
        monthly_amount=Decimal("512.00"),
        start_month="2027-01",
        household_size=2,
        approved_at=NOW,
        payee=Payee(account_name="张三丰", account_number="6222020200112233445", bank_code="ICBC"),
    )


async def register(
    client, code, *, types, regions, programmes=None, webhook_url=None
) -> dict[str, Any]:
    r = await client.post(
        "/v1/departments",
        json={
            "code": code,
            "name": code,
            "webhook_url": webhook_url,
            "subscriptions": [
                {"event_types": types, "region_codes": regions, "programmes": programmes}
            ],
        },
    )
    assert r.status_code == 201, r.text
    department: dict[str, Any] = r.json()
    return department


async def deliveries(kit, settings, codes, event_id):
    rows = await kit.fetch(
        settings,
        "select department_code, payload, status, attempts, last_status_code "
        "from delivery where event_id = $1 and department_code = any($2::text[]) "
        "order by department_code",
        event_id,
        codes,
    )
    return {r["department_code"]: r for r in rows}


async def test_r_rf_05_deliveries_only_for_matching_subscriptions_with_masked_data(
    referral_client, referral_settings, referral_db, kit
):
    city = kit.unique("health")  # the city above the case's county
    sibling = kit.unique("education")  # another county of the same city
    other_type = kit.unique("housing")  # right region, only approvals
    other_programme = kit.unique("charity")  # right region, only medical cases
    for code, kw in [
        (city, {"types": [CaseAccepted.TYPE], "regions": ["141100"]}),
        (sibling, {"types": [CaseAccepted.TYPE], "regions": ["141102"]}),
        (other_type, {"types": [CaseApproved.TYPE], "regions": ["141124"]}),
        (
            other_programme,
            {"types": [CaseAccepted.TYPE], "regions": ["141124"], "programmes": ["medical"]},
        ),
    ]:
        await register(referral_client, code, **kw)
    env = kit.envelope(accepted())
    assert await kit.apply(referral_db, referral_settings, env) == "applied"

    codes = [city, sibling, other_type, other_programme]
    got = await deliveries(kit, referral_settings, codes, env.id)
    assert list(got) == [city]
    body = json.loads(got[city]["payload"])
    assert (
        body["id"] == env.id
        and body["type"] == CaseAccepted.TYPE
        and body["subject"] == env.subject
    )
    data = body["data"]
    assert (
        data["household_size"] == 2
        and data["region_code"] == "141124"
        and data["programme"] == "dibao"
    )
    assert data["members"][0] == {
        "name": "张**",
        "id_number": ID1[:6] + "*" * 11 + ID1[-1],
        "relationship": "applicant",
    }
    flat = json.dumps(body, ensure_ascii=False)
    for clear in (ID1, ID2, "张三丰", "李四", "300.00", "1000.00", "1980-01-01"):
        assert clear not in flat

    assert await kit.apply(referral_db, referral_settings, env) == "duplicate"
    assert list(await deliveries(kit, referral_settings, codes, env.id)) == [city]


async def test_r_rf_05_pull_and_acknowledge(referral_client, referral_settings, referral_db, kit):
    code = kit.unique("charity-xyz")
    await register(referral_client, code, types=[CaseAccepted.TYPE], regions=["000000"])
    env = kit.envelope(accepted(region="110108"))
    await kit.apply(referral_db, referral_settings, env)
    pending = (
        await referral_client.get(
            f"/v1/departments/{code}/deliveries", params={"status": "pending"}
        )
    ).json()
    assert [d["event_id"] for d in pending] == [env.id]
    ack = await referral_client.post(
        f"/v1/deliveries/{pending[0]['delivery_id']}/ack",
        headers={"Idempotency-Key": f"ack-{code}"},
    )
    assert ack.status_code == 200 and ack.json()["status"] == "acknowledged"
    assert (
        await referral_client.get(
            f"/v1/departments/{code}/deliveries", params={"status": "pending"}
        )
    ).json() == []
    again = await referral_client.post(f"/v1/deliveries/{pending[0]['delivery_id']}/ack")
    assert (
        again.status_code == 200
        and again.json()["acknowledged_at"] == ack.json()["acknowledged_at"]
    )
    assert (await referral_client.post(f"/v1/deliveries/{uuid7()}/ack")).status_code == 404
    assert (await referral_client.get("/v1/departments/nobody/deliveries")).status_code == 404


def check_signature(secret: str, headers: dict[str, str], body: bytes) -> None:
    """Verify as the department would, independently of the service's code."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    assert headers["webhook-signature"] == expected
    assert abs(time.time() - int(headers["webhook-timestamp"])) < 300


async def test_r_rf_05_signed_webhook_reaches_a_real_receiver(
    referral_client, referral_settings, referral_db, kit, receiver
):
    code = kit.unique("hrss")
    created = await register(
        referral_client,
        code,
        types=[CaseApproved.TYPE],
        regions=["141100"],
        webhook_url=receiver.url(code),
    )
    env = kit.envelope(approved())
    await kit.apply(referral_db, referral_settings, env)

    async with kit.running(webhook_job, referral_settings, referral_db):

        async def delivered():
            rows = await deliveries(kit, referral_settings, [code], env.id)
            return rows.get(code) if rows and rows[code]["status"] == "delivered" else None

        row = await eventually(delivered, timeout=20, what="webhook delivery")

    [(headers, body)] = receiver.requests(code)
    assert headers["webhook-id"] == env.id and headers["content-type"] == "application/json"
    check_signature(created["webhook_secret"], headers, body)
    sent = json.loads(body)
    assert sent == json.loads(row["payload"])
    assert sent["data"]["monthly_amount"] == "512.00" and "payee" not in sent["data"]
    assert "6222020200112233445" not in body.decode()
    assert row["attempts"] == 1 and row["last_status_code"] == 204


async def test_r_rf_05_webhook_is_retried_after_a_500(
    referral_client, referral_settings, referral_db, kit, receiver
):
    code = kit.unique("health")
    created = await register(
        referral_client,
        code,
        types=[CaseApproved.TYPE],
        regions=["141124"],
        webhook_url=receiver.url(code),
    )
    receiver.plan[code] = [500]
    env = kit.envelope(approved())
    await kit.apply(referral_db, referral_settings, env)

    async with kit.running(webhook_job, referral_settings, referral_db):

        async def delivered():
            rows = await deliveries(kit, referral_settings, [code], env.id)
            return rows.get(code) if rows and rows[code]["status"] == "delivered" else None

        row = await eventually(delivered, timeout=20, what="webhook delivery after a retry")

    reqs = receiver.requests(code)
    assert len(reqs) == 2 and row["attempts"] == 2 and row["last_status_code"] == 204
    assert reqs[0][0]["webhook-id"] == reqs[1][0]["webhook-id"] == env.id
    assert reqs[0][1] == reqs[1][1]
    for headers, body in reqs:
        check_signature(created["webhook_secret"], headers, body)


async def test_r_rf_05_webhook_gives_up_after_max_attempts(
    referral_client, referral_settings, referral_db, kit, receiver
):
    code = kit.unique("housing")
    await register(
        referral_client,
        code,
        types=[CaseApproved.TYPE],
        regions=["141124"],
        webhook_url=receiver.url(code),
    )
    receiver.plan[code] = [500] * 10
    env = kit.envelope(approved())
    await kit.apply(referral_db, referral_settings, env)

    async with kit.running(webhook_job, referral_settings, referral_db):

        async def dead():
            rows = await deliveries(kit, referral_settings, [code], env.id)
            return rows.get(code) if rows and rows[code]["status"] == "failed" else None

        row = await eventually(dead, timeout=20, what="delivery to be marked failed")

    assert row["attempts"] == referral_settings.webhook_max_attempts == len(receiver.requests(code))
    assert row["last_status_code"] == 500
    failed = (
        await referral_client.get(f"/v1/departments/{code}/deliveries", params={"status": "failed"})
    ).json()
    assert [d["event_id"] for d in failed] == [env.id] and "HTTP 500" in failed[0]["last_error"]
