"""Payee account numbers are encrypted at rest (privacy probe: "Bank accounts are stored in
clear"): the tables hold ciphertext and a mask, the bank still gets the right account (R-PA-01),
answers show the last four digits only."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
import pytest
from alembic import command
from alembic.config import Config

from socialaid.core.crypto import FieldCipher
from socialaid.payments.config import Settings

pytestmark = pytest.mark.integration
INI = str(Path(__file__).resolve().parents[2] / "alembic.ini")
NUMBER, OTHER = "6222020200112233999", "6217000011112222333"
MASKED = "*" * 15 + "3999"


async def _dump(url: str, *tables: str) -> str:
    """Every stored row of the tables, as PostgreSQL prints them."""
    conn = await asyncpg.connect(url.replace("+asyncpg", ""))
    try:
        return "\n".join(
            [str(r[0]) for t in tables for r in await conn.fetch(f"SELECT t::text FROM {t} t")]
        )
    finally:
        await conn.close()


async def test_probe_the_account_number_is_stored_encrypted_and_sent_to_the_bank(
    client, kit, bank, settings
):
    event = await kit.approve(region="141102", amount="630.00", account=NUMBER)
    r = await client.post("/v1/payrolls", json={"region_code": "141102", "month": "2027-01"})
    assert r.status_code == 201, r.text
    payroll_id = r.json()["payroll_id"]
    stored = await _dump(settings.database_url, "entitlement", "payment_instruction")
    assert stored.count(MASKED) == 2  # one entitlement, one instruction
    assert NUMBER not in stored and NUMBER[4:] not in stored
    [ent] = (await client.get("/v1/entitlements", params={"case_id": event.case_id})).json()
    [pay] = (await client.get(f"/v1/payrolls/{payroll_id}/payments")).json()
    assert ent["payee"]["account_number"] == pay["payee"]["account_number"] == MASKED

    r = await client.post(f"/v1/payrolls/{payroll_id}/submit")
    assert r.status_code == 200 and r.json()["settled_count"] == 1, r.text
    sent = (await bank.get("/sim/transfers", params={"batch_id": payroll_id})).json()
    assert [t["account_number"] for t in sent] == [NUMBER]  # decrypted for the bank only
    assert NUMBER not in await _dump(settings.database_url, "payment_instruction", "outbox")


async def test_r_pa_03_the_same_approval_again_is_unchanged_despite_a_new_ciphertext(client, kit):
    """Encryption is randomised: a repeated approval must still compare equal to the stored one,
    and a changed account must still be seen as a change."""
    first = kit.approval(account=NUMBER)
    assert await kit.deliver(first, sequence=1) == "applied"
    assert await kit.deliver(first, sequence=2) == "applied"
    [ent] = (await client.get("/v1/entitlements", params={"case_id": first.case_id})).json()
    assert ent["version"] == 1 and ent["changes"] == []
    moved = first.model_copy(
        update={"payee": first.payee.model_copy(update={"account_number": OTHER})}
    )
    assert await kit.deliver(moved, sequence=3) == "applied"
    [ent] = (await client.get("/v1/entitlements", params={"case_id": first.case_id})).json()
    assert ent["version"] == 2 and ent["payee"]["account_number"] == "*" * 15 + OTHER[-4:]


def _migrate(url: str, direction: str, revision: str) -> None:
    cfg = Config(INI)
    cfg.set_main_option("sqlalchemy.url", url)
    getattr(command, direction)(cfg, revision)


async def test_probe_migration_encrypts_existing_accounts_and_downgrade_restores_them(
    fresh_database,
):
    url = await fresh_database("payments_mig")
    await asyncio.to_thread(_migrate, url, "upgrade", "0004")
    conn = await asyncpg.connect(url.replace("+asyncpg", ""))
    try:
        await conn.execute(
            "INSERT INTO entitlement (id, case_id, programme, region_code, monthly_amount,"
            " start_month, payee_account_name, payee_account_number, payee_bank_code, status,"
            " version) VALUES ('00000000-0000-0000-0000-000000000001', 'case-1', 'dibao',"
            " '141102', 630, '2027-01', '张三', $1, 'ICBC', 'active', 1)",
            NUMBER,
        )
        await conn.execute(
            "INSERT INTO payroll (id, region_code, programme, month, status, control_count,"
            " control_total, version, created_by, locked_at) VALUES"
            " ('00000000-0000-0000-0000-000000000002', '141102', 'dibao', '2027-01', 'locked', 1,"
            " 630, 1, 'x', now())"
        )
        await conn.execute(
            "INSERT INTO payment_instruction (id, payroll_id, entitlement_id, case_id, programme,"
            " region_code, month, amount, payee_account_name, payee_account_number,"
            " payee_bank_code, status, version) VALUES ('00000000-0000-0000-0000-000000000003',"
            " '00000000-0000-0000-0000-000000000002', '00000000-0000-0000-0000-000000000001',"
            " 'case-1', 'dibao', '141102', '2027-01', 630, '张三', $1, 'ICBC', 'pending', 1)",
            NUMBER,
        )

        await asyncio.to_thread(_migrate, url, "upgrade", "head")

        cipher = FieldCipher(Settings().pii_encryption_key)
        for table in ("entitlement", "payment_instruction"):
            row = await conn.fetchrow(
                f"SELECT payee_account_encrypted, payee_account_masked FROM {table}"
            )
            assert row is not None and row["payee_account_masked"] == MASKED
            assert cipher.decrypt(row["payee_account_encrypted"]) == NUMBER
        assert NUMBER not in await _dump(url, "entitlement", "payment_instruction")

        await asyncio.to_thread(_migrate, url, "downgrade", "0004")
        for table in ("entitlement", "payment_instruction"):
            assert await conn.fetchval(f"SELECT payee_account_number FROM {table}") == NUMBER
    finally:
        await conn.close()
