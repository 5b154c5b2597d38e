"""Intake tables."""

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
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

from socialaid.db import new_metadata

metadata = new_metadata()

application = Table(
    "application",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("region_code", String(6), nullable=False),
    Column("channel", String(30), nullable=False),
    Column("received_by", String(100), nullable=False),
    Column("consent_signed", Boolean, nullable=False),
    Column("consent_signed_on", Date),
    Column("consent_scope", ARRAY(String(40)), nullable=False),
    Column("declared_assets", JSONB, nullable=False),
    Column("payee", JSONB),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

household_member = Table(
    "household_member",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column(
        "application_id",
        UUID(as_uuid=True),
        ForeignKey("application.id"),
        nullable=False,
        index=True,
    ),
    Column("position", Integer, nullable=False),
    Column("name", String(100), nullable=False),
    Column("id_number_hash", String(64), nullable=False, index=True),
    Column("id_number_encrypted", Text, nullable=False),
    Column("id_number_masked", String(18), nullable=False),
    Column("relationship", String(30), nullable=False),
    Column("birth_date", Date, nullable=False),
    Column("disability_grade", Integer),
    Column("serious_illness", Boolean, nullable=False),
    Column("labour_capacity", String(20), nullable=False),
    Column("declared_monthly_income", Numeric(14, 2), nullable=False),
)

case = Table(
    "case",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column(
        "application_id",
        UUID(as_uuid=True),
        ForeignKey("application.id"),
        nullable=False,
        index=True,
    ),
    Column("programme", String(30), nullable=False),
    Column("region_code", String(6), nullable=False, index=True),
    Column("status", String(30), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("benefit_month", String(7)),
    Column("assessment_id", String(64)),
    Column("proposal", JSONB),
    Column("verification", JSONB),
    Column("monthly_amount", Numeric(14, 2)),
    Column("start_month", String(7)),
    Column("decision_reasons", ARRAY(Text)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("monthly_amount IS NULL OR monthly_amount >= 0", name="amount_not_negative"),
)
Index("ix_case_created_at_id", case.c.created_at, case.c.id)

case_status_history = Table(
    "case_status_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", UUID(as_uuid=True), ForeignKey("case.id"), nullable=False, index=True),
    Column("from_status", String(30)),
    Column("to_status", String(30), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("note", Text),
    Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# The people an open monthly-programme case holds (domain/enrolment.py): the partial unique
# index lets the database refuse a second open case of the same programme for one person.
case_person = Table(
    "case_person",
    metadata,
    Column("case_id", UUID(as_uuid=True), ForeignKey("case.id"), primary_key=True),
    Column("person_hash", String(64), primary_key=True),
    Column("programme", String(30), nullable=False),
    Column("open", Boolean, nullable=False, server_default=text("true")),
)
Index(
    "uq_case_person_open",
    case_person.c.person_hash,
    case_person.c.programme,
    unique=True,
    postgresql_where=case_person.c.open,
)
