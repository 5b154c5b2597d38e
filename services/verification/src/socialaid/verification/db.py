"""Verification tables."""

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

from socialaid.db import new_metadata

metadata = new_metadata()

# One verification per programme case (the unique constraint makes re-delivery harmless).
verification_request = Table(
    "verification_request",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("case_id", String(64), nullable=False),
    Column("programme", String(30), nullable=False),
    Column("region_code", String(6), nullable=False, index=True),
    Column("benefit_month", String(7), nullable=False),
    Column("status", String(20), nullable=False),  # completed | failed
    Column("reasons", ARRAY(Text), nullable=False),
    Column("household_size", Integer),
    Column("verified_monthly_income", Numeric(14, 2)),
    Column("financial_assets", Numeric(14, 2)),
    Column("vehicles", Integer),
    Column("properties", Integer),
    Column("deceased_members", Integer),
    Column("figures", JSONB, nullable=False),
    Column("source_event_id", String(200)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("completed_at", DateTime(timezone=True)),
    UniqueConstraint("programme", "case_id"),
    CheckConstraint("status IN ('completed', 'failed')", name="status_known"),
)

# Every call made to a department (one row per attempt), for audit and operations.
department_query = Table(
    "department_query",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column(
        "verification_id",
        UUID(as_uuid=True),
        ForeignKey("verification_request.id"),
        nullable=False,
        index=True,
    ),
    Column("department", String(40), nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("request_hash", String(64), nullable=False),
    Column("status", String(20), nullable=False),  # ok | error | timeout | unreachable
    Column("http_status", Integer),
    Column("duration_ms", Integer, nullable=False),
    Column("error", Text),
    Column("queried_at", DateTime(timezone=True), nullable=False),
)

# What a department answered, as received (ID numbers replaced by member ids and masks).
evidence = Table(
    "evidence",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column(
        "verification_id",
        UUID(as_uuid=True),
        ForeignKey("verification_request.id"),
        nullable=False,
        index=True,
    ),
    Column("source", String(40), nullable=False),
    Column("fetched_at", DateTime(timezone=True), nullable=False),
    Column("payload", JSONB, nullable=False),
    Column(
        "payload_hash", String(64), nullable=False
    ),  # sha256 hex of the canonical stored payload
    Column(
        "response_hash", String(64), nullable=False
    ),  # sha256 hex of the raw response body received
)

discrepancy = Table(
    "discrepancy",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column(
        "verification_id",
        UUID(as_uuid=True),
        ForeignKey("verification_request.id"),
        nullable=False,
        index=True,
    ),
    Column("item", String(80), nullable=False),
    Column("member_id", String(64)),
    Column("declared", Text, nullable=False),
    Column("verified", Text, nullable=False),
)
