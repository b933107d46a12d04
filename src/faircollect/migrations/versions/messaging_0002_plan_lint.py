"""messaging: the plan-time lint verdict stored with each outbox message (reused at send time if unchanged)

Revision ID: messaging_0002
Revises: messaging_0001
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "messaging_0002"
down_revision = "messaging_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_message") as batch:
        batch.add_column(sa.Column("plan_lint", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox_message") as batch:
        batch.drop_column("plan_lint")
