"""QA coaching notes are staff-written text about a contact with a borrower: sealed under that borrower's key.

The migration that sealed them names each review's borrower from the reviewed item and encrypts existing notes in
place; its downgrade brings them back in clear.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import inspect, text

from faircollect.console.models import QAReview
from faircollect.db import alembic_config, make_engine, session_factory, upgrade


def test_existing_notes_are_sealed_under_the_reviewed_borrower_and_come_back_on_downgrade(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    upgrade(url)
    command.downgrade(alembic_config(url), "console_0001")
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("PRAGMA foreign_keys=OFF"))  # an attempt without its borrower and loan rows
        conn.execute(
            text(
                "INSERT INTO contact_attempt (id, borrower_id, channel, recipient_role, purpose, at, outcome, actor, created_at)"
                " VALUES ('att_1', 'bor_1', 'call', 'borrower', 'collect', '2026-06-01 02:00:00', 'connected', 'staff:li',"
                " '2026-06-01 02:00:00')"
            )
        )
        for review_id, ref, note in [
            ("qa_1", "attempt:att_1:loan_1", "told 王芳 her son owes money"),
            ("qa_2", "outbox:gone", "no item any more"),
            ("qa_3", "attempt:att_1:", None),
        ]:
            conn.execute(
                text(
                    "INSERT INTO qa_review (id, item_ref, agent, reviewer, checks, score, coaching_note, created_at)"
                    " VALUES (:id, :ref, 'staff:li', 'sup:chen', '{}', NULL, :note, '2026-06-02 02:00:00')"
                ),
                {"id": review_id, "ref": ref, "note": note},
            )
    upgrade(url)
    assert "coaching_note" not in {c["name"] for c in inspect(engine).get_columns("qa_review")}
    with engine.connect() as conn:
        raw = conn.execute(text("SELECT id, borrower_id, coaching_note_enc FROM qa_review ORDER BY id")).all()
    assert [(r[0], r[1]) for r in raw] == [("qa_1", "bor_1"), ("qa_2", None), ("qa_3", "bor_1")]
    assert raw[0][2] and "王芳" not in raw[0][2] and raw[2][2] is None
    with session_factory(engine)() as s:
        notes = [r.coaching_note for r in s.query(QAReview).order_by(QAReview.id)]
    assert notes == ["told 王芳 her son owes money", "no item any more", None]
    command.downgrade(alembic_config(url), "console_0001")
    with engine.connect() as conn:
        back = conn.execute(text("SELECT coaching_note FROM qa_review ORDER BY id")).scalars().all()
    assert back == ["told 王芳 her son owes money", "no item any more", None]
    engine.dispose()
