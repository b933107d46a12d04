"""origination: the applicant's birth date sealed under the application's key; the age on the decision date kept

The scorecard reads the age in whole years, so monitoring (PSI of the inputs) needs no birth date: each existing row
gets ``age_at_application`` from its birth date and receipt date, then the birth date is encrypted in place with the
configured key-encryption key (as ISO text) and the clear column dropped. Retention's erasure of an application now
takes its birth date with it.

Revision ID: origination_0003
Revises: origination_0002
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

from faircollect.privacy.migrate import Column, seal_table, unseal_table

revision = "origination_0003"
down_revision = "origination_0002"
branch_labels = None
depends_on = ("privacy_0001",)

BIRTH = [Column("birth_date", type_=sa.Date())]


def _age_on(birth: object, today: object) -> int:
    import datetime as dt

    b = birth if isinstance(birth, dt.date) else dt.date.fromisoformat(str(birth)[:10])
    t = today.date() if isinstance(today, dt.datetime) else dt.date.fromisoformat(str(today)[:10])
    return t.year - b.year - ((t.month, t.day) < (b.month, b.day))


def upgrade() -> None:
    op.add_column("application", sa.Column("age_at_application", sa.Integer(), nullable=True))
    bind = op.get_bind()
    t = sa.table(
        "application",
        sa.column("id"),
        sa.column("birth_date"),
        sa.column("received_at"),
        sa.column("age_at_application"),
    )
    for app_id, birth, received in bind.execute(sa.select(t.c.id, t.c.birth_date, t.c.received_at)).all():
        bind.execute(sa.update(t).where(t.c.id == app_id).values(age_at_application=_age_on(birth, received)))
    seal_table("application", BIRTH, subject="id")
    with op.batch_alter_table("application") as batch:
        batch.alter_column("age_at_application", existing_type=sa.Integer(), nullable=False)


def downgrade() -> None:
    unseal_table("application", BIRTH, subject="id")
    op.drop_column("application", "age_at_application")
