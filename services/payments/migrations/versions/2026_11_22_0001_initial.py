"""Initial payments schema: platform tables, entitlements, payrolls, instructions, fund ledger.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

from socialaid.db.migrations import create_platform_tables, drop_platform_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_platform_tables(op)
    op.create_table(
        "entitlement",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("programme", sa.String(length=30), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("monthly_amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("start_month", sa.String(length=7), nullable=False),
        sa.Column("end_month", sa.String(length=7), nullable=True),
        sa.Column("payee_account_name", sa.String(length=100), nullable=False),
        sa.Column("payee_account_number", sa.String(length=40), nullable=False),
        sa.Column("payee_bank_code", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("source_event_id", sa.String(length=200), nullable=True),
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
            "end_month IS NULL OR (end_month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$' AND end_month >= start_month)",
            name=op.f("ck_entitlement_end_month_format"),
        ),
        sa.CheckConstraint(
            "start_month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'",
            name=op.f("ck_entitlement_start_month_format"),
        ),
        sa.CheckConstraint("status IN ('active', 'stopped')", name=op.f("ck_entitlement_status")),
        sa.CheckConstraint("monthly_amount >= 0", name=op.f("ck_entitlement_amount_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entitlement")),
        sa.UniqueConstraint("case_id", "programme", name=op.f("uq_entitlement_case_id_programme")),
    )
    op.create_index(
        "ix_entitlement_region_programme",
        "entitlement",
        ["region_code", "programme", "status"],
        unique=False,
    )
    op.create_table(
        "payroll",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("programme", sa.String(length=30), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("control_count", sa.Integer(), nullable=False),
        sa.Column("control_total", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("skipped_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("settled_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column(
            "settled_total",
            sa.Numeric(precision=14, scale=2),
            server_default=sa.text("0"),
            nullable=False,
        ),
        sa.Column("failed_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column(
            "failed_total",
            sa.Numeric(precision=14, scale=2),
            server_default=sa.text("0"),
            nullable=False,
        ),
        sa.Column("send_attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("locked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'", name=op.f("ck_payroll_month_format")
        ),
        sa.CheckConstraint(
            "status IN ('locked', 'submitted', 'completed')", name=op.f("ck_payroll_status")
        ),
        sa.CheckConstraint(
            "control_total >= 0 AND control_count >= 0",
            name=op.f("ck_payroll_control_not_negative"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payroll")),
        sa.UniqueConstraint(
            "region_code", "programme", "month", name=op.f("uq_payroll_region_code_programme_month")
        ),
    )
    op.create_index(
        "ix_payroll_open",
        "payroll",
        ["next_attempt_at"],
        unique=False,
        postgresql_where=sa.text("status != 'completed'"),
    )
    op.create_table(
        "entitlement_change",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("entitlement_id", sa.UUID(), nullable=False),
        sa.Column("from_version", sa.Integer(), nullable=False),
        sa.Column("old_amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("new_amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("old_start_month", sa.String(length=7), nullable=False),
        sa.Column("new_start_month", sa.String(length=7), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("source_event_id", sa.String(length=200), nullable=True),
        sa.Column(
            "at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["entitlement_id"],
            ["entitlement.id"],
            name=op.f("fk_entitlement_change_entitlement_id_entitlement"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entitlement_change")),
    )
    op.create_index(
        op.f("ix_entitlement_change_entitlement_id"),
        "entitlement_change",
        ["entitlement_id"],
        unique=False,
    )
    op.create_table(
        "payment_instruction",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("payroll_id", sa.UUID(), nullable=False),
        sa.Column("entitlement_id", sa.UUID(), nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("programme", sa.String(length=30), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("payee_account_name", sa.String(length=100), nullable=False),
        sa.Column("payee_account_number", sa.String(length=40), nullable=False),
        sa.Column("payee_bank_code", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("bank_reference", sa.String(length=64), nullable=True),
        sa.Column("failure_code", sa.String(length=40), nullable=True),
        sa.Column("failure_reason", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status <> 'settled' OR bank_reference IS NOT NULL",
            name=op.f("ck_payment_instruction_settled_has_reference"),
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'settled', 'failed')", name=op.f("ck_payment_instruction_status")
        ),
        sa.CheckConstraint("amount > 0", name=op.f("ck_payment_instruction_amount_positive")),
        sa.ForeignKeyConstraint(
            ["entitlement_id"],
            ["entitlement.id"],
            name=op.f("fk_payment_instruction_entitlement_id_entitlement"),
        ),
        sa.ForeignKeyConstraint(
            ["payroll_id"], ["payroll.id"], name=op.f("fk_payment_instruction_payroll_id_payroll")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_instruction")),
        sa.UniqueConstraint(
            "case_id",
            "programme",
            "month",
            name=op.f("uq_payment_instruction_case_id_programme_month"),
        ),
    )
    op.create_index(
        op.f("ix_payment_instruction_payroll_id"),
        "payment_instruction",
        ["payroll_id"],
        unique=False,
    )
    op.create_index(
        "ix_payment_instruction_pending",
        "payment_instruction",
        ["payroll_id"],
        unique=False,
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_table(
        "ledger_entry",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("payment_id", sa.UUID(), nullable=False),
        sa.Column("programme", sa.String(length=30), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("bank_reference", sa.String(length=64), nullable=False),
        sa.Column(
            "at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.CheckConstraint("kind IN ('disbursement')", name=op.f("ck_ledger_entry_kind")),
        sa.ForeignKeyConstraint(
            ["payment_id"],
            ["payment_instruction.id"],
            name=op.f("fk_ledger_entry_payment_id_payment_instruction"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entry")),
        sa.UniqueConstraint("payment_id", name=op.f("uq_ledger_entry_payment_id")),
    )
    op.create_index(
        "ix_ledger_entry_programme_region",
        "ledger_entry",
        ["programme", "region_code"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_table("ledger_entry")
    op.drop_table("payment_instruction")
    op.drop_table("entitlement_change")
    op.drop_table("payroll")
    op.drop_table("entitlement")
    drop_platform_tables(op)
