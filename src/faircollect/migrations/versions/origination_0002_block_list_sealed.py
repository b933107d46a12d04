"""origination: the block list seals its value beside a rotatable blind index (phone / id_number columns)

Entries written before this revision held only the blind index: it is kept (in the column of its kind), but with
no sealed value ``keys rotate`` cannot re-compute it — re-enter such entries before a rotation
(docs/origination.md, "Block list").

Revision ID: origination_0002
Revises: origination_0001
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "origination_0002"
down_revision = "origination_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("application_block") as batch:
        batch.add_column(sa.Column("phone_enc", sa.Text(), nullable=True))
        batch.add_column(sa.Column("phone_bidx", sa.String(64), nullable=True))
        batch.add_column(sa.Column("id_number_enc", sa.Text(), nullable=True))
        batch.add_column(sa.Column("id_number_bidx", sa.String(64), nullable=True))
    op.execute("UPDATE application_block SET phone_bidx = value_bidx WHERE kind = 'phone'")
    op.execute("UPDATE application_block SET id_number_bidx = value_bidx WHERE kind = 'id_number'")
    op.drop_index("ix_application_block_value_bidx", table_name="application_block")
    with op.batch_alter_table("application_block") as batch:
        batch.drop_column("value_bidx")
    op.create_index("ix_application_block_phone_bidx", "application_block", ["phone_bidx"])
    op.create_index("ix_application_block_id_number_bidx", "application_block", ["id_number_bidx"])


def downgrade() -> None:
    op.drop_index("ix_application_block_id_number_bidx", table_name="application_block")
    op.drop_index("ix_application_block_phone_bidx", table_name="application_block")
    with op.batch_alter_table("application_block") as batch:
        batch.add_column(sa.Column("value_bidx", sa.String(64), nullable=True))
    op.execute("UPDATE application_block SET value_bidx = COALESCE(phone_bidx, id_number_bidx)")
    with op.batch_alter_table("application_block") as batch:
        batch.drop_column("phone_enc")
        batch.drop_column("phone_bidx")
        batch.drop_column("id_number_enc")
        batch.drop_column("id_number_bidx")
        batch.alter_column("value_bidx", existing_type=sa.String(64), nullable=False)
    op.create_index("ix_application_block_value_bidx", "application_block", ["value_bidx"])
