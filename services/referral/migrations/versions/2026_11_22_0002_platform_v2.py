"""Platform schema v2 (``socialaid.db.migrations.upgrade_platform_v2``): room on the pages of
``outbox_sequence`` for HOT updates of event sequences.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from alembic import op

from socialaid.db.migrations import downgrade_platform_v2, upgrade_platform_v2

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    upgrade_platform_v2(op)


def downgrade() -> None:
    downgrade_platform_v2(op)
