"""ledger: borrowers, contacts, products (versioned), loans, events, entries, bucket history

Revision ID: ledger_0001
Revises:
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

from faircollect.db import UTCDateTime

revision = "ledger_0001"
down_revision = None
branch_labels = ("ledger",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "borrower",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("external_ref", sa.String(80), nullable=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("phone", sa.String(40), nullable=True),
        sa.Column("email", sa.String(200), nullable=True),
        sa.Column("id_number", sa.String(40), nullable=True),
        sa.Column("timezone", sa.String(64), nullable=True),
        sa.Column("jurisdiction", sa.String(8), nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_borrower"),
        sa.UniqueConstraint("external_ref", name="uq_borrower_external_ref"),
    )
    op.create_table(
        "product",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("code", sa.String(60), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("jurisdiction", sa.String(8), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_product"),
        sa.UniqueConstraint("code", name="uq_product_code"),
    )
    op.create_table(
        "product_version",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("product_id", sa.String(40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("terms", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["product_id"], ["product.id"], name="fk_product_version_product_id_product"),
        sa.PrimaryKeyConstraint("id", name="pk_product_version"),
        sa.UniqueConstraint("product_id", "version", name="uq_product_version_product_id_version"),
    )
    op.create_index("ix_product_version_product_id", "product_version", ["product_id"])
    op.create_table(
        "loan",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("external_ref", sa.String(80), nullable=True),
        sa.Column("borrower_id", sa.String(40), nullable=False),
        sa.Column("product_version_id", sa.String(40), nullable=True),
        sa.Column("terms", sa.JSON(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("principal_minor", sa.BigInteger(), nullable=False),
        sa.Column("jurisdiction", sa.String(8), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("bucket_set", sa.String(20), nullable=False),
        sa.Column("bucket", sa.String(20), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("approved_at", UTCDateTime(), nullable=True),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('application', 'approved', 'active', 'closed', 'written_off')", name="ck_loan_status"
        ),
        sa.ForeignKeyConstraint(["borrower_id"], ["borrower.id"], name="fk_loan_borrower_id_borrower"),
        sa.ForeignKeyConstraint(
            ["product_version_id"], ["product_version.id"], name="fk_loan_product_version_id_product_version"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_loan"),
        sa.UniqueConstraint("external_ref", name="uq_loan_external_ref"),
    )
    op.create_index("ix_loan_borrower_id", "loan", ["borrower_id"])
    op.create_index("ix_loan_status", "loan", ["status"])
    op.create_table(
        "borrower_contact",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("borrower_id", sa.String(40), nullable=False),
        sa.Column("loan_id", sa.String(40), nullable=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("phone", sa.String(40), nullable=True),
        sa.Column("email", sa.String(200), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "role IN ('guarantor', 'joint_debtor', 'registered_contact')", name="ck_borrower_contact_role"
        ),
        sa.ForeignKeyConstraint(
            ["borrower_id"], ["borrower.id"], name="fk_borrower_contact_borrower_id_borrower"
        ),
        sa.ForeignKeyConstraint(["loan_id"], ["loan.id"], name="fk_borrower_contact_loan_id_loan"),
        sa.PrimaryKeyConstraint("id", name="pk_borrower_contact"),
    )
    op.create_index("ix_borrower_contact_borrower_id", "borrower_contact", ["borrower_id"])
    op.create_table(
        "loan_event",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("loan_id", sa.String(40), nullable=False),
        sa.Column("key", sa.String(120), nullable=False),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "type IN ('disbursement', 'payment', 'reversal', 'waiver', 'pause', 'write_off')",
            name="ck_loan_event_type",
        ),
        sa.ForeignKeyConstraint(["loan_id"], ["loan.id"], name="fk_loan_event_loan_id_loan"),
        sa.PrimaryKeyConstraint("id", name="pk_loan_event"),
        sa.UniqueConstraint("loan_id", "key", name="uq_loan_event_loan_id_key"),
    )
    op.create_table(
        "ledger_entry",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("loan_id", sa.String(40), nullable=False),
        sa.Column("event_id", sa.String(40), nullable=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("instalment_number", sa.Integer(), nullable=True),
        sa.Column("component", sa.String(20), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("value_date", sa.Date(), nullable=False),
        sa.Column("booked_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["loan_id"], ["loan.id"], name="fk_ledger_entry_loan_id_loan"),
        sa.ForeignKeyConstraint(["event_id"], ["loan_event.id"], name="fk_ledger_entry_event_id_loan_event"),
        sa.PrimaryKeyConstraint("id", name="pk_ledger_entry"),
    )
    op.create_index("ix_ledger_entry_loan_id", "ledger_entry", ["loan_id"])
    op.create_table(
        "bucket_history",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("loan_id", sa.String(40), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("from_bucket", sa.String(20), nullable=True),
        sa.Column("to_bucket", sa.String(20), nullable=False),
        sa.Column("days_past_due", sa.Integer(), nullable=False),
        sa.Column("bucket_set", sa.String(20), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["loan_id"], ["loan.id"], name="fk_bucket_history_loan_id_loan"),
        sa.PrimaryKeyConstraint("id", name="pk_bucket_history"),
    )
    op.create_index("ix_bucket_history_loan_id_date", "bucket_history", ["loan_id", "date"])


def downgrade() -> None:
    op.drop_index("ix_bucket_history_loan_id_date", table_name="bucket_history")
    op.drop_table("bucket_history")
    op.drop_index("ix_ledger_entry_loan_id", table_name="ledger_entry")
    op.drop_table("ledger_entry")
    op.drop_table("loan_event")
    op.drop_index("ix_borrower_contact_borrower_id", table_name="borrower_contact")
    op.drop_table("borrower_contact")
    op.drop_index("ix_loan_status", table_name="loan")
    op.drop_index("ix_loan_borrower_id", table_name="loan")
    op.drop_table("loan")
    op.drop_index("ix_product_version_product_id", table_name="product_version")
    op.drop_table("product_version")
    op.drop_table("product")
    op.drop_table("borrower")
