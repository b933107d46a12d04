"""console: QA reviews and strategy versions

Revision ID: console_0001
Revises:
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

from faircollect.db import UTCDateTime

revision = "console_0001"
down_revision = None
branch_labels = ("console",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "qa_review",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("item_ref", sa.String(length=80), nullable=False),
        sa.Column("agent", sa.String(length=120), nullable=False),
        sa.Column("reviewer", sa.String(length=120), nullable=False),
        sa.Column("checks", sa.JSON(), nullable=False),
        sa.Column("score", sa.String(length=12), nullable=True),
        sa.Column("coaching_note", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qa_review")),
    )
    op.create_index(op.f("ix_qa_review_agent"), "qa_review", ["agent"], unique=False)
    op.create_table(
        "strategy_version",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("strategy_id", sa.String(length=80), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("jurisdiction", sa.String(length=8), nullable=False),
        sa.Column("yaml", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("activated_by", sa.String(length=120), nullable=True),
        sa.Column("activated_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint("status IN ('draft', 'live', 'retired')", name=op.f("ck_strategy_version_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_strategy_version")),
    )
    op.create_index(
        "uq_strategy_version_strategy_id_version",
        "strategy_version",
        ["strategy_id", "version"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("uq_strategy_version_strategy_id_version", table_name="strategy_version")
    op.drop_table("strategy_version")
    op.drop_index(op.f("ix_qa_review_agent"), table_name="qa_review")
    op.drop_table("qa_review")
