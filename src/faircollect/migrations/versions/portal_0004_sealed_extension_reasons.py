"""portal: the reason of a complaint-clock extension sealed under the borrower's key (it is free text about the
complaint, told to the complainant), with the borrower's id on the row as its subject

Existing rows take the borrower of their complaint and are encrypted in place with the configured key-encryption
key; the clear column is dropped.

Revision ID: portal_0004
Revises: portal_0003
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

from faircollect.privacy.migrate import Column, seal_table, unseal_table

revision = "portal_0004"
down_revision = "portal_0003"
branch_labels = None
depends_on = ("privacy_0001",)

REASON = [Column("reason")]


def upgrade() -> None:
    op.add_column("complaint_extension", sa.Column("borrower_id", sa.String(40), nullable=True))
    op.execute(
        "UPDATE complaint_extension SET borrower_id = "
        "(SELECT complaint.borrower_id FROM complaint WHERE complaint.id = complaint_extension.complaint_id)"
    )
    with op.batch_alter_table("complaint_extension") as batch:
        batch.alter_column("borrower_id", existing_type=sa.String(40), nullable=False)
        batch.create_foreign_key(
            "fk_complaint_extension_borrower_id_borrower", "borrower", ["borrower_id"], ["id"]
        )
    seal_table("complaint_extension", REASON, subject="borrower_id")


def downgrade() -> None:
    unseal_table("complaint_extension", REASON, subject="borrower_id")
    with op.batch_alter_table("complaint_extension") as batch:
        batch.drop_constraint("fk_complaint_extension_borrower_id_borrower", type_="foreignkey")
        batch.drop_column("borrower_id")
