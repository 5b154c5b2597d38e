"""Initial verification schema: platform tables, requests, department queries, evidence, discrepancies.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from alembic import op

from socialaid.db.migrations import create_platform_tables, drop_platform_tables
from socialaid.verification.db import metadata

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_platform_tables(op)
    metadata.create_all(op.get_bind())


def downgrade() -> None:
    metadata.drop_all(op.get_bind())
    drop_platform_tables(op)
