"""Alembic helpers: one async ``env.py`` body for every service and the platform tables."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import context
from sqlalchemy import MetaData, pool
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from socialaid.db.platform import platform_metadata


def create_platform_tables(op: Any) -> None:
    """Platform schema v1: outbox, outbox_sequence, inbox, consumer_position, parked_message,
    idempotency_record. Frozen: a later change to these tables is a new helper
    (``upgrade_platform_v2``) that every service's next migration calls."""
    from sqlalchemy import Text

    op.create_table(
        "consumer_position",
        sa.Column("consumer", sa.String(length=100), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("last_sequence", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("consumer", "source", "subject", name=op.f("pk_consumer_position")),
    )
    op.create_table(
        "idempotency_record",
        sa.Column("scope", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("response_body", postgresql.JSONB(astext_type=Text()), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("scope", "key", name=op.f("pk_idempotency_record")),
    )
    op.create_table(
        "inbox",
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("event_id", sa.String(length=200), nullable=False),
        sa.Column("consumer", sa.String(length=100), nullable=False),
        sa.Column("event_type", sa.String(length=200), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=True),
        sa.Column(
            "processed_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("consumer", "source", "event_id", name=op.f("pk_inbox")),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.UUID(), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("event_type", sa.String(length=200), nullable=False),
        sa.Column("headers", postgresql.JSONB(astext_type=Text()), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("event_id", name=op.f("uq_outbox_event_id")),
    )
    op.create_index(
        "ix_outbox_unpublished",
        "outbox",
        ["id"],
        unique=False,
        postgresql_where=sa.text("published_at IS NULL"),
    )
    op.create_table(
        "outbox_sequence",
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("last_sequence", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("subject", name=op.f("pk_outbox_sequence")),
    )
    op.create_table(
        "parked_message",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("consumer", sa.String(length=100), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("partition", sa.Integer(), nullable=False),
        sa.Column("offset", sa.BigInteger(), nullable=False),
        sa.Column("event_id", sa.String(length=200), nullable=True),
        sa.Column("event_type", sa.String(length=200), nullable=True),
        sa.Column("headers", postgresql.JSONB(astext_type=Text()), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column(
            "parked_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("redriven_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parked_message")),
    )
    op.create_index(
        "ix_parked_message_open",
        "parked_message",
        ["consumer", "subject"],
        unique=False,
        postgresql_where=sa.text("redriven_at IS NULL"),
    )


def drop_platform_tables(op: Any) -> None:
    for table in (
        "idempotency_record",
        "parked_message",
        "consumer_position",
        "inbox",
        "outbox_sequence",
        "outbox",
    ):
        op.drop_table(table)


def run_alembic_env(url: str, target_metadata: Sequence[MetaData]) -> None:
    """Body of a service's ``migrations/env.py`` (online mode, asyncpg)."""
    metadata = [*target_metadata, platform_metadata]

    def do_run(connection: Connection) -> None:
        context.configure(connection=connection, target_metadata=metadata, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()

    async def run() -> None:
        engine = create_async_engine(url, poolclass=pool.NullPool)
        async with engine.connect() as connection:
            await connection.run_sync(do_run)
        await engine.dispose()

    if context.is_offline_mode():
        context.configure(url=url, target_metadata=metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
    else:
        asyncio.run(run())


def upgrade_to_head(alembic_ini: str, url: str) -> None:
    """Programmatic ``alembic upgrade head`` for a service (used by ``<svc> migrate`` and tests)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config(alembic_ini)
    cfg.set_main_option("sqlalchemy.url", url)
    command.upgrade(cfg, "head")


def upgrade_platform_v2(op: Any) -> None:
    """Platform schema v2: ``outbox_sequence`` pages keep half their room free, so taking the
    next sequence of a subject (``add_event``, and the bulk writer's set-based UPDATE of up to
    millions of subjects) is a HOT update that rewrites no index entry. Applies to pages written
    from now on; ``VACUUM FULL outbox_sequence`` repacks existing ones."""
    op.execute("ALTER TABLE outbox_sequence SET (fillfactor = 50)")


def downgrade_platform_v2(op: Any) -> None:
    op.execute("ALTER TABLE outbox_sequence RESET (fillfactor)")


# Open parked outbox rows (the relay holds their subjects' later rows behind them).
OUTBOX_PARKED_WHERE = "parked_at IS NOT NULL AND discarded_at IS NULL AND published_at IS NULL"


def upgrade_platform_v3(op: Any) -> None:
    """Platform schema v3: an outbox row the broker refuses for good is parked instead of being
    retried forever. ``parked_at`` marks it (``attempts`` and ``last_error`` say why),
    ``discarded_at`` records an operator giving up on it, and a partial index of the open parked
    rows by subject lets the relay's claim hold a subject's later rows cheaply (it is empty
    while nothing is parked)."""
    op.add_column("outbox", sa.Column("parked_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("outbox", sa.Column("discarded_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(
        "CREATE INDEX ix_outbox_parked ON outbox ((headers ->> 'ce_subject'), id) "
        f"WHERE {OUTBOX_PARKED_WHERE}"
    )


def downgrade_platform_v3(op: Any) -> None:
    op.drop_index("ix_outbox_parked", table_name="outbox")
    op.drop_column("outbox", "discarded_at")
    op.drop_column("outbox", "parked_at")
