"""privacy: per-subject data keys, wrapped under the key-encryption key (envelope encryption)

Revision ID: privacy_0001
Revises:
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

from faircollect.db import UTCDateTime

revision = "privacy_0001"
down_revision = None
branch_labels = ("privacy",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "data_key",
        sa.Column("subject_id", sa.String(80), nullable=False),
        sa.Column("wrapped", sa.LargeBinary(), nullable=True),
        sa.Column("kek_id", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("destroyed_at", UTCDateTime(), nullable=True),
        sa.Column("destroyed_reason", sa.String(200), nullable=True),
        sa.PrimaryKeyConstraint("subject_id", name=op.f("pk_data_key")),
    )


def downgrade() -> None:
    op.drop_table("data_key")
