"""Benefits tables (created by explicit migrations, never by ``create_all`` of this module)."""

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
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
    Column("rule_set_version", String(40), nullable=False),
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
