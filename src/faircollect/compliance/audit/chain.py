"""The tamper-evident audit chain, as pure functions.

Each record's hash is ``sha256(prev_hash || canonical_json(body))``. Verification walks the records in sequence
order and names the first one that was altered, removed, inserted or reordered. Checkpoints sign ``(seq, hash)``
with Ed25519 so that a rewrite of the whole chain from some point on is also detected.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

GENESIS_HASH = "0" * 64


def canonical(body: Mapping[str, Any]) -> bytes:
    """Deterministic JSON: sorted keys, no spaces, UTF-8, datetimes as ISO strings."""

    def default(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.isoformat()
        return str(value)

    return json.dumps(
        body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=default
    ).encode()


def record_hash(prev_hash: str, body: Mapping[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + b"|" + canonical(body)).hexdigest()


@dataclass(frozen=True, slots=True)
class ChainRecord:
    """What the chain stores for one record: its sequence number, the body hashed, and the two hashes."""

    seq: int
    body: Mapping[str, Any]
    prev_hash: str
    hash: str


@dataclass(frozen=True, slots=True)
class Checkpoint:
    seq: int
    hash: str
    signature: bytes


@dataclass(frozen=True, slots=True)
class VerifyResult:
    ok: bool
    records_checked: int
    first_bad_seq: int | None = None
    problem: str | None = None
    checkpoints_checked: int = 0


def verify_chain(
    records: Iterable[ChainRecord],
    *,
    checkpoints: Iterable[Checkpoint] = (),
    verify_signature: Any = None,
) -> VerifyResult:
    """Walk the chain in ``seq`` order; return the first record that breaks it and why.

    ``verify_signature(checkpoint) -> bool`` checks a checkpoint's signature; checkpoints are matched against the
    record at their ``seq``.
    """
    by_seq = {c.seq: c for c in checkpoints}
    prev_hash = GENESIS_HASH
    expected_seq = 1
    count = 0
    checked = 0
    for rec in records:
        count += 1
        if rec.seq != expected_seq:
            kind = "removed" if rec.seq > expected_seq else "reordered or duplicated"
            return VerifyResult(
                False,
                count,
                expected_seq,
                f"record {expected_seq} {kind}: found seq {rec.seq} where {expected_seq} was expected",
            )
        if rec.prev_hash != prev_hash:
            return VerifyResult(
                False,
                count,
                rec.seq,
                f"record {rec.seq}: prev_hash does not match record {rec.seq - 1}'s hash "
                "(a record before it was removed, inserted or reordered)",
            )
        actual = record_hash(prev_hash, rec.body)
        if actual != rec.hash:
            return VerifyResult(False, count, rec.seq, f"record {rec.seq}: content altered (hash mismatch)")
        cp = by_seq.get(rec.seq)
        if cp is not None:
            checked += 1
            if cp.hash != rec.hash:
                return VerifyResult(
                    False,
                    count,
                    rec.seq,
                    f"record {rec.seq}: differs from signed checkpoint (chain rewritten)",
                )
            if verify_signature is not None and not verify_signature(cp):
                return VerifyResult(False, count, rec.seq, f"checkpoint at record {rec.seq}: bad signature")
        prev_hash = rec.hash
        expected_seq += 1
    for cp in by_seq.values():
        if cp.seq >= expected_seq:
            return VerifyResult(
                False,
                count,
                expected_seq,
                f"signed checkpoint at record {cp.seq} but the chain ends at {expected_seq - 1} "
                "(records removed from the end)",
                checked,
            )
    return VerifyResult(True, count, None, None, checked)
