"""One person is paid at most once per programme and month, whatever case or payroll carries them.

Probe: the same household posted twice became two dibao cases, both paid in the same payroll.
``case.approved`` names the people it pays for (intake's keyed ID hashes); payments writes them
with each instruction and a unique key on (person, programme, month) refuses a second one
(R-PA-01, R-PA-03).
"""

import asyncio
import hashlib
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from socialaid.payments.db import payment_person
from socialaid.payments.schemas import PayrollCreate
from socialaid.payments.use_cases.payrolls import create_payroll
from socialaid.testkit.infra import eventually

pytestmark = pytest.mark.integration

UQ = "uq_payment_person_person_hash_programme_month"


def person(name: str) -> str:
    """A stand-in for intake's keyed hash (payments only compares what it is sent)."""
    return hashlib.sha256(name.encode()).hexdigest()


async def payroll(client, region: str, month: str = "2027-01", programme: str = "dibao"):
    r = await client.post(
        "/v1/payrolls", json={"region_code": region, "month": month, "programme": programme}
    )
    assert r.status_code == 201, r.text
    return r.json()


async def paid_cases(client, payroll_id: str) -> list[str]:
    return [x["case_id"] for x in (await client.get(f"/v1/payrolls/{payroll_id}/payments")).json()]


async def test_probe_one_household_twice_is_paid_once_and_the_other_case_is_skipped(client, kit):
    first = await kit.approve(beneficiaries=[person("wang"), person("li")], amount="600.00")
    second = await kit.approve(beneficiaries=[person("li"), person("zhao")], amount="500.00")
    p = await payroll(client, "141102")
    assert (p["control_count"], p["control_total"], p["skipped_count"]) == (1, "600.00", 1)
    assert p["skipped"] == [
        {
            "case_id": second.case_id,
            "reason": "beneficiary_already_paid",
            "payroll_id": p["payroll_id"],
            "paid_case_id": first.case_id,
        }
    ]
    assert await paid_cases(client, p["payroll_id"]) == [first.case_id]
    assert await kit.scalar("SELECT count(*) FROM payment_person") == 2


async def test_probe_a_person_paid_by_another_payroll_is_not_paid_again(client, kit):
    first = await kit.approve(region="141121", beneficiaries=[person("wang")])
    second = await kit.approve(region="141122", beneficiaries=[person("wang"), person("sun")])
    other = await kit.approve(region="141122", beneficiaries=[person("qian")], amount="400.00")
    county = await payroll(client, "141121")
    assert await paid_cases(client, county["payroll_id"]) == [first.case_id]
    p = await payroll(client, "141122")
    assert await paid_cases(client, p["payroll_id"]) == [other.case_id]
    assert p["skipped"] == [
        {
            "case_id": second.case_id,
            "reason": "beneficiary_already_paid",
            "payroll_id": county["payroll_id"],
            "paid_case_id": first.case_id,
        }
    ]
    # The city payroll covers both counties: everything is already paid, nothing is paid twice.
    r = await client.post("/v1/payrolls", json={"region_code": "141100", "month": "2027-01"})
    assert r.status_code == 422 and r.json()["code"] == "nothing_to_pay"


async def test_the_same_person_in_other_programmes_or_months_is_paid_in_each(client, kit):
    shared = [person("wang")]
    dibao = await kit.approve(region="141121", beneficiaries=shared)
    tekun = await kit.approve(region="141121", beneficiaries=shared, programme="tekun")
    later = await kit.approve(region="141122", beneficiaries=shared, start="2027-02")
    jan = await payroll(client, "141121")
    jan_tekun = await payroll(client, "141121", programme="tekun")
    feb = await payroll(client, "141122", month="2027-02")
    assert await paid_cases(client, jan["payroll_id"]) == [dibao.case_id]
    assert await paid_cases(client, jan_tekun["payroll_id"]) == [tekun.case_id]
    assert await paid_cases(client, feb["payroll_id"]) == [later.case_id]
    assert jan["skipped"] == jan_tekun["skipped"] == feb["skipped"] == []


async def test_events_without_beneficiaries_keep_case_level_uniqueness_only(client, kit):
    """Older case.approved events name nobody: such cases are paid as before."""
    a = await kit.approve()
    b = await kit.approve()
    c = await kit.approve(beneficiaries=[person("wang")])
    p = await payroll(client, "141102")
    assert p["control_count"] == 3 and p["skipped"] == []
    assert sorted(await paid_cases(client, p["payroll_id"])) == sorted(
        [a.case_id, b.case_id, c.case_id]
    )
    assert await kit.scalar("SELECT count(*) FROM payment_person") == 1


async def test_a_later_approval_replaces_the_beneficiaries(client, kit):
    first = await kit.approve(beneficiaries=[person("wang")])
    again = kit.approval(case_id=first.case_id, beneficiaries=[person("li")])
    assert await kit.deliver(again, sequence=2) == "applied"
    second = await kit.approve(beneficiaries=[person("wang")])
    p = await payroll(client, "141102")
    assert p["control_count"] == 2 and p["skipped"] == []
    assert sorted(await paid_cases(client, p["payroll_id"])) == sorted(
        [first.case_id, second.case_id]
    )


async def test_the_database_refuses_a_second_payment_of_a_person_in_a_month(client, kit, db):
    await kit.approve(region="141121", beneficiaries=[person("wang")])
    await kit.approve(region="141122")  # an older event: no people recorded
    county = await payroll(client, "141121")
    other = await payroll(client, "141122")
    [ins] = (await client.get(f"/v1/payrolls/{other['payroll_id']}/payments")).json()
    with pytest.raises(IntegrityError) as err:
        async with db.uow() as uow:
            await uow.session.execute(
                payment_person.insert().values(
                    payment_id=uuid.UUID(ins["payment_id"]),
                    person_hash=person("wang"),
                    programme="dibao",
                    month="2027-01",
                )
            )
    assert UQ in str(err.value)
    assert county["control_count"] == 1
    assert await kit.scalar("SELECT count(*) FROM payment_person") == 1


async def test_concurrent_payrolls_paying_one_person_pay_them_once(kit, db):
    """Two payrolls built at once both see the person unpaid; the unique key decides: the
    second waits for the first, is refused, and lists its case as skipped."""
    first = await kit.approve(region="141121", beneficiaries=[person("wang")])
    second = await kit.approve(region="141122", beneficiaries=[person("wang")])
    other = await kit.approve(region="141122", beneficiaries=[person("sun")])
    async with db.uow() as one:
        a = await create_payroll(one, data=PayrollCreate(region_code="141121", month="2027-01"))
        b_task = asyncio.create_task(_create_and_commit(db, "141122"))

        async def waiting() -> bool:
            n = await kit.scalar(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            return bool(n)

        await eventually(waiting, timeout=10)
        await one.commit()
    b = await asyncio.wait_for(b_task, timeout=10)
    assert a.control_count == 1 and a.skipped == []
    assert b.control_count == 1
    assert [s.model_dump() for s in b.skipped] == [
        {
            "case_id": second.case_id,
            "reason": "beneficiary_already_paid",
            "payroll_id": a.payroll_id,
            "paid_case_id": first.case_id,
        }
    ]
    paid = await kit.scalar(
        "SELECT string_agg(case_id, ',') FROM payment_instruction WHERE region_code = '141122'"
    )
    assert paid == other.case_id
    async with db.uow() as uow:
        rows = (
            await uow.session.execute(
                text("SELECT count(*) FROM payment_person WHERE person_hash = :h"),
                {"h": person("wang")},
            )
        ).scalar_one()
    assert rows == 1


async def _create_and_commit(db, region: str):
    async with db.uow() as uow:
        created = await create_payroll(uow, data=PayrollCreate(region_code=region, month="2027-01"))
        await uow.commit()
        return created
