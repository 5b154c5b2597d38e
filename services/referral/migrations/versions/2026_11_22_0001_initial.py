"""Initial referral schema: platform tables, departments, subscriptions, deliveries, referrals, holidays.

Seeds the working-day calendar: the State Council's 2026 holiday arrangement
(国办发明电〔2025〕7号: holidays and make-up working days) and the 2027
statutory holidays (全国年节及纪念日放假办法), provisional until the 2027
arrangement is published — add its make-up days then (PUT /v1/holidays/{day}).

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

import datetime as dt
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy import String, Text
from sqlalchemy.dialects import postgresql

from socialaid.db.migrations import create_platform_tables, drop_platform_tables
from socialaid.referral.db import holiday

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SOURCE_2026 = "国办发明电〔2025〕7号 (2026 holiday arrangement)"
SOURCE_2027 = "statutory days only, provisional until the 2027 arrangement"


def _days(first: str, last: str) -> list[dt.date]:
    start, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def _seed() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []

    def hol(first: str, last: str, name: str, source: str) -> None:
        rows.extend(
            {"day": d, "kind": "holiday", "name": name, "source": source}
            for d in _days(first, last)
        )

    def work(day: str, name: str) -> None:
        rows.append(
            {
                "day": dt.date.fromisoformat(day),
                "kind": "workday",
                "name": name,
                "source": SOURCE_2026,
            }
        )

    hol("2026-01-01", "2026-01-03", "元旦", SOURCE_2026)
    work("2026-01-04", "元旦调休上班")
    hol("2026-02-15", "2026-02-23", "春节", SOURCE_2026)
    work("2026-02-14", "春节调休上班")
    work("2026-02-28", "春节调休上班")
    hol("2026-04-04", "2026-04-06", "清明节", SOURCE_2026)
    hol("2026-05-01", "2026-05-05", "劳动节", SOURCE_2026)
    work("2026-05-09", "劳动节调休上班")
    hol("2026-06-19", "2026-06-21", "端午节", SOURCE_2026)
    hol("2026-09-25", "2026-09-27", "中秋节", SOURCE_2026)
    hol("2026-10-01", "2026-10-07", "国庆节", SOURCE_2026)
    work("2026-09-20", "国庆节调休上班")
    work("2026-10-10", "国庆节调休上班")

    hol("2027-01-01", "2027-01-01", "元旦", SOURCE_2027)
    hol("2027-02-05", "2027-02-08", "春节", SOURCE_2027)
    hol("2027-04-05", "2027-04-05", "清明节", SOURCE_2027)
    hol("2027-05-01", "2027-05-02", "劳动节", SOURCE_2027)
    hol("2027-06-09", "2027-06-09", "端午节", SOURCE_2027)
    hol("2027-09-15", "2027-09-15", "中秋节", SOURCE_2027)
    hol("2027-10-01", "2027-10-03", "国庆节", SOURCE_2027)
    return rows


def upgrade() -> None:
    create_platform_tables(op)
    op.create_table(
        "case_ref",
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("programme", sa.String(length=30), nullable=False),
        sa.Column("last_event_type", sa.String(length=200), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_case_ref")),
    )
    op.create_table(
        "department",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("webhook_url", sa.Text(), nullable=True),
        sa.Column("webhook_secret_encrypted", sa.Text(), nullable=False),
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
        sa.PrimaryKeyConstraint("code", name=op.f("pk_department")),
    )
    op.create_table(
        "holiday",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.CheckConstraint("kind IN ('holiday', 'workday')", name=op.f("ck_holiday_kind_valid")),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_holiday")),
    )
    op.create_table(
        "delivery",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("department_code", sa.String(length=40), nullable=False),
        sa.Column("event_id", sa.String(length=200), nullable=False),
        sa.Column("event_type", sa.String(length=200), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=True),
        sa.Column("payload", postgresql.JSONB(astext_type=Text()), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column(
            "next_attempt_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("last_status_code", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'delivered', 'acknowledged', 'failed')",
            name=op.f("ck_delivery_status_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["department_code"],
            ["department.code"],
            name=op.f("fk_delivery_department_code_department"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery")),
        sa.UniqueConstraint(
            "department_code", "event_id", name=op.f("uq_delivery_department_code_event_id")
        ),
    )
    op.create_index(
        "ix_delivery_department_status",
        "delivery",
        ["department_code", "status", "created_at"],
        unique=False,
    )
    op.create_index(
        "ix_delivery_due",
        "delivery",
        ["next_attempt_at"],
        unique=False,
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_table(
        "referral",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("department_code", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("due_in_working_days", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=40), nullable=True),
        sa.Column("assistance_given", sa.Text(), nullable=True),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("reported_by", sa.String(length=100), nullable=True),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "status IN ('open', 'overdue', 'completed')", name=op.f("ck_referral_status_valid")
        ),
        sa.CheckConstraint(
            "amount IS NULL OR amount >= 0", name=op.f("ck_referral_amount_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["department_code"],
            ["department.code"],
            name=op.f("fk_referral_department_code_department"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral")),
    )
    op.create_index(op.f("ix_referral_case_id"), "referral", ["case_id"], unique=False)
    op.create_index(
        op.f("ix_referral_department_code"), "referral", ["department_code"], unique=False
    )
    op.create_index(op.f("ix_referral_status"), "referral", ["status"], unique=False)
    op.create_table(
        "subscription",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("department_code", sa.String(length=40), nullable=False),
        sa.Column("event_types", postgresql.ARRAY(String(length=200)), nullable=False),
        sa.Column("region_codes", postgresql.ARRAY(String(length=6)), nullable=False),
        sa.Column("programmes", postgresql.ARRAY(String(length=30)), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["department_code"],
            ["department.code"],
            name=op.f("fk_subscription_department_code_department"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscription")),
    )
    op.create_index(
        op.f("ix_subscription_department_code"), "subscription", ["department_code"], unique=False
    )
    op.create_table(
        "referral_history",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("referral_id", sa.UUID(), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column(
            "at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referral.id"], name=op.f("fk_referral_history_referral_id_referral")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral_history")),
    )
    op.create_index(
        op.f("ix_referral_history_referral_id"), "referral_history", ["referral_id"], unique=False
    )
    op.bulk_insert(holiday, _seed())


def downgrade() -> None:
    op.drop_table("referral_history")
    op.drop_table("subscription")
    op.drop_table("referral")
    op.drop_table("delivery")
    op.drop_table("holiday")
    op.drop_table("department")
    op.drop_table("case_ref")
    drop_platform_tables(op)
