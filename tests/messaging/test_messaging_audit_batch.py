"""The dispatcher's batched audit append (``audit.record_many``) builds exactly the chain ``record`` would."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from faircollect.compliance.audit import service as audit
from faircollect.compliance.audit.models import AuditRecord
from faircollect.db import make_engine, session_factory, unit_of_work, upgrade


def _entries(at: datetime) -> list[dict[str, object]]:
    return [
        {
            "actor": "t",
            "action": f"a{i}",
            "subject_type": "x",
            "subject_id": str(i),
            "payload": {"n": i, "当": "值"},
            "at": at + timedelta(seconds=i),
        }
        for i in range(7)
    ]


def _chain(factory: sessionmaker[Session]) -> list[tuple[int, str, str]]:
    with factory() as s:
        return [
            (r.seq, r.prev_hash, r.hash)
            for r in s.execute(select(AuditRecord).order_by(AuditRecord.seq)).scalars()
        ]


def test_record_many_equals_record_one_by_one_and_verifies(
    tmp_path: object, sq: sessionmaker[Session]
) -> None:
    at = datetime(2026, 3, 1, 9, tzinfo=UTC)
    url2 = f"sqlite:///{tmp_path}/other.sqlite3"
    upgrade(url2)
    engine2 = make_engine(url2)
    other = session_factory(engine2)
    with unit_of_work(sq) as s:
        audit.record(s, actor="t", action="first", subject_type="x", subject_id="0", at=at)
        audit.record_many(s, _entries(at), checkpoint_every=3)
    with unit_of_work(other) as s:
        audit.record(s, actor="t", action="first", subject_type="x", subject_id="0", at=at)
        for e in _entries(at):
            audit.record(s, checkpoint_every=3, **e)  # type: ignore[arg-type]
    assert _chain(sq) == _chain(other)
    with sq() as s:
        result = audit.verify(s)
    assert result.ok and result.records_checked == 8 and result.checkpoints_checked == 2
    engine2.dispose()
