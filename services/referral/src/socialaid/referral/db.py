"""Referral tables."""

from sqlalchemy import (
    BigInteger,
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
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

from socialaid.db import new_metadata

metadata = new_metadata()

department = Table(
    "department",
    metadata,
    Column("code", String(40), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("webhook_url", Text),
    # "whsec_" + base64 secret, encrypted at rest (FieldCipher); shown to the department once.
    Column("webhook_secret_encrypted", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

subscription = Table(
    "subscription",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column(
        "department_code", String(40), ForeignKey("department.code"), nullable=False, index=True
    ),
    Column("event_types", ARRAY(String(200)), nullable=False),
    Column("region_codes", ARRAY(String(6)), nullable=False),
    Column("programmes", ARRAY(String(30))),  # NULL: every programme
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# Region and programme of the cases seen on the case topic (events like ReferralCompleted lack them).
case_ref = Table(
    "case_ref",
    metadata,
    Column("case_id", String(64), primary_key=True),
    Column("region_code", String(6), nullable=False),
    Column("programme", String(30), nullable=False),
    Column("last_event_type", String(200), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

delivery = Table(
    "delivery",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("department_code", String(40), ForeignKey("department.code"), nullable=False),
    Column("event_id", String(200), nullable=False),
    Column("event_type", String(200), nullable=False),
    Column("subject", String(200)),
    Column("payload", JSONB, nullable=False),  # the minimised body sent or pulled
    Column("status", String(20), nullable=False),  # pending | delivered | acknowledged | failed
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("last_status_code", Integer),
    Column("last_error", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("delivered_at", DateTime(timezone=True)),
    Column("acknowledged_at", DateTime(timezone=True)),
    UniqueConstraint("department_code", "event_id"),
    CheckConstraint(
        "status IN ('pending', 'delivered', 'acknowledged', 'failed')", name="status_valid"
    ),
)
Index(
    "ix_delivery_department_status",
    delivery.c.department_code,
    delivery.c.status,
    delivery.c.created_at,
)
Index(
    "ix_delivery_due", delivery.c.next_attempt_at, postgresql_where=delivery.c.status == "pending"
)

referral = Table(
    "referral",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("case_id", String(64), nullable=False, index=True),
    Column(
        "department_code", String(40), ForeignKey("department.code"), nullable=False, index=True
    ),
    Column("reason", Text, nullable=False),
    Column("status", String(20), nullable=False, index=True),  # open | overdue | completed
    Column("due_in_working_days", Integer, nullable=False),
    Column("due_on", Date, nullable=False),
    Column("due_at", DateTime(timezone=True), nullable=False),
    Column("escalated_at", DateTime(timezone=True)),
    Column("outcome", String(40)),
    Column("assistance_given", Text),
    Column("amount", Numeric(14, 2)),
    Column("reported_by", String(100)),
    Column("reported_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("status IN ('open', 'overdue', 'completed')", name="status_valid"),
    CheckConstraint("amount IS NULL OR amount >= 0", name="amount_not_negative"),
)

referral_history = Table(
    "referral_history",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column(
        "referral_id", UUID(as_uuid=True), ForeignKey("referral.id"), nullable=False, index=True
    ),
    Column("from_status", String(20)),
    Column("to_status", String(20), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("note", Text),
    Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# Public holidays (放假) and make-up working days (调休上班) of the working-day calendar.
holiday = Table(
    "holiday",
    metadata,
    Column("day", Date, primary_key=True),
    Column("kind", String(10), nullable=False),  # holiday | workday
    Column("name", String(100), nullable=False),
    Column("source", String(200), nullable=False),
    CheckConstraint("kind IN ('holiday', 'workday')", name="kind_valid"),
)
