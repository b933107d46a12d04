"""Keyed blind indexes: exact lookup on encrypted fields without storing them in clear.

``blind_index(kind, value)`` is ``HMAC-SHA256(index_key, kind || 0 || normalised value)``, hex. Equal values of the
same kind give equal indexes; without the key an index reveals nothing and cannot be brute-forced offline. The
value is normalised first so that ``138 0013 8000`` and ``+8613800138000`` find the same person.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata

from faircollect.privacy.keys import current_kek
from faircollect.privacy.phones import try_normalise_phone

#: Kinds of blind index and what each normalises.
KINDS = ("phone", "email", "id_number", "external_ref", "address")


def normalise(kind: str, value: str, *, jurisdiction: str | None = None) -> str:
    """The canonical form a blind index is computed on (never raises)."""
    text = unicodedata.normalize("NFKC", value).strip()
    if kind == "email":
        return text.lower()
    if kind == "id_number":
        return text.replace(" ", "").upper()
    if kind == "phone":
        return try_normalise_phone(text, jurisdiction=jurisdiction) or "".join(
            ch for ch in text if ch.isdigit()
        )
    if kind == "address":  # an outbox or attempt address: an e-mail, a phone, or anything else
        if "@" in text:
            return text.lower()
        return try_normalise_phone(text, jurisdiction=jurisdiction) or text
    return text


def blind_index(kind: str, value: str, *, jurisdiction: str | None = None) -> str:
    """The keyed blind index of ``value`` (64 hex characters)."""
    if kind not in KINDS:
        raise ValueError(f"unknown blind index kind {kind!r}; one of {', '.join(KINDS)}")
    return blind_index_with(current_kek().index_key, kind, normalise(kind, value, jurisdiction=jurisdiction))


def blind_index_with(index_key: bytes, kind: str, normalised: str) -> str:
    """The same index under an explicit key (used by key rotation to compute the new indexes)."""
    return hmac.new(index_key, kind.encode() + b"\x00" + normalised.encode(), hashlib.sha256).hexdigest()
