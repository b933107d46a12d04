"""The key-encryption key (KEK) and the keys derived from it.

The KEK is 32 random bytes, base64, from ``FAIRCOLLECT_KEK`` or from the file ``FAIRCOLLECT_KEK_FILE`` (created
with mode 0600 on first use, like the audit signing key). It never encrypts personal data itself: it wraps the
per-subject data keys (``data_key`` table) and, through HKDF, yields the key of the blind indexes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from faircollect.config import get_settings
from faircollect.kit.errors import FaircollectError


class KeyError_(FaircollectError):
    """The KEK is missing, malformed, or does not match the database's data keys."""

    status = 500


@dataclass(frozen=True, slots=True)
class Kek:
    """A loaded KEK: its public id, the AEAD that wraps data keys, and the blind-index key."""

    id: str
    wrap: AESGCM
    index_key: bytes


def _derive(secret: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(secret)


def kek_from_secret(secret: bytes) -> Kek:
    """Derive the wrap key, the blind-index key and the id (a hash, safe to store) from a 32-byte secret."""
    if len(secret) != 32:
        raise KeyError_(f"the key-encryption key must be 32 bytes, got {len(secret)}")
    kid = hashlib.sha256(b"faircollect kek id|" + secret).hexdigest()[:16]
    return Kek(
        id=kid,
        wrap=AESGCM(_derive(secret, b"faircollect data-key wrap v1")),
        index_key=_derive(secret, b"faircollect blind index v1"),
    )


def new_secret() -> bytes:
    return os.urandom(32)


def encode_secret(secret: bytes) -> str:
    return base64.b64encode(secret).decode() + "\n"


def decode_secret(text: str, *, source: str) -> bytes:
    try:
        return base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise KeyError_(f"{source}: not base64 (expected 32 random bytes, base64)") from None


def write_secret_file(path: Path, secret: bytes) -> None:
    """Write a KEK file readable by its owner only (created 0600, never world-readable even briefly)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(encode_secret(secret))
        fh.flush()
        os.fsync(fh.fileno())
    path.chmod(0o600)


@lru_cache(maxsize=8)
def _load(env_value: str, path: str, _version: int = 0) -> Kek:
    if env_value:
        return kek_from_secret(decode_secret(env_value, source="FAIRCOLLECT_KEK"))
    p = Path(path)
    if not p.exists():
        create_secret_file(p)
    return kek_from_secret(decode_secret(p.read_text(), source=str(p)))


def create_secret_file(path: Path) -> None:
    """Create the KEK file with a new secret unless it exists — atomically: processes that start together (the
    import's forked workers on a fresh install) all read the one secret that won, never an empty or half-written
    file or a secret another process then overwrites (the blind indexes computed under it would be lost)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    write_secret_file(tmp, new_secret())
    try:
        os.link(tmp, path)  # fails if the file exists: the first secret stays
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)


def current_kek() -> Kek:
    """The configured KEK (``FAIRCOLLECT_KEK`` wins over ``FAIRCOLLECT_KEK_FILE``)."""
    s = get_settings()
    if s.kek:
        return _load(s.kek.get_secret_value(), "")
    try:  # a rotated file (new content, new mtime) is read again
        version = os.stat(s.kek_file).st_mtime_ns
    except FileNotFoundError:
        version = 0
    return _load("", str(s.kek_file), version)
