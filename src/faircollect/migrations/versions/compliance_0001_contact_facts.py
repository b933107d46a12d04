"""compliance: contact attempts, holds, channel preferences, rule overrides, borrower contact locks

Revision ID: compliance_0001
Revises:
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

from faircollect.db import UTCDateTime

revision = "compliance_0001"
down_revision = None
branch_labels = ("compliance",)
depends_on = ("ledger_0001",)


def upgrade() -> None:
    op.create_table(
        "contact_attempt",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("borrower_id", sa.String(40), nullable=False),
        sa.Column("loan_id", sa.String(40), nullable=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("recipient_role", sa.String(24), nullable=False),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("address", sa.String(200), nullable=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("outcome", sa.String(24), nullable=False),
        sa.Column("agency_id", sa.String(40), nullable=True),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("decision_ref", sa.String(80), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["borrower_id"], ["borrower.id"], name="fk_contact_attempt_borrower_id_borrower"
        ),
        sa.ForeignKeyConstraint(["loan_id"], ["loan.id"], name="fk_contact_attempt_loan_id_loan"),
        sa.PrimaryKeyConstraint("id", name="pk_contact_attempt"),
    )
    op.create_index("ix_contact_attempt_borrower_at", "contact_attempt", ["borrower_id", "at"])
    op.create_table(
        "hold",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("borrower_id", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("set_by", sa.String(120), nullable=False),
        sa.Column("set_at", UTCDateTime(), nullable=False),
        sa.Column("until", UTCDateTime(), nullable=True),
        sa.Column("released_at", UTCDateTime(), nullable=True),
        sa.Column("released_by", sa.String(120), nullable=True),
        sa.Column("release_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["borrower_id"], ["borrower.id"], name="fk_hold_borrower_id_borrower"),
        sa.PrimaryKeyConstraint("id", name="pk_hold"),
    )
    op.create_index("ix_hold_borrower_id", "hold", ["borrower_id"])
    op.create_table(
        "channel_preference",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("borrower_id", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("channel", sa.String(16), nullable=True),
        sa.Column("address", sa.String(200), nullable=True),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("source", sa.String(120), nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["borrower_id"], ["borrower.id"], name="fk_channel_preference_borrower_id_borrower"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_channel_preference"),
    )
    op.create_index("ix_channel_preference_borrower_id", "channel_preference", ["borrower_id"])
    op.create_table(
        "rule_override",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("jurisdiction", sa.String(8), nullable=False),
        sa.Column("rule_id", sa.String(60), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_rule_override"),
    )
    op.create_index("ix_rule_override_jurisdiction_rule_id", "rule_override", ["jurisdiction", "rule_id"])
    op.create_table(
        "borrower_contact_lock",
        sa.Column("borrower_id", sa.String(40), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["borrower_id"], ["borrower.id"], name="fk_borrower_contact_lock_borrower_id_borrower"
        ),
        sa.PrimaryKeyConstraint("borrower_id", name="pk_borrower_contact_lock"),
    )


def downgrade() -> None:
    op.drop_table("borrower_contact_lock")
    op.drop_index("ix_rule_override_jurisdiction_rule_id", table_name="rule_override")
    op.drop_table("rule_override")
    op.drop_index("ix_channel_preference_borrower_id", table_name="channel_preference")
    op.drop_table("channel_preference")
    op.drop_index("ix_hold_borrower_id", table_name="hold")
    op.drop_table("hold")
    op.drop_index("ix_contact_attempt_borrower_at", table_name="contact_attempt")
    op.drop_table("contact_attempt")
