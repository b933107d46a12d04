"""Audit log tables: append-only records, the chain head (a lock row), signed checkpoints."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from faircollect.db import Base


class AuditRecord(Base):
    __tablename__ = "audit_record"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(80))
    subject_type: Mapped[str] = mapped_column(String(60))
    subject_id: Mapped[str] = mapped_column(String(80))
    payload: Mapped[dict[str, Any]]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (Index("ix_audit_record_subject", "subject_type", "subject_id"),)

    def body(self) -> dict[str, Any]:
        return hashed_body({k: getattr(self, k) for k in HASHED_COLUMNS})


#: The columns a record's hash covers (everything but the two hashes themselves).
HASHED_COLUMNS = ("seq", "at", "actor", "action", "subject_type", "subject_id", "payload")


def hashed_body(row: Mapping[str, Any]) -> dict[str, Any]:
    """What a record's hash covers, from a stored row or a row about to be inserted: one definition for both."""
    body = {k: row[k] for k in HASHED_COLUMNS}
    body["at"] = row["at"].isoformat()
    return body


class AuditHead(Base):
    """One row (id=1): the chain's last seq and hash. Appenders lock it, which serialises the chain."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger)
    last_hash: Mapped[str] = mapped_column(String(64))
    #: The last record signed by a checkpoint, and when the oldest record not yet signed was appended.
    last_checkpoint_seq: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    unsigned_since: Mapped[datetime | None] = mapped_column(nullable=True)


class AuditCheckpoint(Base):
    __tablename__ = "audit_checkpoint"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[str] = mapped_column(String(64))
    signature: Mapped[bytes] = mapped_column(LargeBinary)
    public_key: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime]
