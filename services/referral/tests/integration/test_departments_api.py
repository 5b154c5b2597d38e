"""Department registration and subscriptions against a real, migrated PostgreSQL (R-RF-05)."""

import pytest

from socialaid.contracts.events import CaseAccepted, CaseApproved

pytestmark = pytest.mark.integration

SUB = {"event_types": [CaseApproved.TYPE], "region_codes": ["141100"]}


def dept(code, **over):
    b = {
        "code": code,
        "name": "吕梁市卫生健康委员会",
        "webhook_url": "http://127.0.0.1:9/hooks",
        "subscriptions": [SUB],
    }
    b.update(over)
    return b


async def counts(kit, settings):
    rows = await kit.fetch(
        settings,
        "select (select count(*) from department) d, (select count(*) from subscription) s",
    )
    return rows[0]["d"], rows[0]["s"]


async def test_r_rf_05_secret_is_returned_once_and_duplicates_are_problems(
    referral_client, referral_settings, kit
):
    code = kit.unique("health")
    r = await referral_client.post("/v1/departments", json=dept(code))
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["webhook_secret"].startswith("whsec_")
    assert created["subscriptions"] == [{**SUB, "programmes": None}]

    got = await referral_client.get(f"/v1/departments/{code}")
    assert got.status_code == 200 and "webhook_secret" not in got.json()
    assert got.json()["webhook_url"] == "http://127.0.0.1:9/hooks"
    stored = await kit.fetch(
        referral_settings, "select webhook_secret_encrypted from department where code=$1", code
    )
    assert (
        created["webhook_secret"] not in stored[0]["webhook_secret_encrypted"]
    )  # encrypted at rest

    before = await counts(kit, referral_settings)
    again = await referral_client.post("/v1/departments", json=dept(code, name="other"))
    assert again.status_code == 409
    assert again.headers["content-type"].startswith("application/problem+json")
    assert again.json()["code"] == "department_exists"
    assert await counts(kit, referral_settings) == before


async def test_r_rf_05_idempotent_replay_does_not_repeat_the_secret(referral_client, kit):
    code = kit.unique("education")
    key = {"Idempotency-Key": f"dept-{code}"}
    first = await referral_client.post(
        "/v1/departments", json=dept(code, webhook_url=None), headers=key
    )
    assert first.status_code == 201 and first.json()["webhook_secret"]
    replay = await referral_client.post(
        "/v1/departments", json=dept(code, webhook_url=None), headers=key
    )
    assert replay.status_code == 201 and replay.headers["idempotent-replayed"] == "true"
    assert "webhook_secret" not in replay.json()
    assert replay.json()["code"] == code


async def test_supplied_secret_is_kept(referral_client, kit):
    secret = "whsec_" + "A" * 44  # 33 bytes of base64
    r = await referral_client.post(
        "/v1/departments", json=dept(kit.unique("hrss"), webhook_secret=secret)
    )
    assert r.status_code == 201 and r.json()["webhook_secret"] == secret


@pytest.mark.parametrize(
    "override",
    [
        {"code": "Health Dept"},
        {
            "subscriptions": [
                {"event_types": ["cn.gov.socialaid.payment.settled.v1"], "region_codes": ["141100"]}
            ]
        },
        {"subscriptions": [{"event_types": [CaseApproved.TYPE], "region_codes": ["999999"]}]},
        {
            "subscriptions": [
                {
                    "event_types": [CaseApproved.TYPE],
                    "region_codes": ["141100"],
                    "programmes": ["pension"],
                }
            ]
        },
        {"webhook_url": "not a url"},
        {"webhook_secret": "plain-secret"},
    ],
)
async def test_r_rf_05_bad_registration_is_problem_and_stores_nothing(
    referral_client, referral_settings, kit, override
):
    before = await counts(kit, referral_settings)
    r = await referral_client.post(
        "/v1/departments", json={**dept(kit.unique("housing")), **override}
    )
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == "validation_failed"
    assert await counts(kit, referral_settings) == before


async def test_r_rf_05_put_replaces_subscriptions(referral_client, kit):
    code = kit.unique("public_security")
    assert (await referral_client.post("/v1/departments", json=dept(code))).status_code == 201
    new = {
        "subscriptions": [
            {
                "event_types": [CaseAccepted.TYPE, CaseApproved.TYPE],
                "region_codes": ["141124", "141102"],
                "programmes": ["dibao"],
            }
        ]
    }
    r = await referral_client.put(f"/v1/departments/{code}/subscriptions", json=new)
    assert r.status_code == 200, r.text
    assert r.json()["subscriptions"] == [
        {
            "event_types": sorted([CaseAccepted.TYPE, CaseApproved.TYPE]),
            "region_codes": ["141102", "141124"],
            "programmes": ["dibao"],
        }
    ]
    assert (await referral_client.get(f"/v1/departments/{code}")).json()[
        "subscriptions"
    ] == r.json()["subscriptions"]
    missing = await referral_client.put("/v1/departments/nobody/subscriptions", json=new)
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
