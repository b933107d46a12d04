"""identity: two-person approvals (four eyes), e.g. a compliance officer's loosening of a rule

Revision ID: identity_0002
Revises: identity_0001
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

from faircollect.db import UTCDateTime

revision = "identity_0002"
down_revision = "identity_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "identity_approval",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("subject", sa.String(120), nullable=False),
        sa.Column("request", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("requested_by", sa.String(120), nullable=False),
        sa.Column("requested_at", UTCDateTime(), nullable=False),
        sa.Column("decided_by", sa.String(120), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("result_ref", sa.String(80), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_identity_approval"),
    )
    op.create_index("ix_identity_approval_status", "identity_approval", ["status"])


def downgrade() -> None:
    op.drop_table("identity_approval")
