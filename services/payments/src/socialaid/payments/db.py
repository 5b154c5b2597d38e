"""Payments tables. Unique keys make a double payment impossible at the database level."""

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Identity,
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
from sqlalchemy.dialects.postgresql import ARRAY, UUID

from socialaid.db import new_metadata

metadata = new_metadata()

_MONTH = r"^[0-9]{4}-(0[1-9]|1[0-2])$"

# What a case is entitled to each month from its start month (from case.approved).
entitlement = Table(
    "entitlement",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("case_id", String(64), nullable=False),
    Column("programme", String(30), nullable=False),
    Column("region_code", String(12), nullable=False),
    Column("monthly_amount", Numeric(14, 2), nullable=False),
    Column("start_month", String(7), nullable=False),
    Column("end_month", String(7)),
    Column("payee_account_name", String(100), nullable=False),
    Column("payee_account_encrypted", Text, nullable=False),  # never the clear number
    Column("payee_account_masked", String(40), nullable=False),
    Column("payee_bank_code", String(20), nullable=False),
    Column("status", String(20), nullable=False),
    Column("version", Integer, nullable=False),
    Column("source_event_id", String(200)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("case_id", "programme"),
    CheckConstraint("monthly_amount >= 0", name="amount_not_negative"),
    CheckConstraint("status IN ('active', 'stopped')", name="status"),
    CheckConstraint(f"start_month ~ '{_MONTH}'", name="start_month_format"),
    CheckConstraint(
        f"end_month IS NULL OR (end_month ~ '{_MONTH}' AND end_month >= start_month)",
        name="end_month_format",
    ),
)
Index(
    "ix_entitlement_region_programme",
    entitlement.c.region_code,
    entitlement.c.programme,
    entitlement.c.status,
)

# Every change to an entitlement after it was created (a later approval with another amount, a stop).
entitlement_change = Table(
    "entitlement_change",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column(
        "entitlement_id",
        UUID(as_uuid=True),
        ForeignKey("entitlement.id"),
        nullable=False,
        index=True,
    ),
    Column("from_version", Integer, nullable=False),
    Column("old_amount", Numeric(14, 2), nullable=False),
    Column("new_amount", Numeric(14, 2), nullable=False),
    Column("old_start_month", String(7), nullable=False),
    Column("new_start_month", String(7), nullable=False),
    Column("reason", Text, nullable=False),
    Column("source_event_id", String(200)),
    Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("change_id", String(64), unique=True),  # entitlement.changed (migration 0002)
    Column("effective_month", String(7)),
)

# One monthly payroll run (发放批次) per region, programme and month, locked with control totals.
payroll = Table(
    "payroll",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("region_code", String(12), nullable=False),
    Column("programme", String(30), nullable=False),
    Column("month", String(7), nullable=False),
    Column("status", String(20), nullable=False),
    Column("control_count", Integer, nullable=False),
    Column("control_total", Numeric(14, 2), nullable=False),
    Column("skipped_count", Integer, nullable=False, server_default=text("0")),
    Column("settled_count", Integer, nullable=False, server_default=text("0")),
    Column("settled_total", Numeric(14, 2), nullable=False, server_default=text("0")),
    Column("failed_count", Integer, nullable=False, server_default=text("0")),
    Column("failed_total", Numeric(14, 2), nullable=False, server_default=text("0")),
    Column("send_attempts", Integer, nullable=False, server_default=text("0")),
    Column("next_attempt_at", DateTime(timezone=True)),
    Column("last_error", Text),
    Column("version", Integer, nullable=False),
    Column("created_by", String(100), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("locked_at", DateTime(timezone=True), nullable=False),
    Column("submitted_at", DateTime(timezone=True)),
    Column("completed_at", DateTime(timezone=True)),
    UniqueConstraint("region_code", "programme", "month"),
    CheckConstraint("status IN ('locked', 'submitted', 'completed')", name="status"),
    CheckConstraint("control_total >= 0 AND control_count >= 0", name="control_not_negative"),
    CheckConstraint(f"month ~ '{_MONTH}'", name="month_format"),
)
Index(
    "ix_payroll_open", payroll.c.next_attempt_at, postgresql_where=payroll.c.status != "completed"
)

# One transfer instruction per case, programme and month: the unique key forbids paying twice.
payment_instruction = Table(
    "payment_instruction",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("payroll_id", UUID(as_uuid=True), ForeignKey("payroll.id"), nullable=False, index=True),
    Column("entitlement_id", UUID(as_uuid=True), ForeignKey("entitlement.id"), nullable=False),
    Column("case_id", String(64), nullable=False),
    Column("programme", String(30), nullable=False),
    Column("region_code", String(12), nullable=False),
    Column("month", String(7), nullable=False),
    Column("amount", Numeric(14, 2), nullable=False),
    Column("payee_account_name", String(100), nullable=False),
    Column("payee_account_encrypted", Text, nullable=False),  # never the clear number
    Column("payee_account_masked", String(40), nullable=False),
    Column("payee_bank_code", String(20), nullable=False),
    Column("status", String(20), nullable=False),
    Column("bank_reference", String(64)),
    Column("failure_code", String(40)),
    Column("failure_reason", Text),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("version", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("resolved_at", DateTime(timezone=True)),
    UniqueConstraint("case_id", "programme", "month"),
    CheckConstraint("amount > 0", name="amount_positive"),
    CheckConstraint("status IN ('pending', 'settled', 'failed')", name="status"),
    CheckConstraint(
        "status <> 'settled' OR bank_reference IS NOT NULL", name="settled_has_reference"
    ),
)
Index(
    "ix_payment_instruction_pending",
    payment_instruction.c.payroll_id,
    postgresql_where=payment_instruction.c.status == "pending",
)

# The fund ledger (资金台账): one disbursement entry per settled payment, never two.
ledger_entry = Table(
    "ledger_entry",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column(
        "payment_id",
        UUID(as_uuid=True),
        ForeignKey("payment_instruction.id"),
        nullable=False,
        unique=True,
    ),
    Column("programme", String(30), nullable=False),
    Column("region_code", String(12), nullable=False),
    Column("month", String(7), nullable=False),
    Column("amount", Numeric(14, 2), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("bank_reference", String(64), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("kind IN ('disbursement')", name="kind"),
)
Index("ix_ledger_entry_programme_region", ledger_entry.c.programme, ledger_entry.c.region_code)

# The people an entitlement pays for: case.approved ``beneficiaries`` (migration 0006). These are
# the keyed ID hashes intake computed with ITS ``pii_hash_key``; payments never hashes an ID number
# itself (its own key may differ), it only stores and compares the hashes intake sent. An
# entitlement from an older event without beneficiaries has no rows (case-level uniqueness only).
entitlement_beneficiary = Table(
    "entitlement_beneficiary",
    metadata,
    Column("entitlement_id", UUID(as_uuid=True), ForeignKey("entitlement.id"), primary_key=True),
    Column("person_hash", String(64), primary_key=True),
)

# One person is paid at most once per programme and month, whatever case or payroll carries them:
# written with the instruction in the same transaction, the unique key refuses a second one.
payment_person = Table(
    "payment_person",
    metadata,
    Column(
        "payment_id", UUID(as_uuid=True), ForeignKey("payment_instruction.id"), primary_key=True
    ),
    Column("person_hash", String(64), primary_key=True),
    Column("programme", String(30), nullable=False),
    Column("month", String(7), nullable=False),
    UniqueConstraint("person_hash", "programme", "month"),
)

# Arrears owed or an overpayment to recover for months already paid when a recalculation changed
# the monthly amount (entitlement.changed from benefits; migration 0002). Not yet paid out or
# recovered through a payroll: status stays "open".
adjustment = Table(
    "adjustment",
    metadata,
    Column("id", BigInteger, Identity(always=False), primary_key=True),
    Column("entitlement_id", UUID(as_uuid=True), ForeignKey("entitlement.id"), nullable=False),
    Column("case_id", String(64), nullable=False, index=True),
    Column("programme", String(30), nullable=False),
    Column("region_code", String(12), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("amount", Numeric(14, 2), nullable=False),
    Column("months", ARRAY(String(7)), nullable=False),
    Column("effective_month", String(7), nullable=False),
    Column("previous_amount", Numeric(14, 2), nullable=False),
    Column("new_amount", Numeric(14, 2), nullable=False),
    Column("change_id", String(64), nullable=False),
    Column("recalculation_id", String(64)),
    Column("cause", Text, nullable=False),
    Column("status", String(20), nullable=False, server_default="open"),
    Column("source_event_id", String(200)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("change_id", "kind", name="uq_adjustment_change_id_kind"),
    CheckConstraint("kind IN ('arrears', 'recovery')", name="kind"),
    CheckConstraint("amount > 0", name="amount_positive"),
    CheckConstraint("status IN ('open', 'paid', 'recovered')", name="status"),
)
