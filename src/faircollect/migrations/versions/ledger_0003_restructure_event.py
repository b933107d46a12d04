"""ledger: a loan event of type ``restructure`` (a new schedule version: relief plans)

Revision ID: ledger_0003
Revises: ledger_0002
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "ledger_0003"
down_revision = "ledger_0002"
branch_labels = None
depends_on = None

OLD = "type IN ('disbursement', 'payment', 'reversal', 'waiver', 'pause', 'write_off')"
NEW = "type IN ('disbursement', 'payment', 'reversal', 'waiver', 'pause', 'write_off', 'restructure')"


def _type_check_name() -> str:
    checks = sa.inspect(op.get_bind()).get_check_constraints("loan_event")
    return str(next(c["name"] for c in checks if "write_off" in c["sqltext"]))


def _swap(sqltext: str) -> None:
    name = _type_check_name()
    with op.batch_alter_table("loan_event") as batch:
        batch.drop_constraint(op.f(name), type_="check")
        batch.create_check_constraint(op.f("ck_loan_event_type"), sqltext)


def upgrade() -> None:
    _swap(NEW)


def downgrade() -> None:
    _swap(OLD)
