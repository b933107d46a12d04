"""ledger: a loan's allocation waterfall (configurable per product / loan)

Revision ID: ledger_0002
Revises: ledger_0001
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "ledger_0002"
down_revision = "ledger_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("loan", sa.Column("waterfall", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("loan") as batch:
        batch.drop_column("waterfall")
