"""Platform schema v3 (``socialaid.db.migrations.upgrade_platform_v3``): outbox rows the broker
refuses for good are parked (``parked_at``, ``discarded_at``) instead of blocking the relay,
with a partial index of the open parked rows by subject.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from alembic import op

from socialaid.db.migrations import downgrade_platform_v3, upgrade_platform_v3

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    upgrade_platform_v3(op)


def downgrade() -> None:
    downgrade_platform_v3(op)
