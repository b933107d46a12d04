"""compliance: the reasons a hold was set and released sealed under the borrower's key

A hold's reason is often what the person told us (a dispute, a complaint's text, an illness). Existing rows are
encrypted in place with the configured key-encryption key; the clear columns are dropped.

Revision ID: compliance_0003
Revises: compliance_0002
Create Date: 2026-12-03
"""

from faircollect.privacy.migrate import Column, seal_table, unseal_table

revision = "compliance_0003"
down_revision = "compliance_0002"
branch_labels = None
depends_on = ("privacy_0001",)

REASONS = [Column("reason"), Column("release_reason")]


def upgrade() -> None:
    seal_table("hold", REASONS, subject="borrower_id")


def downgrade() -> None:
    unseal_table("hold", REASONS, subject="borrower_id")
