"""The audit log cannot be cut short or rewritten quietly: checkpoints by count, by age and at shutdown, each
with a receipt outside the database; ``audit verify`` holds the database against the receipts; on PostgreSQL the
tables refuse UPDATE, DELETE and TRUNCATE."""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from freezegun import freeze_time
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from faircollect.cli import app
from faircollect.compliance.audit import service as audit
from faircollect.compliance.audit.chain import record_hash
from faircollect.compliance.audit.models import AuditCheckpoint, AuditHead, AuditRecord
from faircollect.config import get_settings


def as_table_owner(s: Session) -> None:
    """What an attacker owning the tables does first on PostgreSQL: switch off the append-only triggers."""
    if s.get_bind().dialect.name == "postgresql":
        for table in ("audit_record", "audit_checkpoint", "audit_head"):
            s.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))


def _append(sessions: sessionmaker[Session], n: int, *, every: int = 10) -> None:
    with sessions.begin() as s:
        for i in range(n):
            audit.record(
                s,
                actor="teller",
                action="loan.payment",
                subject_type="loan",
                subject_id=f"L{i}",
                payload={"amount_minor": 100 * i},
                checkpoint_every=every,
            )


def _receipts() -> list[audit.Receipt]:
    return audit.receipt_sink().read()


def _trusted() -> str:
    key = audit.trusted_key_from_file(get_settings().audit_key_file)
    assert key is not None
    return key


def test_each_checkpoint_leaves_a_receipt_outside_the_database_after_commit(
    sessions: sessionmaker[Session],
) -> None:
    _append(sessions, 25)
    assert [r.seq for r in _receipts()] == [10, 20]
    with pytest.raises(RuntimeError), sessions.begin() as s:  # a rolled-back checkpoint leaves no receipt
        for i in range(10):
            audit.record(s, actor="t", action="a", subject_type="x", subject_id=str(i), checkpoint_every=10)
        raise RuntimeError("rolled back")
    assert [r.seq for r in _receipts()] == [10, 20]
    sink = Path(get_settings().audit_sink.removeprefix("file:"))
    assert stat.S_IMODE(os.stat(sink).st_mode) == 0o600
    with sessions() as s:
        assert audit.verify(s, trusted_public_key=_trusted(), receipts=_receipts()).ok


def test_a_checkpoint_is_signed_when_the_oldest_unsigned_record_is_t_seconds_old(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAIRCOLLECT_AUDIT_CHECKPOINT_SECONDS", "60")
    get_settings.cache_clear()
    t0 = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    with freeze_time(t0):
        _append(sessions, 3, every=1000)
    with freeze_time(t0 + timedelta(seconds=59)):
        _append(sessions, 1, every=1000)
    assert _receipts() == []
    with freeze_time(t0 + timedelta(seconds=61)):
        _append(sessions, 1, every=1000)
    assert [r.seq for r in _receipts()] == [5]
    with sessions() as s:
        head = s.get(AuditHead, 1)
        assert head is not None and head.last_checkpoint_seq == 5 and head.unsigned_since is None


def test_the_head_is_signed_at_shutdown_and_by_audit_checkpoint(sessions: sessionmaker[Session]) -> None:
    from faircollect.compliance.audit.signer import HeadSigner

    _append(sessions, 7)
    signer = HeadSigner(sessions, 3600)
    signer.start()
    signer.stop()  # shutdown
    assert [r.seq for r in _receipts()] == [7]
    signer.stop()  # nothing new: nothing signed twice
    assert [r.seq for r in _receipts()] == [7]
    _append(sessions, 2)
    url = sessions.kw["bind"].url.render_as_string(hide_password=False)
    out = CliRunner().invoke(app, ["audit", "checkpoint", "--database-url", url])
    assert out.exit_code == 0, out.output
    assert [r.seq for r in _receipts()] == [7, 9]


def test_attack_tail_cut_and_head_rewritten_is_named(sessions: sessionmaker[Session]) -> None:
    """The attacker deletes the last records, their checkpoints, and sets the head back: the database alone is
    consistent again; the receipts outside it are not."""
    _append(sessions, 30)
    with sessions.begin() as s:
        as_table_owner(s)
        s.execute(delete(AuditRecord).where(AuditRecord.seq > 24))
        s.execute(delete(AuditCheckpoint).where(AuditCheckpoint.seq > 24))
        last = s.execute(select(AuditRecord).where(AuditRecord.seq == 24)).scalar_one()
        s.execute(
            update(AuditHead)
            .where(AuditHead.id == 1)
            .values(last_seq=24, last_hash=last.hash, last_checkpoint_seq=20)
        )
    with sessions() as s:
        assert audit.verify(s, trusted_public_key=_trusted()).ok  # the database alone cannot tell
        result = audit.verify(s, trusted_public_key=_trusted(), receipts=_receipts())
    assert not result.ok and result.first_bad_seq == 25
    assert "records 25..30 removed from the end" in (result.problem or "")


def test_attack_records_rewritten_after_a_checkpoint_before_the_latest_receipt_is_named(
    sessions: sessionmaker[Session],
) -> None:
    """Records after the checkpoint at 10 rewritten with every hash recomputed, the later checkpoints deleted."""
    _append(sessions, 25)
    with sessions.begin() as s:
        audit.checkpoint_head(s)  # receipts now at 10, 20, 25
    with sessions.begin() as s:
        as_table_owner(s)
        s.execute(delete(AuditCheckpoint).where(AuditCheckpoint.seq > 10))
        rows = s.execute(select(AuditRecord).order_by(AuditRecord.seq)).scalars().all()
        prev = rows[12].hash
        for r in rows[13:]:
            if r.seq == 14:
                r.payload = {"amount_minor": 1}
            r.prev_hash = prev
            r.hash = record_hash(prev, r.body())
            prev = r.hash
        s.execute(update(AuditHead).where(AuditHead.id == 1).values(last_hash=prev, last_checkpoint_seq=10))
    with sessions() as s:
        assert audit.verify(s, trusted_public_key=_trusted()).ok  # consistent without the receipts
        result = audit.verify(s, trusted_public_key=_trusted(), receipts=_receipts())
    assert not result.ok and result.first_bad_seq == 11
    assert "records 11..20 rewritten after the checkpoint at record 10" in (result.problem or "")


def test_a_forged_or_foreign_receipt_fails(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    _append(sessions, 10)
    attacker = tmp_path / "attacker.key"
    audit.load_or_create_key(attacker)
    with sessions() as s:
        foreign = audit.trusted_key_from_file(attacker)
        result = audit.verify(s, trusted_public_key=foreign, receipts=_receipts())
    assert not result.ok


def test_an_empty_sink_beside_signed_checkpoints_fails(sessions: sessionmaker[Session]) -> None:
    _append(sessions, 10)
    with sessions() as s:
        result = audit.verify(s, trusted_public_key=_trusted(), receipts=[])
    assert not result.ok and "no receipt" in (result.problem or "")


def test_audit_verify_cli_fails_without_a_public_key_and_names_the_cut(
    sessions: sessionmaker[Session], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _append(sessions, 20)
    url = sessions.kw["bind"].url.render_as_string(hide_password=False)
    ok = CliRunner().invoke(app, ["audit", "verify", "--database-url", url, "--format", "json"])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.output)["receipts_checked"] == 2
    public = _trusted()
    monkeypatch.setenv("FAIRCOLLECT_AUDIT_KEY_FILE", str(tmp_path / "nowhere" / "audit.key"))
    get_settings.cache_clear()
    nokey = CliRunner().invoke(app, ["audit", "verify", "--database-url", url])
    assert nokey.exit_code == 2 and "no trusted public key" in nokey.output
    with sessions.begin() as s:
        as_table_owner(s)
        s.execute(delete(AuditRecord).where(AuditRecord.seq > 15))
        s.execute(delete(AuditCheckpoint).where(AuditCheckpoint.seq > 15))
        last = s.execute(select(AuditRecord).where(AuditRecord.seq == 15)).scalar_one()
        s.execute(update(AuditHead).where(AuditHead.id == 1).values(last_seq=15, last_hash=last.hash))
    bad = CliRunner().invoke(
        app, ["audit", "verify", "--database-url", url, "--public-key", public, "--format", "json"]
    )
    assert bad.exit_code == 1
    assert json.loads(bad.output)["first_bad_seq"] == 16


@pytest.mark.postgres
def test_postgres_refuses_update_delete_truncate_and_a_rewound_head(pg_url: str) -> None:
    from faircollect.db import make_engine, session_factory

    engine = make_engine(pg_url)
    factory = session_factory(engine)
    _append(factory, 10)  # ten records and the checkpoint at 10
    for stmt in (
        "UPDATE audit_record SET actor = 'x' WHERE seq = 1",
        "DELETE FROM audit_record WHERE seq = 10",
        "TRUNCATE audit_record CASCADE",
        "UPDATE audit_checkpoint SET hash = 'x'",
        "DELETE FROM audit_checkpoint",
        "UPDATE audit_head SET last_seq = 1",
        "DELETE FROM audit_head",
        "TRUNCATE audit_head",
    ):
        with (
            pytest.raises(DBAPIError, match=r"append-only|only moves forward|cannot be deleted"),
            factory.begin() as s,
        ):
            s.execute(text(stmt))
    _append(factory, 2)  # appending goes on
    with factory() as s:
        assert audit.verify(s, trusted_public_key=_trusted(), receipts=_receipts()).ok
    engine.dispose()


def test_a_chain_replaced_from_its_first_record_is_named(sessions: sessionmaker[Session]) -> None:
    """Everything deleted and a new, unsigned chain written in its place: no receipt is about it any more."""
    _append(sessions, 12)
    with sessions.begin() as s:
        as_table_owner(s)
        s.execute(delete(AuditCheckpoint))
        s.execute(delete(AuditRecord))
        s.execute(
            update(AuditHead)
            .where(AuditHead.id == 1)
            .values(last_seq=0, last_hash="0" * 64, last_checkpoint_seq=0)
        )
    _append(sessions, 3, every=1000)
    with sessions() as s:
        assert audit.verify(s, trusted_public_key=_trusted()).ok  # the database alone is consistent
        result = audit.verify(s, trusted_public_key=_trusted(), receipts=_receipts())
    assert not result.ok and "none of the sink's 1 receipts is about this chain" in (result.problem or "")


class _Errors:
    def __init__(self) -> None:
        self.seen: list[str] = []

    def error(self, msg: str, **kw: object) -> None:
        self.seen.append(msg)


def test_a_database_without_the_audit_tables_has_nothing_to_sign(monkeypatch: pytest.MonkeyPatch) -> None:
    """An app on a database that was never upgraded shuts down quietly: no records, so no checkpoint and no error."""
    import faircollect.compliance.audit.signer as signer_module
    from faircollect.db import make_engine, session_factory

    engine = make_engine("sqlite://")
    factory = session_factory(engine)
    with factory() as session:
        assert audit.checkpoint_head(session) is None
    errors = _Errors()
    monkeypatch.setattr(signer_module, "get_logger", lambda name: errors)
    signer_module.HeadSigner(factory, seconds=0).sign_now()
    assert errors.seen == []
    engine.dispose()


class _BrokenSink:
    """A pluggable sink (``module:factory``) whose store is down: not an OSError, as a cloud client raises."""

    def append(self, receipt: audit.Receipt) -> None:
        raise RuntimeError("bucket unreachable")

    def read(self) -> list[audit.Receipt]:
        return []


def test_a_failing_receipt_sink_does_not_turn_a_committed_write_into_an_error(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Receipts are written after the commit; when the sink fails the write is committed all the same, so the
    caller must get its 2xx (a 500 for a committed payment invites a retry that books it twice). The failure is
    logged, and the next checkpoint's receipt covers the records."""
    from fastapi.testclient import TestClient

    from faircollect.api.app import create_app
    from faircollect.config import Settings
    from faircollect.db import make_engine, session_factory

    monkeypatch.setenv(
        "FAIRCOLLECT_AUDIT_CHECKPOINT_EVERY", "1"
    )  # every append signs, so every write has a receipt
    get_settings.cache_clear()
    monkeypatch.setattr(audit, "receipt_sink", lambda: _BrokenSink())
    app = create_app(Settings(api_keys="k-ops=ops:admin"), database_url=db_url)
    with TestClient(app, raise_server_exceptions=False) as client:
        r = client.post(
            "/v1/borrowers", headers={"X-API-Key": "k-ops"}, json={"name": "张三", "phone": "13800138000"}
        )
    app.state.engine.dispose()
    engine = make_engine(db_url)
    with session_factory(engine)() as s:
        stored = s.scalars(select(AuditRecord).where(AuditRecord.action == "ledger.borrower.created")).all()
        checkpoints = s.scalars(select(AuditCheckpoint)).all()
    engine.dispose()
    assert len(stored) == 1 and checkpoints  # committed, and signed
    assert r.status_code == 201, r.text
