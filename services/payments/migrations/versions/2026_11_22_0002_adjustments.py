"""Recalculated entitlements: arrears and recoveries for months already paid (R-CA-01, R-PA-03).

``entitlement.changed`` from benefits changes an entitlement's monthly amount from a month on;
the months already paid at the old amount become an ``adjustment`` (arrears owed to the household
or an overpayment to recover). ``entitlement_change.change_id`` makes applying one change twice
impossible even if it arrives under another event id.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("entitlement_change", sa.Column("change_id", sa.String(64), nullable=True))
    op.add_column("entitlement_change", sa.Column("effective_month", sa.String(7), nullable=True))
    op.create_unique_constraint(
        "uq_entitlement_change_change_id", "entitlement_change", ["change_id"]
    )
    op.create_table(
        "adjustment",
        sa.Column("id", sa.BigInteger, sa.Identity(always=False), primary_key=True),
        sa.Column("entitlement_id", sa.UUID(), sa.ForeignKey("entitlement.id"), nullable=False),
        sa.Column("case_id", sa.String(64), nullable=False),
        sa.Column("programme", sa.String(30), nullable=False),
        sa.Column("region_code", sa.String(12), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("amount", sa.Numeric(14, 2), nullable=False),
        sa.Column("months", ARRAY(sa.String(7)), nullable=False),
        sa.Column("effective_month", sa.String(7), nullable=False),
        sa.Column("previous_amount", sa.Numeric(14, 2), nullable=False),
        sa.Column("new_amount", sa.Numeric(14, 2), nullable=False),
        sa.Column("change_id", sa.String(64), nullable=False),
        sa.Column("recalculation_id", sa.String(64)),
        sa.Column("cause", sa.Text, nullable=False),
        sa.Column("status", sa.String(20), nullable=False, server_default="open"),
        sa.Column("source_event_id", sa.String(200)),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.UniqueConstraint("change_id", "kind", name="uq_adjustment_change_id_kind"),
        sa.CheckConstraint("kind IN ('arrears', 'recovery')", name="ck_adjustment_kind"),
        sa.CheckConstraint("amount > 0", name="ck_adjustment_amount_positive"),
        sa.CheckConstraint("status IN ('open', 'paid', 'recovered')", name="ck_adjustment_status"),
    )
    op.create_index("ix_adjustment_case_id", "adjustment", ["case_id"])


def downgrade() -> None:
    op.drop_table("adjustment")
    op.drop_constraint("uq_entitlement_change_change_id", "entitlement_change", type_="unique")
    op.drop_column("entitlement_change", "effective_month")
    op.drop_column("entitlement_change", "change_id")
