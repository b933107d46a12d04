"""messaging: templates, outbox, delivery receipts, inbound replies

Revision ID: messaging_0001
Revises:
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

from faircollect.db import UTCDateTime

revision = "messaging_0001"
down_revision = None
branch_labels = ("messaging",)
depends_on = ("ledger_0001", "compliance_0001")


def upgrade() -> None:
    op.create_table(
        "message_template",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("key", sa.String(80), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("recipient_role", sa.String(24), nullable=False),
        sa.Column("requires_visit_approved", sa.Boolean(), nullable=False),
        sa.Column("requires_lawsuit_filed", sa.Boolean(), nullable=False),
        sa.Column("lint_verdict", sa.String(8), nullable=False),
        sa.Column("lint_findings", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(120), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_message_template"),
        sa.UniqueConstraint("key", "channel", "language", "version", name="uq_message_template_version"),
    )
    op.create_table(
        "outbox_message",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("borrower_id", sa.String(40), nullable=False),
        sa.Column("loan_id", sa.String(40), nullable=True),
        sa.Column("case_id", sa.String(40), nullable=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("recipient_role", sa.String(24), nullable=False),
        sa.Column("address", sa.String(200), nullable=False),
        sa.Column("language", sa.String(8), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("verification_code", sa.String(16), nullable=False),
        sa.Column("lender", sa.String(120), nullable=False),
        sa.Column("template_key", sa.String(80), nullable=True),
        sa.Column("planned_for", UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("lease_until", UTCDateTime(), nullable=True),
        sa.Column("lease_owner", sa.String(80), nullable=True),
        sa.Column("idempotency_key", sa.String(120), nullable=False),
        sa.Column("provider", sa.String(40), nullable=True),
        sa.Column("provider_message_id", sa.String(120), nullable=True),
        sa.Column("contact_attempt_id", sa.String(40), nullable=True),
        sa.Column("experiment", sa.String(80), nullable=True),
        sa.Column("arm", sa.String(80), nullable=True),
        sa.Column("assignment_probability", sa.Numeric(12, 10), nullable=True),
        sa.Column("plan_rule_ids", sa.JSON(), nullable=False),
        sa.Column("send_rule_ids", sa.JSON(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("verify_failures", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(120), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("delivered_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_outbox_message"),
        sa.ForeignKeyConstraint(
            ["borrower_id"], ["borrower.id"], name="fk_outbox_message_borrower_id_borrower"
        ),
        sa.ForeignKeyConstraint(["loan_id"], ["loan.id"], name="fk_outbox_message_loan_id_loan"),
        sa.UniqueConstraint("verification_code", name="uq_outbox_message_verification_code"),
        sa.UniqueConstraint("idempotency_key", name="uq_outbox_message_idempotency_key"),
    )
    op.create_index("ix_outbox_message_borrower_id", "outbox_message", ["borrower_id"])
    op.create_index("ix_outbox_message_provider_message_id", "outbox_message", ["provider_message_id"])
    op.create_index("ix_outbox_message_due", "outbox_message", ["status", "next_attempt_at"])
    op.create_index("ix_outbox_message_address", "outbox_message", ["address"])
    op.create_table(
        "delivery_receipt",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("outbox_message_id", sa.String(40), nullable=True),
        sa.Column("provider", sa.String(40), nullable=False),
        sa.Column("provider_message_id", sa.String(120), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("provider_status", sa.String(40), nullable=False),
        sa.Column("error_code", sa.String(40), nullable=True),
        sa.Column("raw", sa.JSON(), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_delivery_receipt"),
        sa.ForeignKeyConstraint(
            ["outbox_message_id"],
            ["outbox_message.id"],
            name="fk_delivery_receipt_outbox_message_id_outbox_message",
        ),
    )
    op.create_index("ix_delivery_receipt_outbox_message_id", "delivery_receipt", ["outbox_message_id"])
    op.create_table(
        "inbound_reply",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("provider", sa.String(40), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("from_address", sa.String(200), nullable=False),
        sa.Column("to_address", sa.String(200), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("borrower_id", sa.String(40), nullable=True),
        sa.Column("outbox_message_id", sa.String(40), nullable=True),
        sa.Column("is_opt_out", sa.Boolean(), nullable=False),
        sa.Column("provider_message_id", sa.String(120), nullable=True),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_inbound_reply"),
        sa.ForeignKeyConstraint(
            ["borrower_id"], ["borrower.id"], name="fk_inbound_reply_borrower_id_borrower"
        ),
        sa.ForeignKeyConstraint(
            ["outbox_message_id"],
            ["outbox_message.id"],
            name="fk_inbound_reply_outbox_message_id_outbox_message",
        ),
    )
    op.create_index("ix_inbound_reply_borrower_id", "inbound_reply", ["borrower_id"])


def downgrade() -> None:
    op.drop_index("ix_inbound_reply_borrower_id", table_name="inbound_reply")
    op.drop_table("inbound_reply")
    op.drop_index("ix_delivery_receipt_outbox_message_id", table_name="delivery_receipt")
    op.drop_table("delivery_receipt")
    for ix in (
        "ix_outbox_message_address",
        "ix_outbox_message_due",
        "ix_outbox_message_provider_message_id",
        "ix_outbox_message_borrower_id",
    ):
        op.drop_index(ix, table_name="outbox_message")
    op.drop_table("outbox_message")
    op.drop_table("message_template")
