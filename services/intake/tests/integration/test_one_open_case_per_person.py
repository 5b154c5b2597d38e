"""One person, one open case per monthly programme (R-PA-03). Probe: the same household posted
twice without an Idempotency-Key became two dibao cases, both approvable, both paid."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import asyncpg
import httpx
import pytest

from socialaid.core.ids import gb11643_check_char
from socialaid.intake.config import Settings

# Consent is valid for a year (ConsentDate): sign it shortly before the test runs.
SIGNED_ON = dt.date.today() - dt.timedelta(days=12)

pytestmark = pytest.mark.integration


def idn(first17: str) -> str:
    return first17 + gb11643_check_char(first17)


APPLICANT = idn("14110219800101001")
SPOUSE = idn("14110219820202002")


def household(*programmes: str, members: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "region_code": "141102",
        "programmes": list(programmes),
        "members": members
        or [
            {
                "name": "张三",
                "id_number": APPLICANT,
                "relationship": "applicant",
                "birth_date": "1980-01-01",
            },
            {
                "name": "李四",
                "id_number": SPOUSE,
                "relationship": "spouse",
                "birth_date": "1982-02-02",
            },
        ],
        "consent": {"signed": True, "signed_on": SIGNED_ON.isoformat()},
    }


async def stored(settings: Settings) -> tuple[int, int, int]:
    conn = await asyncpg.connect(settings.database_url.replace("+asyncpg", ""))
    try:
        return (
            await conn.fetchval("select count(*) from application"),
            await conn.fetchval('select count(*) from "case"'),
            await conn.fetchval("select count(*) from outbox"),
        )
    finally:
        await conn.close()


async def test_r_pa_03_the_same_household_twice_is_refused_naming_the_open_case(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    first = await client.post("/v1/applications", json=household("dibao"))
    assert first.status_code == 201, first.text
    dibao_case = first.json()["cases"][0]["case_id"]
    before = await stored(settings)
    again = await client.post("/v1/applications", json=household("dibao"))
    assert again.status_code == 409, again.text
    problem = again.json()
    assert again.headers["content-type"].startswith("application/problem+json")
    assert problem["code"] == "open_case_exists"
    assert problem["existing_case_id"] == dibao_case and problem["programme"] == "dibao"
    assert await stored(settings) == before  # nothing of the refused application is kept


async def test_r_pa_03_one_member_already_held_is_enough(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    assert (await client.post("/v1/applications", json=household("tekun"))).status_code == 201
    spouse_alone = household(
        "tekun",
        members=[
            {
                "name": "李四",
                "id_number": SPOUSE,
                "relationship": "applicant",
                "birth_date": "1982-02-02",
            }
        ],
    )
    r = await client.post("/v1/applications", json=spouse_alone)
    assert r.status_code == 409 and r.json()["code"] == "open_case_exists"


async def test_r_pa_03_other_programmes_and_one_off_grants_are_not_held(
    client: httpx.AsyncClient,
) -> None:
    assert (await client.post("/v1/applications", json=household("dibao"))).status_code == 201
    # tekun is another monthly programme; medical and temporary aid are not monthly.
    for programme in ("tekun", "medical", "temporary"):
        r = await client.post("/v1/applications", json=household(programme))
        assert r.status_code == 201, (programme, r.text)
    r = await client.post("/v1/applications", json=household("medical"))
    assert r.status_code == 201  # a second medical case: one-off aid is keyed by its event


async def test_r_pa_03_a_rejected_case_lets_its_people_apply_again(
    client: httpx.AsyncClient,
) -> None:
    first = await client.post("/v1/applications", json=household("dibao"))
    case_id = first.json()["cases"][0]["case_id"]
    r = await client.post(
        f"/v1/cases/{case_id}/reject",
        json={"actor": "乡镇经办人", "reasons": ["家庭人均收入高于低保标准"]},
    )
    assert r.status_code == 200, r.text
    again = await client.post("/v1/applications", json=household("dibao"))
    assert again.status_code == 201, again.text


async def test_r_pa_03_two_submissions_at_once_make_one_case(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    answers = await asyncio.gather(
        *(client.post("/v1/applications", json=household("dibao")) for _ in range(4))
    )
    assert sorted(a.status_code for a in answers) == [201, 409, 409, 409]
    assert (await stored(settings))[1] == 1


async def test_r_in_04_the_same_id_number_twice_in_one_roster_is_refused(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    twice = household(
        "dibao",
        members=[
            {
                "name": "张三",
                "id_number": APPLICANT,
                "relationship": "applicant",
                "birth_date": "1980-01-01",
            },
            {
                "name": "张三",
                "id_number": APPLICANT,
                "relationship": "spouse",
                "birth_date": "1980-01-01",
            },
        ],
    )
    r = await client.post("/v1/applications", json=twice)
    assert r.status_code == 422, r.text
    assert "appears twice" in r.json()["errors"][0]["message"]
    assert await stored(settings) == (0, 0, 0)
