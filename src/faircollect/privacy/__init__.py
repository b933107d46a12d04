"""Personal data at rest: phones in E.164, keyed blind indexes, envelope encryption, erasure by key destruction.

Public API (other domains import from here)::

    from faircollect.privacy import normalise_phone, blind_index, encrypt, decrypt, encrypt_many, Sealed
    from faircollect.privacy import seal_payload, open_payload   # free text inside JSON payloads

A model field: ``Sealed(subject=..., index=..., binary=...)`` (``binary=True``: a ``bytes`` value, e.g. a PDF).
"""

from faircollect.privacy.blind import blind_index, normalise
from faircollect.privacy.keys import current_kek
from faircollect.privacy.payload import open_payload, seal_payload
from faircollect.privacy.phones import normalise_phone, try_normalise_phone
from faircollect.privacy.sealed import REGISTRY, Sealed, seal_rows
from faircollect.privacy.vault import (
    Erased,
    Item,
    decrypt,
    decrypt_many,
    destroy,
    encrypt,
    encrypt_many,
    is_erased,
    keyring,
)

__all__ = [
    "REGISTRY",
    "Erased",
    "Item",
    "Sealed",
    "blind_index",
    "current_kek",
    "decrypt",
    "decrypt_many",
    "destroy",
    "encrypt",
    "encrypt_many",
    "is_erased",
    "keyring",
    "normalise",
    "normalise_phone",
    "open_payload",
    "seal_payload",
    "seal_rows",
    "try_normalise_phone",
]
