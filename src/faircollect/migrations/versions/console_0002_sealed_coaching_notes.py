"""console: QA reviews name the borrower whose contact was reviewed; coaching notes sealed under that borrower's key

``borrower_id`` is filled from the reviewed item (``outbox:ID`` → the outbox message's borrower, ``attempt:ID:...``
→ the contact attempt's), then existing notes are encrypted in place with the configured key-encryption key and the
clear column dropped.

Revision ID: console_0002
Revises: console_0001
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

from faircollect.privacy.migrate import Column, seal_table, unseal_table

revision = "console_0002"
down_revision = "console_0001"
branch_labels = None
depends_on = ("privacy_0001", "messaging_0001", "compliance_0001")

NOTE = [Column("coaching_note")]


def upgrade() -> None:
    op.add_column("qa_review", sa.Column("borrower_id", sa.String(40), nullable=True))
    op.create_index("ix_qa_review_borrower_id", "qa_review", ["borrower_id"])
    bind = op.get_bind()
    qa = sa.table("qa_review", sa.column("id"), sa.column("item_ref"), sa.column("borrower_id"))
    outbox = sa.table("outbox_message", sa.column("id"), sa.column("borrower_id"))
    attempt = sa.table("contact_attempt", sa.column("id"), sa.column("borrower_id"))
    for review_id, ref in bind.execute(sa.select(qa.c.id, qa.c.item_ref)).all():
        kind, _, rest = str(ref).partition(":")
        source = outbox if kind == "outbox" else attempt if kind == "attempt" else None
        if source is None:
            continue
        item_id = rest.split(":", 1)[0]
        borrower = bind.execute(sa.select(source.c.borrower_id).where(source.c.id == item_id)).scalar()
        if borrower is not None:
            bind.execute(sa.update(qa).where(qa.c.id == review_id).values(borrower_id=borrower))
    seal_table("qa_review", NOTE, subject="borrower_id")


def downgrade() -> None:
    unseal_table("qa_review", NOTE, subject="borrower_id")
    op.drop_index("ix_qa_review_borrower_id", table_name="qa_review")
    op.drop_column("qa_review", "borrower_id")
