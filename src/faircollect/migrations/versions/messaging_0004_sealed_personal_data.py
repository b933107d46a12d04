"""messaging: outbox addresses and texts, inbound replies' senders and texts sealed under the borrower's key

Existing rows are encrypted in place with the configured key-encryption key; the clear columns are dropped.

Revision ID: messaging_0004
Revises: messaging_0003
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

from faircollect.privacy.migrate import Column, seal_table, unseal_table

revision = "messaging_0004"
down_revision = "messaging_0003"
branch_labels = None
depends_on = ("privacy_0001",)

OUTBOX = [Column("address", "address", type_=sa.String(200)), Column("body", type_=sa.Text())]
INBOUND = [Column("from_address", "address", indexed=True, type_=sa.String(200)), Column("body")]


def upgrade() -> None:
    seal_table("outbox_message", OUTBOX, subject="borrower_id", drop_indexes=["ix_outbox_message_address"])
    op.create_index("ix_outbox_message_address_bidx", "outbox_message", ["address_bidx"])
    seal_table("inbound_reply", INBOUND, subject="borrower_id")


def downgrade() -> None:
    unseal_table("inbound_reply", INBOUND, subject="borrower_id")
    op.drop_index("ix_outbox_message_address_bidx", table_name="outbox_message")
    unseal_table("outbox_message", OUTBOX, subject="borrower_id")
    op.create_index("ix_outbox_message_address", "outbox_message", ["address"])
