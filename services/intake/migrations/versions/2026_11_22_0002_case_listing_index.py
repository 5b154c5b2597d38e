"""Index for listing cases newest first (GET /v1/cases scanned the whole table).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_case_created_at_id", "case", ["created_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_case_created_at_id", table_name="case")
