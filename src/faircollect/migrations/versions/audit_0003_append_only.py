"""audit log: time-based checkpoints (head columns) and, on PostgreSQL, triggers that make the log append-only

UPDATE, DELETE and TRUNCATE of audit_record and audit_checkpoint are refused; the head may only move forward.
The table owner can still disable triggers: run the application as a role that does not own these tables
(docs/compliance.md, "Running without the rights to rewrite the log").

Revision ID: audit_0003
Revises: audit_0002
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

from faircollect.db import UTCDateTime

revision = "audit_0003"
down_revision = "audit_0002"
branch_labels = None
depends_on = None

_PG_UP = """
CREATE OR REPLACE FUNCTION faircollect_audit_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only: % on % refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION faircollect_audit_head_forward() RETURNS trigger AS $$
BEGIN
  IF TG_OP <> 'UPDATE' THEN
    RAISE EXCEPTION 'the audit head cannot be deleted (% refused)', TG_OP
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NEW.last_seq < OLD.last_seq OR NEW.last_checkpoint_seq < OLD.last_checkpoint_seq THEN
    RAISE EXCEPTION 'the audit head only moves forward (% -> % refused)', OLD.last_seq, NEW.last_seq
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER audit_record_append_only BEFORE UPDATE OR DELETE ON audit_record
  FOR EACH ROW EXECUTE FUNCTION faircollect_audit_append_only();
CREATE TRIGGER audit_record_no_truncate BEFORE TRUNCATE ON audit_record
  FOR EACH STATEMENT EXECUTE FUNCTION faircollect_audit_append_only();
CREATE TRIGGER audit_checkpoint_append_only BEFORE UPDATE OR DELETE ON audit_checkpoint
  FOR EACH ROW EXECUTE FUNCTION faircollect_audit_append_only();
CREATE TRIGGER audit_checkpoint_no_truncate BEFORE TRUNCATE ON audit_checkpoint
  FOR EACH STATEMENT EXECUTE FUNCTION faircollect_audit_append_only();
CREATE TRIGGER audit_head_forward BEFORE UPDATE OR DELETE ON audit_head
  FOR EACH ROW EXECUTE FUNCTION faircollect_audit_head_forward();
CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head
  FOR EACH STATEMENT EXECUTE FUNCTION faircollect_audit_append_only();
"""

_PG_DOWN = """
DROP TRIGGER IF EXISTS audit_head_no_truncate ON audit_head;
DROP TRIGGER IF EXISTS audit_head_forward ON audit_head;
DROP TRIGGER IF EXISTS audit_checkpoint_no_truncate ON audit_checkpoint;
DROP TRIGGER IF EXISTS audit_checkpoint_append_only ON audit_checkpoint;
DROP TRIGGER IF EXISTS audit_record_no_truncate ON audit_record;
DROP TRIGGER IF EXISTS audit_record_append_only ON audit_record;
DROP FUNCTION IF EXISTS faircollect_audit_head_forward();
DROP FUNCTION IF EXISTS faircollect_audit_append_only();
"""


def upgrade() -> None:
    op.add_column(
        "audit_head", sa.Column("last_checkpoint_seq", sa.BigInteger(), nullable=False, server_default="0")
    )
    op.add_column("audit_head", sa.Column("unsigned_since", UTCDateTime(), nullable=True))
    op.execute(
        "UPDATE audit_head SET last_checkpoint_seq = COALESCE((SELECT MAX(seq) FROM audit_checkpoint), 0)"
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_UP)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_DOWN)
    with op.batch_alter_table("audit_head") as batch:
        batch.drop_column("unsigned_since")
        batch.drop_column("last_checkpoint_seq")
