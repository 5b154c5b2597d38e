"""Initial benefits schema: platform tables, bitemporal parameter versions, assessments.

Tables are spelled out here (not ``metadata.create_all``) so later changes to ``db.py`` go in
later revisions and this one stays what it was.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

from socialaid.db.migrations import create_platform_tables, drop_platform_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_platform_tables(op)
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    op.create_table(
        "parameter_version",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("region_code", sa.String(6), nullable=False),
        sa.Column("value_numeric", sa.Numeric),
        sa.Column("value_json", JSONB),
        sa.Column("valid_from", sa.Date, nullable=False),
        sa.Column("valid_to", sa.Date),
        sa.Column(
            "recorded_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column("superseded_at", sa.DateTime(timezone=True)),
        sa.Column("supersedes_id", UUID(as_uuid=True), sa.ForeignKey("parameter_version.id")),
        sa.Column("source", sa.Text, nullable=False),
        sa.CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="validity_order"),
        sa.CheckConstraint("(value_numeric IS NULL) <> (value_json IS NULL)", name="one_value"),
        sa.CheckConstraint(
            "superseded_at IS NULL OR superseded_at >= recorded_at", name="knowledge_order"
        ),
    )
    op.execute(
        "ALTER TABLE parameter_version ADD CONSTRAINT ex_parameter_version_no_overlap "
        "EXCLUDE USING gist (key WITH =, region_code WITH =, daterange(valid_from, valid_to, '[]') WITH &&) "
        "WHERE (superseded_at IS NULL)"
    )
    op.create_index(
        "ix_parameter_version_lookup", "parameter_version", ["key", "region_code", "valid_from"]
    )
    op.create_table(
        "assessment",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("case_id", sa.String(64)),
        sa.Column("verification_id", sa.String(64)),
        sa.Column("origin", sa.String(20), nullable=False),
        sa.Column("programme", sa.String(30), nullable=False),
        sa.Column("region_code", sa.String(6), nullable=False),
        sa.Column("benefit_month", sa.String(7), nullable=False),
        sa.Column("input", JSONB, nullable=False),
        sa.Column("input_hash", sa.String(64), nullable=False),
        sa.Column("eligible", sa.Boolean, nullable=False),
        sa.Column("amount", sa.Numeric(14, 2), nullable=False),
        sa.Column("standard", sa.Numeric(14, 2)),
        sa.Column("per_capita_income", sa.Numeric(14, 2)),
        sa.Column("household_size", sa.Integer, nullable=False),
        sa.Column("reason_codes", ARRAY(sa.String(60)), nullable=False),
        sa.Column("rule_set_version", sa.String(40), nullable=False),
        sa.Column("parameters", JSONB, nullable=False),
        sa.Column("trace", JSONB, nullable=False),
        sa.Column("known_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.CheckConstraint("amount >= 0", name="amount_not_negative"),
        sa.CheckConstraint("eligible OR amount = 0", name="ineligible_pays_nothing"),
    )
    op.create_index(
        "uq_assessment_case_month",
        "assessment",
        ["case_id", "benefit_month"],
        unique=True,
        postgresql_where=sa.text("case_id IS NOT NULL"),
    )
    op.create_index("ix_assessment_region_month", "assessment", ["region_code", "benefit_month"])


def downgrade() -> None:
    op.drop_table("assessment")
    op.drop_table("parameter_version")
    drop_platform_tables(op)
