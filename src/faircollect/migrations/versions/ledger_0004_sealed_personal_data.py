"""ledger: borrowers' and contacts' personal data sealed (AES-GCM under per-borrower keys) with blind indexes

Existing rows are encrypted in place with the configured key-encryption key; the clear columns are dropped.

Revision ID: ledger_0004
Revises: ledger_0003
Create Date: 2026-12-03
"""

import sqlalchemy as sa

from faircollect.privacy.migrate import Column, seal_table, unseal_table

revision = "ledger_0004"
down_revision = "ledger_0003"
branch_labels = None
depends_on = ("privacy_0001",)

BORROWER = [
    Column("name", type_=sa.String(200)),
    Column("phone", "phone", indexed=True, type_=sa.String(40)),
    Column("email", "email", indexed=True, type_=sa.String(200)),
    Column("id_number", "id_number", indexed=True, type_=sa.String(40)),
]
CONTACT = [
    Column("name", type_=sa.String(200)),
    Column("phone", "phone", indexed=True, type_=sa.String(40)),
    Column("email", "email", indexed=True, type_=sa.String(200)),
]


def upgrade() -> None:
    seal_table("borrower", BORROWER, subject="id")
    seal_table("borrower_contact", CONTACT, subject="borrower_id")


def downgrade() -> None:
    unseal_table("borrower_contact", CONTACT, subject="borrower_id")
    unseal_table("borrower", BORROWER, subject="id")
