"""Receipts: every signed checkpoint is also appended to a sink outside the database.

A receipt is ``{"seq", "hash", "at", "signature", "public_key", "chain"}`` (base64 for the bytes; ``chain`` is the
hash of the chain's first record, naming the database the receipt is about). The database can be
rewritten by whoever owns it; the receipts cannot be taken back (an append-only file by default, on another disk,
host or a WORM bucket in production), so ``audit verify`` checks the database against them and names a cut tail
or a rewritten stretch. Receipts are written only after the transaction that made the checkpoint commits.

Pluggable: ``FAIRCOLLECT_AUDIT_SINK`` is ``file:PATH`` (default) or ``module.path:factory`` returning an object
with ``append(receipt)`` and ``read() -> list[Receipt]``.
"""

from __future__ import annotations

import base64
import importlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

from faircollect.kit.errors import ValidationError


@dataclass(frozen=True, slots=True)
class Receipt:
    seq: int
    hash: str
    at: str
    signature: str  # base64 Ed25519 signature of "faircollect-audit:{seq}:{hash}"
    public_key: str  # base64 raw Ed25519 public key that signed it
    chain: str = ""  # the hash of the chain's record 1: which database's chain this receipt is about

    def signature_bytes(self) -> bytes:
        """The signature's bytes (empty if not base64: it then fails verification)."""
        try:
            return base64.b64decode(self.signature, validate=True)
        except ValueError:
            return b""


class ReceiptSink(Protocol):
    def append(self, receipt: Receipt) -> None: ...

    def read(self) -> list[Receipt]: ...


class FileSink:
    """JSON lines appended with O_APPEND and fsync'd; the file is created 0600."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def append(self, receipt: Receipt) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, (json.dumps(asdict(receipt), sort_keys=True) + "\n").encode())
            os.fsync(fd)
        finally:
            os.close(fd)

    def read(self) -> list[Receipt]:
        if not self.path.exists():
            return []
        out = []
        for n, line in enumerate(self.path.read_text().splitlines(), start=1):
            if not line.strip():
                continue
            try:
                out.append(Receipt(**json.loads(line)))
            except (ValueError, TypeError) as exc:
                raise ValidationError(f"unreadable receipt: {exc}", file=str(self.path), row=n) from None
        return out


def sink_from_setting(value: str) -> ReceiptSink:
    """``file:PATH`` or ``module.path:factory``."""
    if value.startswith("file:"):
        return FileSink(Path(value[len("file:") :]))
    module, _, factory = value.partition(":")
    if not module or not factory:
        raise ValidationError(
            f"FAIRCOLLECT_AUDIT_SINK must be file:PATH or module:factory, got {value!r}", field="audit_sink"
        )
    sink: Any = getattr(importlib.import_module(module), factory)()
    return sink
