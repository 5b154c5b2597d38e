"""Initial intake schema: platform tables, applications, members, cases, history.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy import String, Text
from sqlalchemy.dialects import postgresql

from socialaid.db.migrations import create_platform_tables, drop_platform_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_platform_tables(op)
    op.create_table(
        "application",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("channel", sa.String(length=30), nullable=False),
        sa.Column("received_by", sa.String(length=100), nullable=False),
        sa.Column("consent_signed", sa.Boolean(), nullable=False),
        sa.Column("consent_signed_on", sa.Date(), nullable=True),
        sa.Column("consent_scope", postgresql.ARRAY(String(length=40)), nullable=False),
        sa.Column("declared_assets", postgresql.JSONB(astext_type=Text()), nullable=False),
        sa.Column("payee", postgresql.JSONB(astext_type=Text()), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application")),
    )
    op.create_table(
        "case",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("application_id", sa.UUID(), nullable=False),
        sa.Column("programme", sa.String(length=30), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("benefit_month", sa.String(length=7), nullable=True),
        sa.Column("assessment_id", sa.String(length=64), nullable=True),
        sa.Column("proposal", postgresql.JSONB(astext_type=Text()), nullable=True),
        sa.Column("verification", postgresql.JSONB(astext_type=Text()), nullable=True),
        sa.Column("monthly_amount", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("start_month", sa.String(length=7), nullable=True),
        sa.Column("decision_reasons", postgresql.ARRAY(Text()), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "monthly_amount IS NULL OR monthly_amount >= 0",
            name=op.f("ck_case_amount_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["application_id"], ["application.id"], name=op.f("fk_case_application_id_application")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case")),
    )
    op.create_index(op.f("ix_case_application_id"), "case", ["application_id"], unique=False)
    op.create_index(op.f("ix_case_region_code"), "case", ["region_code"], unique=False)
    op.create_index(op.f("ix_case_status"), "case", ["status"], unique=False)
    op.create_table(
        "household_member",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("application_id", sa.UUID(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("id_number_hash", sa.String(length=64), nullable=False),
        sa.Column("id_number_encrypted", sa.Text(), nullable=False),
        sa.Column("id_number_masked", sa.String(length=18), nullable=False),
        sa.Column("relationship", sa.String(length=30), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("disability_grade", sa.Integer(), nullable=True),
        sa.Column("serious_illness", sa.Boolean(), nullable=False),
        sa.Column("labour_capacity", sa.String(length=20), nullable=False),
        sa.Column("declared_monthly_income", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_household_member_application_id_application"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household_member")),
    )
    op.create_index(
        op.f("ix_household_member_application_id"),
        "household_member",
        ["application_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_household_member_id_number_hash"),
        "household_member",
        ["id_number_hash"],
        unique=False,
    )
    op.create_table(
        "case_status_history",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.UUID(), nullable=False),
        sa.Column("from_status", sa.String(length=30), nullable=True),
        sa.Column("to_status", sa.String(length=30), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column(
            "at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name=op.f("fk_case_status_history_case_id_case")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_status_history")),
    )
    op.create_index(
        op.f("ix_case_status_history_case_id"), "case_status_history", ["case_id"], unique=False
    )


def downgrade() -> None:
    op.drop_table("case_status_history")
    op.drop_table("case")
    op.drop_table("household_member")
    op.drop_table("application")
    drop_platform_tables(op)
