"""audit log: seed the chain head row so concurrent first writers never race to create it

Revision ID: audit_0002
Revises: audit_0001
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "audit_0002"
down_revision = "audit_0001"
branch_labels = None
depends_on = None

GENESIS_HASH = "0" * 64


def upgrade() -> None:
    op.execute(
        sa.text(
            "INSERT INTO audit_head (id, last_seq, last_hash) "
            "SELECT 1, 0, :h WHERE NOT EXISTS (SELECT 1 FROM audit_head WHERE id = 1)"
        ).bindparams(h=GENESIS_HASH)
    )


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM audit_head WHERE id = 1 AND last_seq = 0"))
