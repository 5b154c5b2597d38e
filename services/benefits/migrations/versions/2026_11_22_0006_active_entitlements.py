"""Active entitlements with their standard-independent dibao aggregates, and recalculation runs
(R-CA-01 batch recalculation).

An ``active_entitlement`` row is created from ``case.approved`` with the household facts of the
case-driven assessment, reduced to what the dibao rules read and stored in columns (arrays for
per-member and per-obligor facts), so a recalculation is one read, a vectorised computation and
one bulk write. ``engine_only`` marks households with facts the vectorised path does not model;
those are recalculated one by one by the rules engine from the stored assessment input.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, UUID

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_MONTH = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
# Income categories that may count (domain/recalc_inputs.py::CATEGORIES at this revision).
CATEGORIES = (
    "business", "compensation", "disability_subsidy", "gifts", "medical_insurance",
    "old_age_allowance", "other", "pension_local", "property", "support_received",
    "unemployment_benefit", "wages",
)  # fmt: skip
MEMBER_SLOTS, EARNING_SLOTS, VEHICLE_SLOTS, OBLIGOR_SLOTS = 6, 3, 2, 2


def aggregate_columns() -> list[sa.Column[Any]]:
    """The standard-independent dibao aggregates (domain/recalc_inputs.py::Aggregates).

    Amounts are BIGINT in units of 1e-8 yuan (exact for every value the rules accept); per-member,
    per-earner, per-vehicle and per-obligor facts sit in numbered slots so that a recalculation
    reads every household with one fixed-width binary COPY. A household with more than the
    slots hold is ``engine_only``.
    """
    big, small = sa.BigInteger, sa.SmallInteger
    cols: list[sa.Column[Any]] = [sa.Column("members", small, nullable=False)]
    cols += [sa.Column(f"inc_{c}", big, nullable=False) for c in CATEGORIES]
    cols += [sa.Column(c, big, nullable=False) for c in
             ("support_paid", "rigid_medical", "financial_assets")]  # fmt: skip
    cols += [sa.Column(f"birth_{i}", sa.Date) for i in range(1, MEMBER_SLOTS + 1)]
    cols += [sa.Column("addon_bits", small, nullable=False)]
    cols += [sa.Column(f"earn_{i}", big) for i in range(1, EARNING_SLOTS + 1)]
    cols += [sa.Column("vehicles_counted", small, nullable=False)]
    cols += [sa.Column(f"vehicle_value_{i}", big) for i in range(1, VEHICLE_SLOTS + 1)]
    cols += [
        sa.Column("residential_properties", small, nullable=False),
        sa.Column("non_residential_properties", small, nullable=False),
        sa.Column("business_barrier", sa.Boolean, nullable=False),
    ]
    for i in range(1, OBLIGOR_SLOTS + 1):
        cols += [
            sa.Column(f"obligor_income_{i}", big),
            sa.Column(f"obligor_children_{i}", small),
            sa.Column(f"obligor_split_{i}", small),
            sa.Column(f"obligor_waived_{i}", sa.Boolean),
        ]
    cols += [
        sa.Column("waiver_from", sa.Date),
        sa.Column("engine_only", sa.Boolean, nullable=False, server_default=sa.false()),
    ]
    return cols


def upgrade() -> None:
    op.create_table(
        "active_entitlement",
        sa.Column("id", sa.BigInteger, sa.Identity(always=False), primary_key=True),
        sa.Column("case_id", sa.String(64), nullable=False, unique=True),
        sa.Column("programme", sa.String(30), nullable=False),
        sa.Column("region_code", sa.String(6), nullable=False),
        sa.Column("start_month", sa.String(7), nullable=False),
        sa.Column("approved_amount", sa.Numeric(14, 2), nullable=False),
        sa.Column("monthly_amount", sa.Numeric(14, 2), nullable=False),
        sa.Column("amount_from_month", sa.String(7), nullable=False),
        sa.Column("last_paid_month", sa.String(7)),
        sa.Column("status", sa.String(20), nullable=False, server_default="active"),
        sa.Column("assessment_id", UUID(as_uuid=True)),
        sa.Column("last_recalculation_id", UUID(as_uuid=True)),
        *aggregate_columns(),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.CheckConstraint("monthly_amount >= 0", name="amount_not_negative"),
        sa.CheckConstraint("status IN ('active', 'stopped')", name="status"),
        sa.CheckConstraint(f"start_month ~ '{_MONTH}'", name="start_month_format"),
        sa.CheckConstraint(
            f"last_paid_month IS NULL OR last_paid_month ~ '{_MONTH}'", name="paid_month_format"
        ),
        sa.CheckConstraint("members >= 0", name="members_not_negative"),
    )
    # Room on each page so that a recalculation's UPDATE of the (unindexed) amount columns is a
    # HOT update: no index entry is rewritten.
    op.execute("ALTER TABLE active_entitlement SET (fillfactor = 70)")
    op.create_index(
        "ix_active_entitlement_region", "active_entitlement", ["region_code", "programme"]
    )
    op.create_table(
        "recalculation_run",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("trigger", sa.String(20), nullable=False),
        sa.Column("parameter_id", UUID(as_uuid=True), unique=True),
        sa.Column("region_code", sa.String(6), nullable=False),
        sa.Column("effective_month", sa.String(7), nullable=False),
        sa.Column("cause", sa.Text, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("phase", sa.String(40)),
        sa.Column("regions", ARRAY(sa.String(6))),
        sa.Column("scanned", sa.Integer, nullable=False, server_default="0"),
        sa.Column("changed", sa.Integer, nullable=False, server_default="0"),
        sa.Column("unchanged", sa.Integer, nullable=False, server_default="0"),
        sa.Column("engine_path", sa.Integer, nullable=False, server_default="0"),
        sa.Column("arrears_total", sa.Numeric(16, 2), nullable=False, server_default="0"),
        sa.Column("overpayment_total", sa.Numeric(16, 2), nullable=False, server_default="0"),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("error", sa.Text),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column("started_at", sa.DateTime(timezone=True)),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.Column("duration_ms", sa.Integer),
        sa.CheckConstraint(
            "status IN ('pending', 'running', 'completed', 'failed')", name="status"
        ),
        sa.CheckConstraint("trigger IN ('parameter', 'manual')", name="trigger"),
        sa.CheckConstraint(f"effective_month ~ '{_MONTH}'", name="month_format"),
    )
    op.create_index(
        "ix_recalculation_run_open",
        "recalculation_run",
        ["created_at"],
        postgresql_where=sa.text("status IN ('pending', 'running')"),
    )
    # Versions recorded before entitlements were tracked need no recalculation: mark them done.
    op.execute(
        "INSERT INTO recalculation_run (id, trigger, parameter_id, region_code, effective_month, "
        "cause, status, created_at, finished_at) "
        "SELECT gen_random_uuid(), 'parameter', id, region_code, "
        "to_char(date_trunc('month', valid_from - 1 + interval '1 month'), 'YYYY-MM'), "
        "'baseline: recorded before entitlements were tracked', 'completed', recorded_at, now() "
        "FROM parameter_version WHERE supersedes_id IS NULL"
    )


def downgrade() -> None:
    op.drop_table("recalculation_run")
    op.drop_table("active_entitlement")
