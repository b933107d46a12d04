"""portal: extensions of a complaint's regulator clock

Revision ID: portal_0002
Revises: portal_0001
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

from faircollect.db import UTCDateTime

revision = "portal_0002"
down_revision = "portal_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "complaint_extension",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("complaint_id", sa.String(40), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("to_days", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("extended_by", sa.String(120), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("step >= 1", name=op.f("ck_complaint_extension_step")),
        sa.ForeignKeyConstraint(
            ["complaint_id"], ["complaint.id"], name="fk_complaint_extension_complaint_id_complaint"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_complaint_extension"),
    )
    op.create_index("ix_complaint_extension_complaint_id", "complaint_extension", ["complaint_id"])
    op.create_index(
        "uq_complaint_extension_complaint_id_step",
        "complaint_extension",
        ["complaint_id", "step"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("uq_complaint_extension_complaint_id_step", table_name="complaint_extension")
    op.drop_index("ix_complaint_extension_complaint_id", table_name="complaint_extension")
    op.drop_table("complaint_extension")
