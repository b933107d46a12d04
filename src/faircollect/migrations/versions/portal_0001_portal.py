"""portal: one-time codes, relief applications, complaint attachments

Revision ID: portal_0001
Revises:
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

from faircollect.db import UTCDateTime

revision = "portal_0001"
down_revision = None
branch_labels = ("portal",)
depends_on = ("ledger_0003", "collections_0001")


def upgrade() -> None:
    op.create_table(
        "portal_otp",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("borrower_id", sa.String(40), nullable=False),
        sa.Column("purpose", sa.String(12), nullable=False),
        sa.Column("subject_id", sa.String(40), nullable=True),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("used_at", UTCDateTime(), nullable=True),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.CheckConstraint("purpose IN ('sign_in', 'sign_plan')", name=op.f("ck_portal_otp_purpose")),
        sa.ForeignKeyConstraint(["borrower_id"], ["borrower.id"], name="fk_portal_otp_borrower_id_borrower"),
        sa.PrimaryKeyConstraint("id", name="pk_portal_otp"),
    )
    op.create_index("ix_portal_otp_borrower_id", "portal_otp", ["borrower_id"])
    op.create_table(
        "relief_application",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("borrower_id", sa.String(40), nullable=False),
        sa.Column("loan_id", sa.String(40), nullable=False),
        sa.Column("reason", sa.String(20), nullable=False),
        sa.Column("distress", sa.Boolean(), nullable=False),
        sa.Column("income_minor", sa.BigInteger(), nullable=False),
        sa.Column("expenditure_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.Column("total_minor", sa.BigInteger(), nullable=False),
        sa.Column("within_policy", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("decided_by", sa.String(120), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("signed_name", sa.String(200), nullable=True),
        sa.Column("signed_at", UTCDateTime(), nullable=True),
        sa.Column("agreement_sha256", sa.String(64), nullable=True),
        sa.Column("agreement_pdf", sa.LargeBinary(), nullable=True),
        sa.Column("schedule_version", sa.Integer(), nullable=True),
        sa.Column("hold_id", sa.String(40), nullable=True),
        sa.Column("grace_days", sa.Integer(), nullable=False),
        sa.Column("tolerance_minor", sa.BigInteger(), nullable=False),
        sa.Column("appended", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('pending_review', 'approved', 'declined', 'signed', 'broken', 'completed', 'withdrawn')",
            name=op.f("ck_relief_application_status"),
        ),
        sa.CheckConstraint("grace_days >= 3", name=op.f("ck_relief_application_grace_days")),
        sa.ForeignKeyConstraint(
            ["borrower_id"], ["borrower.id"], name="fk_relief_application_borrower_id_borrower"
        ),
        sa.ForeignKeyConstraint(["loan_id"], ["loan.id"], name="fk_relief_application_loan_id_loan"),
        sa.PrimaryKeyConstraint("id", name="pk_relief_application"),
    )
    op.create_index("ix_relief_application_borrower_id", "relief_application", ["borrower_id"])
    op.create_index("ix_relief_application_loan_id", "relief_application", ["loan_id"])
    op.create_table(
        "complaint_attachment",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("complaint_id", sa.String(40), nullable=False),
        sa.Column("borrower_id", sa.String(40), nullable=False),
        sa.Column("filename", sa.String(200), nullable=False),
        sa.Column("content_type", sa.String(60), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("sealed", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"], ["complaint.id"], name="fk_complaint_attachment_complaint_id_complaint"
        ),
        sa.ForeignKeyConstraint(
            ["borrower_id"], ["borrower.id"], name="fk_complaint_attachment_borrower_id_borrower"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_complaint_attachment"),
    )
    op.create_index("ix_complaint_attachment_complaint_id", "complaint_attachment", ["complaint_id"])


def downgrade() -> None:
    op.drop_table("complaint_attachment")
    op.drop_table("relief_application")
    op.drop_table("portal_otp")
