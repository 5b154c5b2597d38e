"""Tables every service database has: outbox, inbox, parked messages, idempotency records.

They are defined once here and created by each service's first migration through
:func:`socialaid.db.migrations.create_platform_tables`.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from socialaid.db.engine import new_metadata

platform_metadata = new_metadata()

# Events waiting to be published (transactional outbox). Written in the same
# transaction as the state change; the relay publishes rows whose published_at is null.
# A row the broker refuses for good is parked (parked_at, with attempts and last_error);
# later rows of its subject wait behind it until an operator retries it (parked_at cleared)
# or discards it (discarded_at set; the row is never published).
outbox = Table(
    "outbox",
    platform_metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("event_id", UUID(as_uuid=True), nullable=False, unique=True),
    Column("topic", String(200), nullable=False),
    Column("key", String(200), nullable=False),
    Column("event_type", String(200), nullable=False),
    Column("headers", JSONB, nullable=False),
    Column("payload", LargeBinary, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("published_at", DateTime(timezone=True)),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("last_error", Text),
    Column("parked_at", DateTime(timezone=True)),  # platform v3
    Column("discarded_at", DateTime(timezone=True)),  # platform v3
)
# Last sequence number given to each subject's events (per-subject ordering).
outbox_sequence = Table(
    "outbox_sequence",
    platform_metadata,
    Column("subject", String(200), primary_key=True),
    Column("last_sequence", BigInteger, nullable=False),
)

Index("ix_outbox_unpublished", outbox.c.id, postgresql_where=outbox.c.published_at.is_(None))
# Open parked rows by subject (platform v3): the relay's claim holds a subject's later rows.
Index(
    "ix_outbox_parked",
    outbox.c.headers["ce_subject"].astext,
    outbox.c.id,
    postgresql_where=outbox.c.parked_at.isnot(None)
    & outbox.c.discarded_at.is_(None)
    & outbox.c.published_at.is_(None),
)

# Events already applied by this service's consumers (duplicates are dropped).
inbox = Table(
    "inbox",
    platform_metadata,
    Column("source", String(200), nullable=False),
    Column("event_id", String(200), nullable=False),
    Column("consumer", String(100), nullable=False),
    Column("event_type", String(200), nullable=False),
    Column("subject", String(200)),
    Column("processed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("consumer", "source", "event_id"),
)

# Highest sequence applied per (consumer, source, subject): older events that arrive late are dropped.
consumer_position = Table(
    "consumer_position",
    platform_metadata,
    Column("consumer", String(100), nullable=False),
    Column("source", String(200), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("last_sequence", BigInteger, nullable=False),
    PrimaryKeyConstraint("consumer", "source", "subject"),
)

# Messages a consumer could not apply (poison), and later messages of the same
# subject held behind them until an operator redrives the subject.
parked_message = Table(
    "parked_message",
    platform_metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("consumer", String(100), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("topic", String(200), nullable=False),
    Column("partition", Integer, nullable=False),
    Column("offset", BigInteger, nullable=False),
    Column("event_id", String(200)),
    Column("event_type", String(200)),
    Column("headers", JSONB, nullable=False),
    Column("payload", LargeBinary, nullable=False),
    Column("reason", String(40), nullable=False),  # poison | held
    Column("error", Text),
    Column("parked_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("redriven_at", DateTime(timezone=True)),
)
Index(
    "ix_parked_message_open",
    parked_message.c.consumer,
    parked_message.c.subject,
    postgresql_where=parked_message.c.redriven_at.is_(None),
)

# Stored answers for writes made with an Idempotency-Key.
idempotency_record = Table(
    "idempotency_record",
    platform_metadata,
    Column("scope", String(200), nullable=False),
    Column("key", String(200), nullable=False),
    Column("request_hash", String(64), nullable=False),
    Column("status_code", Integer, nullable=False),
    Column("response_body", JSONB, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("scope", "key"),
)
