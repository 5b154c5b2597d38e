"""Initial relief schema: platform tables and disaster events.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

from socialaid.db.migrations import create_platform_tables, drop_platform_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_platform_tables(op)
    op.create_table(
        "disaster",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("disaster_type", sa.String(length=20), nullable=False),
        sa.Column("response_level", sa.String(length=3), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), server_default="declared", nullable=False),
        sa.Column(
            "declared_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "disaster_type IN ('flood', 'drought', 'earthquake', 'fire', 'storm', 'landslide', 'snow', 'other')",
            name=op.f("ck_disaster_disaster_type_valid"),
        ),
        sa.CheckConstraint(
            "response_level IN ('I', 'II', 'III', 'IV')",
            name=op.f("ck_disaster_response_level_valid"),
        ),
        sa.CheckConstraint(
            "status IN ('declared', 'closed')", name=op.f("ck_disaster_status_valid")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disaster")),
    )
    op.create_index(op.f("ix_disaster_region_code"), "disaster", ["region_code"], unique=False)


def downgrade() -> None:
    op.drop_table("disaster")
    drop_platform_tables(op)
