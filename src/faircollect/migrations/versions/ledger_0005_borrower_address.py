"""ledger: a borrower's postal address for letters, sealed like the other personal fields (no blind index)

Revision ID: ledger_0005
Revises: ledger_0004
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "ledger_0005"
down_revision = "ledger_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("borrower") as batch:
        batch.add_column(sa.Column("address_enc", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("borrower") as batch:
        batch.drop_column("address_enc")
