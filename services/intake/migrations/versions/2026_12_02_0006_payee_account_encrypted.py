"""Payee account numbers encrypted at rest.

``application.payee`` (JSONB) kept ``account_number`` in clear. The document now keeps
``account_number_encrypted`` (``socialaid.core.crypto.FieldCipher`` with the service's
``pii_encryption_key``, read from the same settings the service uses) and
``account_number_masked`` (the last four digits), never the clear number. Existing rows are
rewritten in Python in batches; the downgrade decrypts them back.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

import json
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from alembic import op

from socialaid.core.crypto import FieldCipher
from socialaid.core.masking import mask_account_number
from socialaid.intake.config import Settings

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

BATCH = 500
Document = dict[str, Any]


def _rewrite(key: str, change: Callable[[Document], Document]) -> None:
    """Rewrite, batch by batch, every payee document that still holds ``key``."""
    bind = op.get_bind()
    while True:
        rows = bind.execute(
            sa.text("SELECT id, payee FROM application WHERE payee ? :key ORDER BY id LIMIT :n"),
            {"key": key, "n": BATCH},
        ).all()
        if not rows:
            return
        bind.execute(
            sa.text("UPDATE application SET payee = CAST(:doc AS jsonb) WHERE id = :id"),
            [{"id": r.id, "doc": json.dumps(change(r.payee), ensure_ascii=False)} for r in rows],
        )


def upgrade() -> None:
    cipher = FieldCipher(Settings().pii_encryption_key)

    def encrypt(doc: Document) -> Document:
        number = str(doc.pop("account_number"))
        return doc | {
            "account_number_encrypted": cipher.encrypt(number),
            "account_number_masked": mask_account_number(number),
        }

    _rewrite("account_number", encrypt)


def downgrade() -> None:
    cipher = FieldCipher(Settings().pii_encryption_key)

    def decrypt(doc: Document) -> Document:
        token = str(doc.pop("account_number_encrypted"))
        doc.pop("account_number_masked", None)
        return doc | {"account_number": cipher.decrypt(token)}

    _rewrite("account_number_encrypted", decrypt)
