"""origination: applications with their decisions (personal data sealed, blind indexes) and the block list

Revision ID: origination_0001
Revises:
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

from faircollect.db import UTCDateTime

revision = "origination_0001"
down_revision = None
branch_labels = ("origination",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "application",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("external_ref", sa.String(80), nullable=True),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("product_code", sa.String(60), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("term", sa.Integer(), nullable=False),
        sa.Column("jurisdiction", sa.String(8), nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("monthly_income_minor", sa.BigInteger(), nullable=False),
        sa.Column("monthly_obligations_minor", sa.BigInteger(), nullable=False),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.Column("consents", sa.JSON(), nullable=False),
        sa.Column("name_enc", sa.Text(), nullable=True),
        sa.Column("phone_enc", sa.Text(), nullable=True),
        sa.Column("phone_bidx", sa.String(64), nullable=True),
        sa.Column("id_number_enc", sa.Text(), nullable=True),
        sa.Column("id_number_bidx", sa.String(64), nullable=True),
        sa.Column("outcome", sa.String(10), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("decision", sa.JSON(), nullable=False),
        sa.Column("policy_key", sa.String(80), nullable=False),
        sa.Column("model_key", sa.String(80), nullable=False),
        sa.Column("inputs_hash", sa.String(64), nullable=False),
        sa.Column("borrower_id", sa.String(40), nullable=True),
        sa.Column("loan_id", sa.String(40), nullable=True),
        sa.CheckConstraint("outcome IN ('approve', 'refer', 'decline')", name="ck_application_outcome"),
        sa.PrimaryKeyConstraint("id", name="pk_application"),
        sa.UniqueConstraint("external_ref", name="uq_application_external_ref"),
    )
    op.create_index("ix_application_received_at", "application", ["received_at"])
    op.create_index("ix_application_phone_bidx", "application", ["phone_bidx"])
    op.create_index("ix_application_id_number_bidx", "application", ["id_number_bidx"])
    op.create_table(
        "application_block",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("value_bidx", sa.String(64), nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("added_at", UTCDateTime(), nullable=False),
        sa.Column("added_by", sa.String(120), nullable=False),
        sa.CheckConstraint("kind IN ('phone', 'id_number')", name="ck_application_block_kind"),
        sa.PrimaryKeyConstraint("id", name="pk_application_block"),
    )
    op.create_index("ix_application_block_value_bidx", "application_block", ["value_bidx"])


def downgrade() -> None:
    op.drop_table("application_block")
    op.drop_table("application")
