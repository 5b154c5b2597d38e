"""Referrals with working-day deadlines, reports and escalation on a real PostgreSQL (R-RF-01, R-RF-06)."""

import datetime as dt
import uuid

import pytest

from socialaid.contracts.events import CaseSubmitted, ReferralCompleted, ReferralCreated
from socialaid.core.ids import uuid7
from socialaid.referral.jobs import overdue_job
from socialaid.referral.schemas import ReferralCreate
from socialaid.referral.use_cases.referrals import create_referral
from socialaid.testkit.infra import eventually

pytestmark = pytest.mark.integration


async def department(client, kit, prefix="health", **over) -> str:
    code: str = kit.unique(prefix)
    body = {"code": code, "name": code, "subscriptions": []}
    body.update(over)
    assert (await client.post("/v1/departments", json=body)).status_code == 201
    return code


async def counts(kit, settings):
    rows = await kit.fetch(
        settings, "select (select count(*) from referral) r, (select count(*) from outbox) o"
    )
    return rows[0]["r"], rows[0]["o"]


async def test_r_rf_01_referral_to_unknown_department_is_422_and_stores_nothing(
    referral_client, referral_settings, kit
):
    before = await counts(kit, referral_settings)
    r = await referral_client.post(
        "/v1/referrals",
        json={"case_id": str(uuid7()), "department_code": "nobody", "reason": "就医困难"},
    )
    assert r.status_code == 422 and r.json()["code"] == "unknown_department"
    assert r.headers["content-type"].startswith("application/problem+json")
    r = await referral_client.post(
        "/v1/referrals",
        json={
            "case_id": str(uuid7()),
            "department_code": "x",
            "reason": "r",
            "due_in_working_days": 0,
        },
    )
    assert r.status_code == 422 and r.json()["code"] == "validation_failed"
    assert await counts(kit, referral_settings) == before
    assert (await referral_client.get(f"/v1/referrals/{uuid7()}")).status_code == 404
    assert (
        await referral_client.post(
            f"/v1/referrals/{uuid7()}/reports", json={"outcome": "assisted", "reported_by": "x"}
        )
    ).status_code == 404


async def test_r_rf_01_create_report_and_completed_event(
    referral_client, referral_settings, referral_db, kit
):
    code = await department(referral_client, kit)
    watcher = await department(
        referral_client,
        kit,
        "civil",
        subscriptions=[{"event_types": [ReferralCompleted.TYPE], "region_codes": ["141100"]}],
    )
    case_id = str(uuid7())
    # The case topic told referral where the case lives.
    await kit.apply(
        referral_db,
        referral_settings,
        kit.envelope(
            CaseSubmitted(
                case_id=case_id,
                application_id=str(uuid7()),
                programme="dibao",
                region_code="141124",
                channel="window",
                household_size=2,
                submitted_at=dt.datetime.now(dt.UTC),
            )
        ),
    )

    r = await referral_client.post(
        "/v1/referrals",
        json={"case_id": case_id, "department_code": code, "reason": "重病患者，转医疗救助"},
    )
    assert r.status_code == 201, r.text
    ref = r.json()
    assert ref["status"] == "open" and ref["due_in_working_days"] == 5
    assert ref["due_at"].endswith("+08:00") and "T23:59:59" in ref["due_at"]
    assert dt.date.fromisoformat(ref["due_on"]).weekday() < 5 or ref["due_on"] in (
        "2026-09-20",
        "2026-10-10",
    )
    created = [
        e
        for e in await kit.outbox_envelopes(referral_settings, case_id)
        if e.type == ReferralCreated.TYPE
    ]
    assert len(created) == 1 and created[0].data["referral_id"] == ref["referral_id"]
    direct = (await referral_client.get(f"/v1/departments/{code}/deliveries")).json()
    assert [d["event_type"] for d in direct] == [ReferralCreated.TYPE]  # the department is told

    report = {
        "outcome": "assisted",
        "assistance_given": "医疗救助 一次性",
        "amount": "1200.5",
        "reported_by": "吕梁市医保局",
    }
    done = await referral_client.post(
        f"/v1/referrals/{ref['referral_id']}/reports",
        json=report,
        headers={"Idempotency-Key": f"rep-{code}"},
    )
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "completed" and done.json()["amount"] == "1200.50"
    assert [h["to_status"] for h in done.json()["history"]] == ["open", "completed"]
    envs = await kit.outbox_envelopes(referral_settings, case_id)
    completed = [e for e in envs if e.type == ReferralCompleted.TYPE]
    assert len(completed) == 1 and completed[0].source == "/socialaid/referral"
    assert completed[0].data["outcome"] == "assisted" and completed[0].data["amount"] == "1200.50"

    outbox_before = len(envs)
    replay = await referral_client.post(
        f"/v1/referrals/{ref['referral_id']}/reports",
        json=report,
        headers={"Idempotency-Key": f"rep-{code}"},
    )
    assert replay.status_code == 200 and replay.headers["idempotent-replayed"] == "true"
    same = await referral_client.post(
        f"/v1/referrals/{ref['referral_id']}/reports", json={**report, "amount": "1200.50"}
    )
    assert same.status_code == 200 and same.json()["status"] == "completed"
    other = await referral_client.post(
        f"/v1/referrals/{ref['referral_id']}/reports", json={**report, "outcome": "declined"}
    )
    assert other.status_code == 409 and other.json()["code"] == "referral_already_reported"
    assert len(await kit.outbox_envelopes(referral_settings, case_id)) == outbox_before

    # The consumer fans the report out to departments watching the case's region.
    assert await kit.apply(referral_db, referral_settings, completed[0]) == "applied"
    watched = (await referral_client.get(f"/v1/departments/{watcher}/deliveries")).json()
    assert [d["event_id"] for d in watched] == [completed[0].id]
    assert watched[0]["payload"]["data"]["outcome"] == "assisted"

    listed = (
        await referral_client.get(
            "/v1/referrals", params={"department_code": code, "status": "completed"}
        )
    ).json()
    assert [x["referral_id"] for x in listed] == [ref["referral_id"]]


async def test_r_rf_01_deadline_uses_the_seeded_holiday_calendar(referral_client, referral_db, kit):
    code = await department(referral_client, kit)
    holidays = (await referral_client.get("/v1/holidays", params={"year": 2026})).json()
    kinds = {h["day"]: h["kind"] for h in holidays}
    assert kinds["2026-10-01"] == "holiday" and kinds["2026-10-10"] == "workday"
    assert kinds["2026-02-17"] == "holiday" and kinds["2026-02-14"] == "workday"
    # Wednesday 30 Sept 2026, 10:00 in Beijing: National Day runs 1–7 October, Saturday 10 October is worked.
    async with referral_db.uow() as uow:
        ref = await create_referral(
            uow,
            data=ReferralCreate(
                case_id=str(uuid7()), department_code=code, reason="r", due_in_working_days=5
            ),
            now=dt.datetime(2026, 9, 30, 2, 0, tzinfo=dt.UTC),
        )
    assert ref.due_on == dt.date(2026, 10, 13)


async def test_r_rf_06_overdue_referrals_are_escalated(
    referral_client, referral_settings, referral_db, kit
):
    code = await department(referral_client, kit, "education")
    late = (
        await referral_client.post(
            "/v1/referrals",
            json={
                "case_id": str(uuid7()),
                "department_code": code,
                "reason": "学生资助",
                "due_in_working_days": 1,
            },
        )
    ).json()
    on_time = (
        await referral_client.post(
            "/v1/referrals",
            json={"case_id": str(uuid7()), "department_code": code, "reason": "学生资助"},
        )
    ).json()
    # Time passes: the first deadline is now behind us.
    await kit.fetch(
        referral_settings,
        "update referral set due_at = now() - interval '1 minute' where id = $1",
        uuid.UUID(late["referral_id"]),
    )

    async with kit.running(overdue_job, referral_settings, referral_db):

        async def escalated():
            rows = (
                await referral_client.get(
                    "/v1/referrals", params={"department_code": code, "status": "overdue"}
                )
            ).json()
            return rows or None

        rows = await eventually(escalated, timeout=20, what="referral to be marked overdue")

    assert [r["referral_id"] for r in rows] == [late["referral_id"]]
    assert rows[0]["escalated_at"] is not None
    detail = (await referral_client.get(f"/v1/referrals/{late['referral_id']}")).json()
    assert [h["to_status"] for h in detail["history"]] == ["open", "overdue"]
    assert detail["history"][-1]["actor"] == "system" and code in detail["history"][-1]["note"]
    assert (await referral_client.get(f"/v1/referrals/{on_time['referral_id']}")).json()[
        "status"
    ] == "open"

    r = await referral_client.post(
        f"/v1/referrals/{late['referral_id']}/reports",
        json={"outcome": "assisted", "reported_by": "教育局"},
    )
    assert r.status_code == 200 and r.json()["status"] == "completed"
    assert r.json()["history"][-1]["note"].endswith("(after the deadline)")
