"""One person, one payment per programme and month.

``entitlement_beneficiary`` keeps the people each entitlement pays for (``case.approved``
``beneficiaries``: intake's keyed ID hashes, stored as sent; payments never hashes).
``payment_person`` is written with each instruction in the same transaction: its unique key on
(person_hash, programme, month) refuses a second instruction paying the same person in a month,
whichever case or payroll it comes from. Existing entitlements and instructions have no rows:
they keep the case-level key only. No data moves.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "entitlement_beneficiary",
        sa.Column(
            "entitlement_id",
            sa.UUID(),
            sa.ForeignKey(
                "entitlement.id", name="fk_entitlement_beneficiary_entitlement_id_entitlement"
            ),
            nullable=False,
        ),
        sa.Column("person_hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("entitlement_id", "person_hash", name="pk_entitlement_beneficiary"),
    )
    op.create_table(
        "payment_person",
        sa.Column(
            "payment_id",
            sa.UUID(),
            sa.ForeignKey(
                "payment_instruction.id", name="fk_payment_person_payment_id_payment_instruction"
            ),
            nullable=False,
        ),
        sa.Column("person_hash", sa.String(64), nullable=False),
        sa.Column("programme", sa.String(30), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.PrimaryKeyConstraint("payment_id", "person_hash", name="pk_payment_person"),
        sa.UniqueConstraint(
            "person_hash",
            "programme",
            "month",
            name="uq_payment_person_person_hash_programme_month",
        ),
    )


def downgrade() -> None:
    op.drop_table("payment_person")
    op.drop_table("entitlement_beneficiary")
