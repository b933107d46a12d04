"""collections: complaint texts, visit reasons, notes and reports, and the notes in case events sealed under the
borrower's key

Existing rows are encrypted in place with the configured key-encryption key; the clear columns are dropped. Notes
in case-event payloads (a call's note, a close note, a visit decision's note) are sealed in place too.

Revision ID: collections_0002
Revises: collections_0001
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

from faircollect.privacy.migrate import Column, seal_table, unseal_table
from faircollect.privacy.payload import open_payload, seal_payload

revision = "collections_0002"
down_revision = "collections_0001"
branch_labels = None
depends_on = ("privacy_0001",)

COMPLAINT = [Column("summary"), Column("answer")]
VISIT = [Column("reason"), Column("decided_note"), Column("report")]
#: Free-text keys of case-event payloads (``collections.service.record_change(private=...)``); a ``reason`` is
#: free text only where an agency's case was recalled (elsewhere it is a code such as ``cured``).
EVENT_TEXT = ("note",)
RECALL_TEXT = ("note", "reason")


def _case_events(seal: bool) -> None:
    bind = op.get_bind()
    ev = sa.table(
        "case_event", sa.column("id"), sa.column("case_id"), sa.column("type"), sa.column("payload", sa.JSON)
    )
    case = sa.table("collection_case", sa.column("id"), sa.column("borrower_id"))
    rows = bind.execute(
        sa.select(ev.c.id, case.c.borrower_id, ev.c.type, ev.c.payload).join(case, case.c.id == ev.c.case_id)
    ).all()
    session = Session(bind=bind)
    for eid, borrower_id, type_, payload in rows:
        keys = RECALL_TEXT if type_ == "recalled_from_agency" else EVENT_TEXT
        if not isinstance(payload, dict) or not any(isinstance(payload.get(k), str) for k in keys):
            continue
        if seal:
            new = seal_payload(session, borrower_id, payload, keys, scope="case_event")
        else:
            new = open_payload(session, borrower_id, payload, keys, scope="case_event")
        if new != payload:
            bind.execute(sa.update(ev).where(ev.c.id == eid).values(payload=new))
    session.close()


def upgrade() -> None:
    seal_table("complaint", COMPLAINT, subject="borrower_id")
    seal_table("visit_request", VISIT, subject="borrower_id")
    _case_events(seal=True)


def downgrade() -> None:
    _case_events(seal=False)
    unseal_table("visit_request", VISIT, subject="borrower_id")
    unseal_table("complaint", COMPLAINT, subject="borrower_id")
