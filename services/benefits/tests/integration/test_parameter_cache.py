"""The in-memory parameter copy answers exactly as the bitemporal SQL query does (R-CA-01, R-CA-12).

Assessments look parameters up in a per-process copy of ``parameter_version``, checked against
``parameter_revision`` in the same transaction. These tests hold it to the SQL query over
recorded, closed and superseded versions, and show that no writer can leave it stale.
"""

import datetime as dt
import itertools
import uuid
from pathlib import Path

import pytest

from socialaid.benefits.db import parameter_version
from socialaid.benefits.domain import engine
from socialaid.benefits.repository import parameter_cache
from socialaid.benefits.repository.parameters import ParameterRepository
from socialaid.core.regions import lineage

pytestmark = pytest.mark.integration

ALEMBIC_INI = str(Path(__file__).resolve().parents[2] / "alembic.ini")
REGIONS = ("141102", "141121", "141122", "141100", "140000")


def source():
    return {"basis": "D", "document": "测试用参数通知", "article": "第三条"}


async def sql_answer(db, region, as_of, known_at, keys):
    async with db.uow() as uow:
        rows = await ParameterRepository(uow.session).effective(
            lineage=lineage(region), as_of=as_of, known_at=known_at, keys=keys
        )
    return {r.key: (str(r.id), r.region_code) for r in rows}


async def cached_answer(db, region, as_of, known_at, keys):
    async with db.uow() as uow:
        used = await parameter_cache.lookup(
            uow.session, lineage=lineage(region), as_of=as_of, known_at=known_at, keys=keys
        )
    return {k: (p.parameter_id, p.region_code) for k, p in used.items()}


async def test_r_ca_01_cache_equals_sql_over_law_time_and_knowledge_time(client, db, sql):
    moments = [await sql.fetchval("select now()")]
    # 临县 gets its own standard, which a later version closes (supersede + closed copy).
    for value, valid_from in (("810.00", "2025-03-01"), ("880.00", "2026-10-01")):
        r = await client.post(
            "/v1/parameters",
            json={
                "key": "dibao.standard",
                "region_code": "141124",
                "value": value,
                "valid_from": valid_from,
                "source": source(),
            },
        )
        assert r.status_code == 201, r.text
        moments.append(await sql.fetchval("select now()"))
    moments.append(moments[-1] + dt.timedelta(days=3650))
    keys_sets = [engine.keys_for("dibao"), engine.keys_for("tekun"), None]
    days = [dt.date(2024, 12, 31), dt.date(2025, 3, 1), dt.date(2026, 9, 30), dt.date(2026, 10, 1)]
    compared = 0
    for region, as_of, known_at, keys in itertools.product(
        (*REGIONS, "141124"), days, moments, keys_sets
    ):
        expected = await sql_answer(db, region, as_of, known_at, keys)
        assert await cached_answer(db, region, as_of, known_at, keys) == expected, (
            region,
            as_of,
            known_at,
        )
        compared += bool(expected)
    assert compared > 100  # the matrix is not empty answers compared with empty answers


async def test_r_ca_01_a_version_written_by_plain_sql_is_seen_at_once(db, sql):
    as_of, key = dt.date(2026, 8, 1), "dibao.standard"
    now = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
    before = await cached_answer(db, "141125", as_of, now, [key])
    new_id = await sql.fetchval(
        "insert into parameter_version (id, key, region_code, value_numeric, valid_from, source) "
        "values (gen_random_uuid(), $1, '141125', 990.00, '2026-08-01', '[D] 测试') returning id",
        key,
    )
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
    after = await cached_answer(db, "141125", as_of, later, [key])
    assert before[key][0] != str(new_id)
    assert after[key] == (str(new_id), "141125")
    assert after == await sql_answer(db, "141125", as_of, later, [key])


async def test_r_ca_01_uncommitted_versions_are_never_shared(db):
    """A transaction sees its own new version; after its rollback no one else does."""
    as_of, key = dt.date(2026, 8, 1), "dibao.standard"
    async with db.uow() as uow:
        await uow.session.execute(
            parameter_version.insert().values(
                id=uuid.uuid4(),
                key=key,
                region_code="141181",
                value_numeric=999,
                valid_from=dt.date(2026, 8, 1),
                source="[D] 回滚测试",
            )
        )
        inside = await parameter_cache.lookup(
            uow.session,
            lineage=lineage("141181"),
            as_of=as_of,
            known_at=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1),
            keys=[key],
        )
        assert inside[key].region_code == "141181"
        await uow.rollback()
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
    outside = await cached_answer(db, "141181", as_of, later, [key])
    assert outside[key][1] != "141181"
    assert outside == await sql_answer(db, "141181", as_of, later, [key])


async def test_r_ca_01_every_write_moves_the_revision(sql):
    async def revision():
        return await sql.fetchval("select revision from parameter_revision")

    start = await revision()
    await sql.execute("update parameter_version set source = source where false")
    assert await revision() == start + 1  # statement-level: even a write of no rows
    await sql.execute("delete from parameter_version where key = 'no.such.key'")
    assert await revision() == start + 2


async def test_r_ca_01_databases_cloned_from_one_template_never_share_a_copy(isolated_database):
    """Two databases cloned from one migrated template inherit the same epoch; one write each
    brings both to the same revision. Each must still answer from its own rows."""
    from socialaid.benefits.schemas.parameters import ParameterCreate
    from socialaid.benefits.use_cases.parameters import publish_parameter
    from socialaid.db import Database

    as_of, keys = dt.date(2031, 1, 1), ["dibao.standard"]
    answers = []
    for value in ("901.00", "902.00"):
        db = Database(await isolated_database("benefits", ALEMBIC_INI), pool_size=1)
        try:
            async with db.uow() as uow:
                await publish_parameter(
                    uow,
                    data=ParameterCreate(
                        key="dibao.standard",
                        region_code="141102",
                        value=value,
                        valid_from=dt.date(2031, 1, 1),
                        source=source(),
                    ),
                )
                await uow.commit()
            async with db.uow() as uow:
                used = await parameter_cache.lookup(
                    uow.session,
                    lineage=lineage("141102"),
                    as_of=as_of,
                    known_at=dt.datetime.now(dt.UTC),
                    keys=keys,
                )
            answers.append(str(used["dibao.standard"].value))
        finally:
            await db.dispose()
    assert answers == ["901.00", "902.00"]
