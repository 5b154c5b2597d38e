"""Benefits tables (created by explicit migrations, never by ``create_all`` of this module)."""

from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Table,
    Text,
    func,
    literal,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID, ExcludeConstraint

from socialaid.db import new_metadata

metadata = new_metadata()

_MONTH = r"^[0-9]{4}-(0[1-9]|1[0-2])$"

# A policy parameter version, bitemporal: law time [valid_from, valid_to] (inclusive dates,
# valid_to NULL = open-ended) and knowledge time [recorded_at, superseded_at). Rows are never
# updated except to set superseded_at; a changed validity is recorded as a new row.
parameter_version = Table(
    "parameter_version",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("key", String(100), nullable=False),
    Column("region_code", String(6), nullable=False),
    Column("value_numeric", Numeric),
    Column("value_json", JSONB(none_as_null=True)),
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("superseded_at", DateTime(timezone=True)),
    Column("supersedes_id", UUID(as_uuid=True), ForeignKey("parameter_version.id")),
    Column("source", Text, nullable=False),
    CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="validity_order"),
    CheckConstraint("(value_numeric IS NULL) <> (value_json IS NULL)", name="one_value"),
    CheckConstraint(
        "superseded_at IS NULL OR superseded_at >= recorded_at", name="knowledge_order"
    ),
)
# No two current versions of one key in one region may be in force on the same day (needs btree_gist).
parameter_version.append_constraint(
    ExcludeConstraint(
        (parameter_version.c.key, "="),
        (parameter_version.c.region_code, "="),
        (
            func.daterange(
                parameter_version.c.valid_from, parameter_version.c.valid_to, literal("[]")
            ),
            "&&",
        ),
        name="ex_parameter_version_no_overlap",
        using="gist",
        where=text("superseded_at IS NULL"),
    )
)
Index(
    "ix_parameter_version_lookup",
    parameter_version.c.key,
    parameter_version.c.region_code,
    parameter_version.c.valid_from,
)

# One row: which state of ``parameter_version`` a process's in-memory copy reflects. A trigger
# bumps ``revision`` after every statement that writes parameter_version (migration 0008).
parameter_revision = Table(
    "parameter_revision",
    metadata,
    Column("singleton", Boolean, primary_key=True, server_default=text("true")),
    Column("epoch", UUID(as_uuid=True), nullable=False, server_default=func.gen_random_uuid()),
    Column("revision", BigInteger, nullable=False, server_default=text("1")),
    CheckConstraint("singleton", name="one_row"),
)

assessment = Table(
    "assessment",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("case_id", String(64)),
    Column("verification_id", String(64)),
    Column("origin", String(20), nullable=False),  # api | verification
    Column("programme", String(30), nullable=False),
    Column("region_code", String(6), nullable=False),
    Column("benefit_month", String(7), nullable=False),
    Column("input", JSONB, nullable=False),
    Column("input_hash", String(64), nullable=False),
    Column("eligible", Boolean, nullable=False),
    Column("amount", Numeric(14, 2), nullable=False),
    Column("standard", Numeric(14, 2)),
    Column("per_capita_income", Numeric(14, 2)),
    Column("household_size", Integer, nullable=False),
    Column("reason_codes", ARRAY(String(60)), nullable=False),
    # Added by 0005: flags, approval level, review frequency, breakdown and figures of the
    # decision, and the sha256 of the parameter versions it used (the parameter snapshot id).
    Column("flags", ARRAY(String(40)), nullable=False, server_default=text("'{}'")),
    Column("approval_level", String(20)),
    Column("review_frequency", String(20)),
    Column("breakdown", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("figures", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("parameter_snapshot_id", String(64)),
    Column("rule_set_version", String(80), nullable=False),
    Column("parameters", JSONB, nullable=False),
    Column("trace", JSONB, nullable=False),
    Column("known_at", DateTime(timezone=True), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("amount >= 0", name="amount_not_negative"),
    CheckConstraint("eligible OR amount = 0", name="ineligible_pays_nothing"),
)
# One case-driven assessment per case and benefit month (the consumer's idempotency backstop).
Index(
    "uq_assessment_case_month",
    assessment.c.case_id,
    assessment.c.benefit_month,
    unique=True,
    postgresql_where=assessment.c.case_id.isnot(None),
)
Index("ix_assessment_region_month", assessment.c.region_code, assessment.c.benefit_month)


# ---------------------------------------------------------------- recalculation (0006, 0007)
def _aggregate_columns() -> list[Column[Any]]:
    """The household aggregate columns of ``entitlement_facts`` (see domain/recalc_inputs.py)."""
    from socialaid.benefits.domain.recalc_inputs import CATEGORIES, SLOTS

    cols: list[Column[Any]] = [Column("members", SmallInteger, nullable=False)]
    cols += [Column(f"inc_{c}", BigInteger, nullable=False) for c in CATEGORIES]
    cols += [
        Column(c, BigInteger, nullable=False)
        for c in ("support_paid", "rigid_medical", "financial_assets")
    ]
    cols += [Column(f"birth_{i}", Date) for i in range(1, SLOTS["member"] + 1)]
    cols += [Column("addon_bits", SmallInteger, nullable=False)]
    cols += [Column(f"earn_{i}", BigInteger) for i in range(1, SLOTS["earning"] + 1)]
    cols += [Column("vehicles_counted", SmallInteger, nullable=False)]
    cols += [Column(f"vehicle_value_{i}", BigInteger) for i in range(1, SLOTS["vehicle"] + 1)]
    cols += [
        Column("residential_properties", SmallInteger, nullable=False),
        Column("non_residential_properties", SmallInteger, nullable=False),
        Column("business_barrier", Boolean, nullable=False),
    ]
    for i in range(1, SLOTS["obligor"] + 1):
        cols += [
            Column(f"obligor_income_{i}", BigInteger),
            Column(f"obligor_children_{i}", SmallInteger),
            Column(f"obligor_split_{i}", SmallInteger),
            Column(f"obligor_waived_{i}", Boolean),
        ]
    cols += [
        Column("waiver_from", Date),
        Column("engine_only", Boolean, nullable=False, server_default=text("false")),
    ]
    return cols


# A case's dibao entitlement as benefits knows it (from case.approved and payment.settled): the
# narrow row a recalculation rewrites. Its household's standard-independent aggregates are in
# ``entitlement_facts``, so that a recalculation after a parameter change is one read, a
# vectorised computation and one bulk write of narrow rows (R-CA-01).
active_entitlement = Table(
    "active_entitlement",
    metadata,
    Column("id", BigInteger, Identity(always=False), primary_key=True),
    Column("case_id", String(64), nullable=False, unique=True),
    Column("programme", String(30), nullable=False),
    Column("region_code", String(6), nullable=False),
    Column("start_month", String(7), nullable=False),
    Column("approved_amount", Numeric(14, 2), nullable=False),
    Column("monthly_amount", Numeric(14, 2), nullable=False),
    Column("amount_from_month", String(7), nullable=False),
    Column("last_paid_month", String(7)),
    Column("status", String(20), nullable=False, server_default="active"),
    Column("assessment_id", UUID(as_uuid=True)),
    Column("last_recalculation_id", UUID(as_uuid=True)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("monthly_amount >= 0", name="amount_not_negative"),
    CheckConstraint("status IN ('active', 'stopped')", name="status"),
    CheckConstraint(f"start_month ~ '{_MONTH}'", name="start_month_format"),
    CheckConstraint(
        f"last_paid_month IS NULL OR last_paid_month ~ '{_MONTH}'", name="paid_month_format"
    ),
)
Index(
    "ix_active_entitlement_region", active_entitlement.c.region_code, active_entitlement.c.programme
)

entitlement_facts = Table(
    "entitlement_facts",
    metadata,
    Column(
        "entitlement_id",
        BigInteger,
        ForeignKey("active_entitlement.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    *_aggregate_columns(),
    CheckConstraint("members >= 0", name="members_not_negative"),
)

# One batch recalculation: what triggered it, its progress and its result (R-CA-01).
recalculation_run = Table(
    "recalculation_run",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("trigger", String(20), nullable=False),
    Column("parameter_id", UUID(as_uuid=True), unique=True),
    Column("region_code", String(6), nullable=False),
    Column("effective_month", String(7), nullable=False),
    Column("cause", Text, nullable=False),
    Column("status", String(20), nullable=False),
    Column("phase", String(40)),
    Column("regions", ARRAY(String(6))),
    Column("scanned", Integer, nullable=False, server_default=text("0")),
    Column("changed", Integer, nullable=False, server_default=text("0")),
    Column("unchanged", Integer, nullable=False, server_default=text("0")),
    Column("engine_path", Integer, nullable=False, server_default=text("0")),
    Column("arrears_total", Numeric(16, 2), nullable=False, server_default=text("0")),
    Column("overpayment_total", Numeric(16, 2), nullable=False, server_default=text("0")),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("error", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("started_at", DateTime(timezone=True)),
    Column("finished_at", DateTime(timezone=True)),
    Column("duration_ms", Integer),
    CheckConstraint("status IN ('pending', 'running', 'completed', 'failed')", name="status"),
    CheckConstraint("trigger IN ('parameter', 'manual')", name="trigger"),
    CheckConstraint(f"effective_month ~ '{_MONTH}'", name="month_format"),
)
Index(
    "ix_recalculation_run_open",
    recalculation_run.c.created_at,
    postgresql_where=text("status IN ('pending', 'running')"),
)
