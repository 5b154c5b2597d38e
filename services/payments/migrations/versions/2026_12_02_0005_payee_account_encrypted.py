"""Payee account numbers encrypted at rest.

``entitlement`` and ``payment_instruction`` kept ``payee_account_number`` in clear. They now keep
``payee_account_encrypted`` (``socialaid.core.crypto.FieldCipher`` with the service's
``pii_encryption_key``, read from the same settings the service uses) and
``payee_account_masked`` (the last four digits, for answers); the clear column is dropped.
Existing rows are encrypted in Python in batches; the downgrade decrypts them back.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from socialaid.core.crypto import FieldCipher
from socialaid.core.masking import mask_account_number
from socialaid.payments.config import Settings

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TABLES = ("entitlement", "payment_instruction")
BATCH = 500


def _cipher() -> FieldCipher:
    return FieldCipher(Settings().pii_encryption_key)


def _encrypt_rows(table: str, cipher: FieldCipher) -> None:
    bind = op.get_bind()
    while True:
        rows = bind.execute(
            sa.text(
                f"SELECT id, payee_account_number FROM {table} "
                "WHERE payee_account_encrypted IS NULL ORDER BY id LIMIT :n"
            ),
            {"n": BATCH},
        ).all()
        if not rows:
            return
        bind.execute(
            sa.text(
                f"UPDATE {table} SET payee_account_encrypted = :enc, payee_account_masked = :masked"
                " WHERE id = :id"
            ),
            [
                {
                    "id": r.id,
                    "enc": cipher.encrypt(r.payee_account_number),
                    "masked": mask_account_number(r.payee_account_number),
                }
                for r in rows
            ],
        )


def _decrypt_rows(table: str, cipher: FieldCipher) -> None:
    bind = op.get_bind()
    while True:
        rows = bind.execute(
            sa.text(
                f"SELECT id, payee_account_encrypted FROM {table} "
                "WHERE payee_account_number IS NULL ORDER BY id LIMIT :n"
            ),
            {"n": BATCH},
        ).all()
        if not rows:
            return
        bind.execute(
            sa.text(f"UPDATE {table} SET payee_account_number = :number WHERE id = :id"),
            [{"id": r.id, "number": cipher.decrypt(r.payee_account_encrypted)} for r in rows],
        )


def upgrade() -> None:
    cipher = _cipher()
    for table in TABLES:
        op.add_column(table, sa.Column("payee_account_encrypted", sa.Text(), nullable=True))
        op.add_column(table, sa.Column("payee_account_masked", sa.String(40), nullable=True))
        _encrypt_rows(table, cipher)
        op.alter_column(table, "payee_account_encrypted", nullable=False)
        op.alter_column(table, "payee_account_masked", nullable=False)
        op.drop_column(table, "payee_account_number")


def downgrade() -> None:
    cipher = _cipher()
    for table in TABLES:
        op.add_column(table, sa.Column("payee_account_number", sa.String(40), nullable=True))
        _decrypt_rows(table, cipher)
        op.alter_column(table, "payee_account_number", nullable=False)
        op.drop_column(table, "payee_account_masked")
        op.drop_column(table, "payee_account_encrypted")
