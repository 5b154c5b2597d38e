"""Payee account numbers are encrypted at rest in intake (privacy probe: "Bank accounts are
stored in clear"): the application keeps ciphertext and a mask, answers never show the number,
and only ``case.approved`` carries it (payments pays to it, R-IN-08)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
import pytest_asyncio
from alembic import command
from alembic.config import Config

from services.intake.tests.integration.test_case_lifecycle import (
    BODY,
    assessment,
    deliver,
    new_case,
)
from socialaid.contracts.events import CaseApproved
from socialaid.core.crypto import FieldCipher
from socialaid.db import Database
from socialaid.events.envelope import Envelope
from socialaid.intake.config import Settings

pytestmark = pytest.mark.integration
INI = str(Path(__file__).resolve().parents[2] / "alembic.ini")
NUMBER = "6222020200112233999"
MASKED = "*" * 15 + "3999"


@pytest_asyncio.fixture
async def db(settings: Settings) -> AsyncIterator[Database]:
    database = Database(settings.database_url, pool_size=2)
    yield database
    await database.dispose()


async def _rows(url: str, sql: str) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(url.replace("+asyncpg", ""))
    try:
        return list(await conn.fetch(sql))
    finally:
        await conn.close()


async def test_probe_the_account_number_is_stored_encrypted_and_only_case_approved_carries_it(
    client, settings, db
):
    assert BODY["payee"]["account_number"] == NUMBER  # type: ignore[index]  # BODY is a plain dict
    case_id = await new_case(client)
    assert (await client.post(f"/v1/cases/{case_id}/accept", json={})).status_code == 200
    assert await deliver(db, assessment(case_id), "/socialaid/benefits") == "applied"
    r = await client.post(
        f"/v1/cases/{case_id}/approve", json={"monthly_amount": "512.00", "start_month": "2027-01"}
    )
    assert r.status_code == 200, r.text

    [app] = await _rows(settings.database_url, "SELECT id, payee::text AS payee FROM application")
    payee = json.loads(app["payee"])
    assert set(payee) == {
        "account_name",
        "account_number_encrypted",
        "account_number_masked",
        "bank_code",
    }
    assert payee["account_number_masked"] == MASKED
    assert FieldCipher(settings.pii_encryption_key).decrypt(payee["account_number_encrypted"]) == (
        NUMBER
    )
    tables = ["application", "household_member", '"case"', "case_status_history"]
    for t in tables:
        stored = [
            str(r[0]) for r in await _rows(settings.database_url, f"SELECT t::text FROM {t} t")
        ]
        assert not any(NUMBER in s for s in stored), t
    answers = [
        (await client.get(f"/v1/cases/{case_id}")).text,
        (await client.get(f"/v1/applications/{app['id']}")).text,
        r.text,
    ]
    assert not any(NUMBER in a for a in answers)

    events = [
        Envelope.from_headers(json.loads(o["headers"]), o["payload"])
        for o in await _rows(settings.database_url, "SELECT headers, payload FROM outbox")
    ]
    carrying = [e.type for e in events if NUMBER in json.dumps(e.data)]
    assert carrying == [CaseApproved.TYPE]  # the platform's internal topic; referral minimises
    assert len(events) > 1  # submitted, accepted, … never carry it


def _migrate(url: str, direction: str, revision: str) -> None:
    cfg = Config(INI)
    cfg.set_main_option("sqlalchemy.url", url)
    getattr(command, direction)(cfg, revision)


async def test_probe_migration_encrypts_existing_payees_and_downgrade_restores_them(
    fresh_database,
):
    url = await fresh_database("intake_mig_payee")
    await asyncio.to_thread(_migrate, url, "upgrade", "0005")
    clear = {"account_name": "赵六", "account_number": NUMBER, "bank_code": "ICBC"}
    conn = await asyncpg.connect(url.replace("+asyncpg", ""))
    try:
        for app_id, payee in (
            ("00000000-0000-0000-0000-000000000001", json.dumps(clear, ensure_ascii=False)),
            ("00000000-0000-0000-0000-000000000002", None),
        ):
            await conn.execute(
                "INSERT INTO application (id, region_code, channel, received_by, consent_signed,"
                " consent_scope, declared_assets, payee) VALUES ($1, '141102', 'window', 'x',"
                " true, '{}', '{}', $2::jsonb)",
                app_id,
                payee,
            )

        await asyncio.to_thread(_migrate, url, "upgrade", "head")

        stored = await conn.fetchval("SELECT payee::text FROM application WHERE payee IS NOT NULL")
        assert NUMBER not in stored
        doc = json.loads(stored)
        assert doc["account_number_masked"] == MASKED and doc["account_name"] == "赵六"
        assert (
            FieldCipher(Settings().pii_encryption_key).decrypt(doc["account_number_encrypted"])
            == NUMBER
        )
        assert await conn.fetchval("SELECT count(*) FROM application WHERE payee IS NULL") == 1

        await asyncio.to_thread(_migrate, url, "downgrade", "0005")
        back = await conn.fetchval("SELECT payee::text FROM application WHERE payee IS NOT NULL")
        assert json.loads(back) == clear
    finally:
        await conn.close()
