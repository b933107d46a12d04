"""The audit chain detects every single-record alteration, removal and reordering."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from faircollect.compliance.audit import service as audit_service
from faircollect.compliance.audit.chain import GENESIS_HASH, ChainRecord, record_hash, verify_chain
from faircollect.compliance.audit.models import AuditRecord


def _chain(n: int) -> list[ChainRecord]:
    prev = GENESIS_HASH
    out = []
    for i in range(1, n + 1):
        body = {
            "seq": i,
            "action": "gate.decide",
            "payload": {"n": i, "decision": "allow" if i % 2 else "deny"},
        }
        h = record_hash(prev, body)
        out.append(ChainRecord(i, body, prev, h))
        prev = h
    return out


def test_intact_chain_verifies() -> None:
    result = verify_chain(_chain(50))
    assert result.ok and result.records_checked == 50


@settings(max_examples=200)
@given(n=st.integers(2, 40), data=st.data())
def test_any_single_alteration_is_named(n: int, data: st.DataObject) -> None:
    records = _chain(n)
    victim = data.draw(st.integers(1, n))
    mode = data.draw(st.sampled_from(["alter", "remove", "swap", "duplicate"]))
    if mode == "alter":
        old = records[victim - 1]
        body = dict(old.body)
        body["payload"] = {**body["payload"], "decision": "tampered"}
        records[victim - 1] = ChainRecord(old.seq, body, old.prev_hash, old.hash)
        expected = victim
    elif mode == "remove":
        del records[victim - 1]
        expected = victim
        if victim == n:  # removing the tail is only visible against the head or a checkpoint
            result = verify_chain(records)
            assert result.ok  # the pure walk cannot know; the service checks the head (tested below)
            return
    elif mode == "swap":
        i = min(victim, n - 1)
        records[i - 1], records[i] = records[i], records[i - 1]
        expected = i
    else:
        records.insert(victim, records[victim - 1])
        expected = victim + 1
    result = verify_chain(records)
    assert not result.ok
    assert result.first_bad_seq == expected, result.problem


@pytest.fixture
def filled(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    with sessions.begin() as s:
        for i in range(25):
            audit_service.record(
                s,
                actor="test",
                action="loan.payment",
                subject_type="loan",
                subject_id=f"L{i}",
                payload={"amount_minor": 100 * i, "currency": "CNY"},
                checkpoint_every=10,
                at=datetime(2026, 1, 1, tzinfo=UTC),
            )
    return sessions


def test_service_chain_verifies_on_both_databases(filled: sessionmaker[Session]) -> None:
    with filled() as s:
        result = audit_service.verify(s)
    assert result.ok, result.problem
    assert result.records_checked == 25 and result.checkpoints_checked == 2


def as_table_owner(s: Session) -> None:
    """What an attacker owning the tables does first on PostgreSQL: switch off the append-only triggers."""
    if s.get_bind().dialect.name == "postgresql":
        for table in ("audit_record", "audit_checkpoint", "audit_head"):
            s.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))


def test_service_names_altered_record(filled: sessionmaker[Session]) -> None:
    with filled.begin() as s:
        as_table_owner(s)
        s.execute(update(AuditRecord).where(AuditRecord.seq == 7).values(payload={"amount_minor": 1}))
    with filled() as s:
        result = audit_service.verify(s)
    assert not result.ok and result.first_bad_seq == 7


def test_service_detects_tail_removal(filled: sessionmaker[Session]) -> None:
    with filled.begin() as s:
        as_table_owner(s)
        s.execute(delete(AuditRecord).where(AuditRecord.seq == 25))
    with filled() as s:
        result = audit_service.verify(s)
    assert not result.ok and "removed" in (result.problem or "")


def test_service_detects_rewritten_chain_by_checkpoint(filled: sessionmaker[Session]) -> None:
    """Rewriting record 5 and re-hashing everything after it is caught by the signed checkpoint at 10."""
    with filled.begin() as s:
        as_table_owner(s)
        rows = s.execute(select(AuditRecord).order_by(AuditRecord.seq)).scalars().all()
        prev = rows[3].hash
        for r in rows[4:]:
            if r.seq == 5:
                r.payload = {"amount_minor": 999999}
            r.prev_hash = prev
            r.hash = record_hash(prev, r.body())
            prev = r.hash
    with filled() as s:
        result = audit_service.verify(s)
    assert not result.ok and result.first_bad_seq == 10


@pytest.mark.postgres
def test_concurrent_appenders_keep_one_unbroken_chain_on_postgres(pg_url: str) -> None:
    """Eight threads appending at once (from an empty head) produce one gap-free, verifiable chain."""
    from concurrent.futures import ThreadPoolExecutor

    from faircollect.db import make_engine, session_factory

    engine = make_engine(pg_url, pool_size=10)
    factory = session_factory(engine)
    with factory.begin() as s:  # start from a database whose head row is missing (as its owner could)
        as_table_owner(s)
        s.execute(text("DELETE FROM audit_head"))

    def append(worker: int) -> None:
        for i in range(25):
            with factory.begin() as s:
                audit_service.record(
                    s,
                    actor=f"w{worker}",
                    action="test.append",
                    subject_type="t",
                    subject_id=f"{worker}-{i}",
                    checkpoint_every=0,
                )

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(append, range(8)))
    with factory() as s:
        result = audit_service.verify(s)
    engine.dispose()
    assert result.ok, result.problem
    assert result.records_checked == 200


def test_checkpoints_signed_by_another_key_fail_against_the_trusted_key(
    filled: sessionmaker[Session], tmp_path: Path
) -> None:
    """A chain re-signed with an attacker's key is caught when the lender's public key is trusted."""
    from faircollect.compliance.audit.service import load_or_create_key, trusted_key_from_file

    attacker = tmp_path / "attacker.key"
    load_or_create_key(attacker)
    with filled() as s:
        assert audit_service.verify(s).ok  # internally consistent
        assert not audit_service.verify(s, trusted_public_key=trusted_key_from_file(attacker)).ok
        from faircollect.config import get_settings

        own = trusted_key_from_file(get_settings().audit_key_file)
        assert own is not None and audit_service.verify(s, trusted_public_key=own).ok


def test_audit_verify_cli_names_the_altered_record(filled: sessionmaker[Session]) -> None:
    from typer.testing import CliRunner

    from faircollect.cli import app

    url = filled.kw["bind"].url.render_as_string(hide_password=False)
    ok = CliRunner().invoke(app, ["audit", "verify", "--database-url", url])
    assert ok.exit_code == 0 and "intact" in ok.output
    with filled.begin() as s:
        as_table_owner(s)
        s.execute(update(AuditRecord).where(AuditRecord.seq == 12).values(actor="someone else"))
    bad = CliRunner().invoke(app, ["audit", "verify", "--database-url", url, "--format", "json"])
    assert bad.exit_code == 1
    import json

    assert json.loads(bad.output)["first_bad_seq"] == 12


def test_records_appended_with_a_local_time_zone_verify(sessions: sessionmaker[Session]) -> None:
    """An event time given in Asia/Shanghai is stored in UTC and hashed as stored: the chain still verifies."""
    from zoneinfo import ZoneInfo

    with sessions.begin() as s:
        rec = audit_service.record(
            s,
            actor="t",
            action="a",
            subject_type="x",
            subject_id="1",
            at=datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=ZoneInfo("Asia/Shanghai")),
        )
        assert rec.at.utcoffset() is not None and rec.at.utcoffset().total_seconds() == 0
    with sessions() as s:
        assert audit_service.verify(s).ok
