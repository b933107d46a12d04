"""portal: relief decision notes, signed names, signed agreements and attachment file names sealed under the
borrower's key

Existing rows are encrypted in place with the configured key-encryption key (the agreement PDF as base64); the
clear columns are dropped.

Revision ID: portal_0003
Revises: portal_0002
Create Date: 2026-12-03
"""

import sqlalchemy as sa

from faircollect.privacy.migrate import Column, seal_table, unseal_table

revision = "portal_0003"
down_revision = "portal_0002"
branch_labels = None
depends_on = ("privacy_0001",)

RELIEF = [
    Column("decision_note"),
    Column("signed_name", type_=sa.String(200)),
    Column("agreement_pdf", type_=sa.LargeBinary(), binary=True),
]
ATTACHMENT = [Column("filename", type_=sa.String(200))]


def upgrade() -> None:
    seal_table("relief_application", RELIEF, subject="borrower_id")
    seal_table("complaint_attachment", ATTACHMENT, subject="borrower_id")


def downgrade() -> None:
    unseal_table("complaint_attachment", ATTACHMENT, subject="borrower_id")
    unseal_table("relief_application", RELIEF, subject="borrower_id")
