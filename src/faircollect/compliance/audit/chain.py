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


@dataclass(frozen=True, slots=True)
class ReceiptCheck:
    """A receipt from the external sink, as the verifier sees it: what it signed and whether the signature holds."""

    seq: int
    hash: str
    at: str
    signature_ok: bool


def check_receipts(
    receipts: Iterable[ReceiptCheck],
    stored_hash: Mapping[int, str],
    *,
    chain_length: int,
    records_checked: int,
    checkpoints_checked: int,
) -> VerifyResult:
    """Hold the database's chain against the receipts kept outside it; name a cut tail or a rewritten stretch.

    ``stored_hash`` maps a receipt's seq to the hash the database holds for that record (already verified to be a
    consistent chain). Receipts are taken in seq order; the last one that matches bounds the rewritten stretch.
    """
    ordered = sorted({(r.seq, r.hash): r for r in receipts}.values(), key=lambda r: r.seq)
    for r in ordered:
        if not r.signature_ok:
            return VerifyResult(
                False,
                records_checked,
                r.seq,
                f"receipt for record {r.seq} ({r.at}) is not signed by the trusted key (forged receipt, or the "
                "wrong public key)",
                checkpoints_checked,
            )
    last_good = 0
    for r in ordered:
        if r.seq > chain_length:
            newest = ordered[-1]
            return VerifyResult(
                False,
                records_checked,
                chain_length + 1,
                f"records {chain_length + 1}..{newest.seq} removed from the end: the receipt of {newest.at} "
                f"signed record {newest.seq}, but the chain (and its head) end at {chain_length}",
                checkpoints_checked,
            )
        if stored_hash.get(r.seq) != r.hash:
            return VerifyResult(
                False,
                records_checked,
                last_good + 1,
                f"records {last_good + 1}..{r.seq} rewritten after "
                + (f"the checkpoint at record {last_good}" if last_good else "the start of the chain")
                + f": record {r.seq} no longer has the hash its receipt of {r.at} signed",
                checkpoints_checked,
            )
        last_good = r.seq
    return VerifyResult(True, records_checked, None, None, checkpoints_checked)
