"""Append to and verify the audit log. Call ``record()`` inside the caller's transaction; never commit here."""

from __future__ import annotations

import base64
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import event, insert, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from faircollect.compliance.audit.chain import (
    GENESIS_HASH,
    ChainRecord,
    Checkpoint,
    ReceiptCheck,
    VerifyResult,
    canonical,
    check_receipts,
    record_hash,
    verify_chain,
)
from faircollect.compliance.audit.models import AuditCheckpoint, AuditHead, AuditRecord, hashed_body
from faircollect.compliance.audit.sink import Receipt, ReceiptSink, sink_from_setting
from faircollect.config import get_settings
from faircollect.kit.logging import get_logger
from faircollect.kit.time import ensure_aware, utc_now


def _jsonable(payload: Mapping[str, Any]) -> dict[str, Any]:
    import json

    return dict(json.loads(canonical(payload)))


def load_or_create_key(path: Path) -> Ed25519PrivateKey:
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        assert isinstance(key, Ed25519PrivateKey)
        return key
    key = Ed25519PrivateKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    path.chmod(0o600)
    return key


def _public_b64(key: Ed25519PrivateKey) -> str:
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def _checkpoint_message(seq: int, hash_: str) -> bytes:
    return f"faircollect-audit:{seq}:{hash_}".encode()


def _lock_head(session: Session) -> AuditHead:
    """Lock the chain head row (PostgreSQL ``FOR UPDATE``), creating it race-free if a database lacks it.

    The migration seeds the row; the ``ON CONFLICT DO NOTHING`` insert covers databases created otherwise, so two
    first writers never collide on the primary key. On SQLite the write transaction itself serialises writers.
    """
    stmt = select(AuditHead).where(AuditHead.id == 1).with_for_update()
    head = session.execute(stmt).scalar_one_or_none()
    if head is not None:
        return head
    values = {"id": 1, "last_seq": 0, "last_hash": GENESIS_HASH}
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        session.execute(pg_insert(AuditHead).values(**values).on_conflict_do_nothing(index_elements=["id"]))
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        session.execute(
            sqlite_insert(AuditHead).values(**values).on_conflict_do_nothing(index_elements=["id"])
        )
    else:  # pragma: no cover - other databases are not supported targets
        session.add(AuditHead(**values))
        session.flush()
    return session.execute(stmt.execution_options(populate_existing=True)).scalar_one()


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    subject_type: str,
    subject_id: str,
    payload: Mapping[str, Any] | None = None,
    at: datetime | None = None,
    checkpoint_every: int | None = None,
    key_path: Path | None = None,
) -> Appended:
    """Append one record to the chain (locks the chain head until the caller's transaction ends)."""
    entry = {
        "actor": actor,
        "action": action,
        "subject_type": subject_type,
        "subject_id": subject_id,
        "payload": payload,
        "at": at,
    }
    return record_many(session, [entry], checkpoint_every=checkpoint_every, key_path=key_path)[0]


@dataclass(frozen=True, slots=True)
class Appended:
    """What an append returns: the record's place in the chain and its hash (``audit:<seq>`` references it)."""

    seq: int
    hash: str
    at: datetime


def record_many(
    session: Session,
    entries: Sequence[Mapping[str, Any]],
    *,
    checkpoint_every: int | None = None,
    key_path: Path | None = None,
) -> list[Appended]:
    """Append several records in order; the head is locked once and the rows go in as one bulk INSERT.

    Each entry holds ``actor, action, subject_type, subject_id`` and optionally ``payload`` and ``at``.
    """
    if not entries:
        return []
    head = _lock_head(session)
    every = checkpoint_every if checkpoint_every is not None else get_settings().audit_checkpoint_every
    rows: list[dict[str, Any]] = []
    out: list[Appended] = []
    seq, prev = head.last_seq, head.last_hash
    for e in entries:
        seq += 1
        # Normalised to UTC so that the hash computed now equals the one recomputed from the stored row.
        at = ensure_aware(e.get("at") or utc_now())
        row = {
            "seq": seq,
            "at": at,
            "actor": e["actor"],
            "action": e["action"],
            "subject_type": e["subject_type"],
            "subject_id": str(e["subject_id"]),
            "payload": _jsonable(e.get("payload") or {}),
        }
        digest = record_hash(prev, hashed_body(row))
        rows.append({**row, "prev_hash": prev, "hash": digest})
        out.append(Appended(seq, digest, at))
        prev = digest
    session.execute(insert(AuditRecord), rows)
    head.last_seq, head.last_hash = seq, prev
    now = utc_now()
    if head.unsigned_since is None:
        head.unsigned_since = now
    signed = False
    if every > 0:
        for rec in out:
            if rec.seq % every == 0:
                checkpoint(session, rec, key_path=key_path, head=head)
                signed = rec.seq == seq
    seconds = get_settings().audit_checkpoint_seconds
    if (
        not signed
        and seconds > 0
        and head.unsigned_since is not None
        and (now - head.unsigned_since).total_seconds() >= seconds
    ):
        checkpoint(session, out[-1], key_path=key_path, head=head)
    _WRITTEN.add(session.get_bind().engine.url.render_as_string(hide_password=False))
    session.flush()
    return out


#: Databases this process appended to (the CLI signs their heads when it exits).
_WRITTEN: set[str] = set()
_PENDING = "faircollect.audit.pending_receipts"


def checkpoint(
    session: Session,
    rec: Appended | AuditRecord,
    *,
    key_path: Path | None = None,
    head: AuditHead | None = None,
) -> AuditCheckpoint:
    """Sign ``(seq, hash)`` of a record with the lender's Ed25519 key; its receipt goes to the sink on commit."""
    key = load_or_create_key(key_path or get_settings().audit_key_file)
    cp = AuditCheckpoint(
        seq=rec.seq,
        hash=rec.hash,
        signature=key.sign(_checkpoint_message(rec.seq, rec.hash)),
        public_key=_public_b64(key),
        at=utc_now(),
    )
    session.add(cp)
    head = head if head is not None else session.get(AuditHead, 1)
    if head is not None and rec.seq >= head.last_checkpoint_seq:
        head.last_checkpoint_seq = rec.seq
        if rec.seq >= head.last_seq:
            head.unsigned_since = None
    session.info.setdefault(_PENDING, []).append(
        Receipt(
            seq=cp.seq,
            hash=cp.hash,
            at=cp.at.isoformat(),
            signature=base64.b64encode(cp.signature).decode(),
            public_key=cp.public_key,
            chain=chain_id(session),
        )
    )
    return cp


def chain_id(session: Session) -> str:
    """The hash of record 1: it names this database's chain in its receipts."""
    cached = session.info.get("faircollect.audit.chain_id")
    if cached:
        return str(cached)
    first = session.execute(select(AuditRecord.hash).where(AuditRecord.seq == 1)).scalar_one_or_none()
    if first:
        session.info["faircollect.audit.chain_id"] = first
    return first or ""


def checkpoint_head(session: Session, *, key_path: Path | None = None) -> AuditCheckpoint | None:
    """Sign the chain head if records were appended since the last checkpoint (the timer and shutdown call this).

    A database without the audit tables (not yet upgraded) holds no records, so there is nothing to sign.
    """
    if not sa_inspect(session.connection()).has_table(AuditHead.__tablename__):
        return None
    head = _lock_head(session)
    if head.last_seq == 0 or head.last_checkpoint_seq >= head.last_seq:
        return None
    last = session.get(AuditRecord, head.last_seq)
    if last is None:
        return None
    return checkpoint(session, last, key_path=key_path, head=head)


def sign_heads_written(*, key_path: Path | None = None) -> None:
    """Sign the head of every database this process appended to (called when a CLI command ends)."""
    from faircollect.db import make_engine, session_factory, unit_of_work

    for url in sorted(_WRITTEN):
        engine = make_engine(url)
        try:
            with unit_of_work(session_factory(engine)) as session:
                checkpoint_head(session, key_path=key_path)
        except Exception as exc:  # shutdown goes on; the next checkpoint signs these records
            get_logger("faircollect.audit").error("audit head not signed at exit", error=str(exc))
        finally:
            engine.dispose()
    _WRITTEN.clear()


def forget_written() -> None:
    """Start a new command: only the databases it writes to are signed when it ends."""
    _WRITTEN.clear()


def receipt_sink() -> ReceiptSink:
    return sink_from_setting(get_settings().audit_sink)


@event.listens_for(Session, "after_commit")
def _write_receipts(session: Session) -> None:
    """Write the committed checkpoints' receipts. Never raises: the transaction is committed already, so an error
    here would answer a committed write with a failure (and invite a retry that repeats it). A receipt not written
    is logged; the next checkpoint's receipt covers its records."""
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    log = get_logger("faircollect.audit")
    try:
        sink = receipt_sink()
    except Exception as exc:  # a misconfigured or unreachable pluggable sink
        log.error("audit receipts not written: no sink", seqs=[r.seq for r in pending], error=repr(exc))
        return
    for r in pending:
        try:
            sink.append(r)
        except Exception as exc:  # OSError from a file, anything from a pluggable (network) sink
            log.error("audit receipt not written", seq=r.seq, error=repr(exc))


@event.listens_for(Session, "after_rollback")
def _drop_receipts(session: Session) -> None:
    session.info.pop(_PENDING, None)


def _iter_records(session: Session, batch: int = 5000) -> Iterator[ChainRecord]:
    last = 0
    while True:
        rows = (
            session.execute(
                select(AuditRecord).where(AuditRecord.seq > last).order_by(AuditRecord.seq).limit(batch)
            )
            .scalars()
            .all()
        )
        if not rows:
            return
        for r in rows:
            yield ChainRecord(seq=r.seq, body=r.body(), prev_hash=r.prev_hash, hash=r.hash)
        last = rows[-1].seq
        session.expunge_all()


def _signature_ok(cp: Checkpoint, public_keys: dict[int, str]) -> bool:
    try:
        pub = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_keys[cp.seq]))
        pub.verify(cp.signature, _checkpoint_message(cp.seq, cp.hash))
        return True
    except (InvalidSignature, KeyError, ValueError):
        return False


def trusted_key_from_file(path: Path) -> str | None:
    """The base64 public key of the signing key at ``path``, or None if there is no such file."""
    if not path.exists():
        return None
    return _public_b64(load_or_create_key(path))


def verify(
    session: Session,
    *,
    trusted_public_key: str | None = None,
    receipts: Sequence[Receipt] | None = None,
) -> VerifyResult:
    """Walk the whole chain and every checkpoint, then hold it against the external receipts; name the first
    record that breaks it.

    With ``trusted_public_key`` every checkpoint and receipt must be signed by that key (a rewritten chain
    re-signed with another key fails). Without it, each is checked against the key stored beside it, which proves
    only internal consistency (the CLI refuses to verify without a trusted key). ``receipts`` (from the sink,
    see ``receipt_sink()``) catch what the database alone cannot show: a tail cut with the head rewritten, or a
    stretch rewritten after a checkpoint with every hash recomputed and the later checkpoints deleted.
    """
    cps = session.execute(select(AuditCheckpoint)).scalars().all()
    keys = {c.seq: (trusted_public_key or c.public_key) for c in cps}
    checkpoints = [Checkpoint(c.seq, c.hash, c.signature) for c in cps]
    head = session.get(AuditHead, 1)
    result = verify_chain(
        _iter_records(session), checkpoints=checkpoints, verify_signature=lambda cp: _signature_ok(cp, keys)
    )
    if result.ok and head is not None and head.last_seq != result.records_checked:
        return VerifyResult(
            False,
            result.records_checked,
            result.records_checked + 1,
            f"chain head says {head.last_seq} records but {result.records_checked} were found "
            "(records removed from the end)",
            result.checkpoints_checked,
        )
    if not result.ok or receipts is None:
        return result
    held = len(receipts)
    mine = chain_id(session)
    receipts = [r for r in receipts if r.chain in (mine, "")]
    if held and not receipts and result.records_checked:
        return VerifyResult(
            False,
            result.records_checked,
            1,
            f"none of the sink's {held} receipts is about this chain (record 1 hash {mine[:12]}…): the whole chain "
            "was replaced, or the sink belongs to another database",
            result.checkpoints_checked,
        )
    if not receipts and cps:
        return VerifyResult(
            False,
            result.records_checked,
            None,
            f"the receipt sink holds no receipt although the database has {len(cps)} signed checkpoints "
            "(sink missing, replaced or misconfigured)",
            result.checkpoints_checked,
        )
    seqs = sorted({r.seq for r in receipts if r.seq <= result.records_checked})
    stored: dict[int, str] = {}
    for i in range(0, len(seqs), 1000):
        rows = session.execute(
            select(AuditRecord.seq, AuditRecord.hash).where(AuditRecord.seq.in_(seqs[i : i + 1000]))
        )
        stored.update({seq: digest for seq, digest in rows})
    checks = [
        ReceiptCheck(
            r.seq,
            r.hash,
            r.at,
            _signature_ok(
                Checkpoint(r.seq, r.hash, r.signature_bytes()), {r.seq: trusted_public_key or r.public_key}
            ),
        )
        for r in receipts
    ]
    return check_receipts(
        checks,
        stored,
        chain_length=result.records_checked,
        records_checked=result.records_checked,
        checkpoints_checked=result.checkpoints_checked,
    )
