"""Initial verification schema: platform tables, requests, department queries, evidence, discrepancies.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

from socialaid.db.migrations import create_platform_tables, drop_platform_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_platform_tables(op)
    op.create_table(
        "verification_request",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("programme", sa.String(length=30), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("benefit_month", sa.String(length=7), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reasons", postgresql.ARRAY(Text()), nullable=False),
        sa.Column("household_size", sa.Integer(), nullable=True),
        sa.Column("verified_monthly_income", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("financial_assets", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("vehicles", sa.Integer(), nullable=True),
        sa.Column("properties", sa.Integer(), nullable=True),
        sa.Column("deceased_members", sa.Integer(), nullable=True),
        sa.Column("figures", postgresql.JSONB(astext_type=Text()), nullable=False),
        sa.Column("source_event_id", sa.String(length=200), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('completed', 'failed')", name=op.f("ck_verification_request_status_known")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verification_request")),
        sa.UniqueConstraint(
            "programme", "case_id", name=op.f("uq_verification_request_programme_case_id")
        ),
    )
    op.create_index(
        op.f("ix_verification_request_region_code"),
        "verification_request",
        ["region_code"],
        unique=False,
    )
    op.create_table(
        "department_query",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("verification_id", sa.UUID(), nullable=False),
        sa.Column("department", sa.String(length=40), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("queried_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["verification_id"],
            ["verification_request.id"],
            name=op.f("fk_department_query_verification_id_verification_request"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_department_query")),
    )
    op.create_index(
        op.f("ix_department_query_verification_id"),
        "department_query",
        ["verification_id"],
        unique=False,
    )
    op.create_table(
        "discrepancy",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("verification_id", sa.UUID(), nullable=False),
        sa.Column("item", sa.String(length=80), nullable=False),
        sa.Column("member_id", sa.String(length=64), nullable=True),
        sa.Column("declared", sa.Text(), nullable=False),
        sa.Column("verified", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["verification_id"],
            ["verification_request.id"],
            name=op.f("fk_discrepancy_verification_id_verification_request"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discrepancy")),
    )
    op.create_index(
        op.f("ix_discrepancy_verification_id"), "discrepancy", ["verification_id"], unique=False
    )
    op.create_table(
        "evidence",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("verification_id", sa.UUID(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", postgresql.JSONB(astext_type=Text()), nullable=False),
        sa.Column("payload_hash", sa.String(length=64), nullable=False),
        sa.Column("response_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["verification_id"],
            ["verification_request.id"],
            name=op.f("fk_evidence_verification_id_verification_request"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence")),
    )
    op.create_index(
        op.f("ix_evidence_verification_id"), "evidence", ["verification_id"], unique=False
    )


def downgrade() -> None:
    op.drop_table("evidence")
    op.drop_table("discrepancy")
    op.drop_table("department_query")
    op.drop_table("verification_request")
    drop_platform_tables(op)
