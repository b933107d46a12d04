"""compliance: contact-attempt and channel-preference addresses sealed under the borrower's key

Existing rows are encrypted in place with the configured key-encryption key; the clear columns are dropped.

Revision ID: compliance_0002
Revises: compliance_0001
Create Date: 2026-12-03
"""

import sqlalchemy as sa

from faircollect.privacy.migrate import Column, seal_table, unseal_table

revision = "compliance_0002"
down_revision = "compliance_0001"
branch_labels = None
depends_on = ("privacy_0001",)

ADDRESS = [Column("address", "address", type_=sa.String(200))]


def upgrade() -> None:
    seal_table("contact_attempt", ADDRESS, subject="borrower_id")
    seal_table("channel_preference", ADDRESS, subject="borrower_id")


def downgrade() -> None:
    unseal_table("channel_preference", ADDRESS, subject="borrower_id")
    unseal_table("contact_attempt", ADDRESS, subject="borrower_id")
