"""Free text inside JSON payloads (case events, audit records): sealed under the person's data key.

A note typed during a call, the reason a hold was set, a supervisor's note on a visit: such text is written where
it can never be changed (the audit chain) or is copied into event logs. Stored in clear, it would outlive the
person's erasure. ``seal_payload`` replaces each such value by a sealed token (``fc1:…``, AES-GCM under the
subject's data key, bound to ``<scope>.<key>``); the audit hash covers the token, so destroying the key at
retention makes the text unreadable for good while the chain still verifies. ``open_payload`` gives the text back
(``None`` once erased).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy.orm import Session

from faircollect.privacy.vault import PREFIX, Item, decrypt_many, encrypt_many

#: Every scope free text is sealed under in payloads (``open_sealed`` tries them in turn).
SCOPES = ("case_event", "hold", "relief_application", "complaint_extension")


def _field(scope: str, key: str) -> str:
    return f"{scope}.{key}"


def seal_payload(
    session: Session, subject: str, payload: Mapping[str, Any], keys: Iterable[str], *, scope: str
) -> dict[str, Any]:
    """``payload`` with the text under each of ``keys`` sealed under ``subject``'s data key (None stays None)."""
    out = dict(payload)
    todo = [k for k in keys if isinstance(out.get(k), str)]
    tokens = encrypt_many(session, [Item(subject, _field(scope, k), out[k]) for k in todo])
    for k, token in zip(todo, tokens, strict=True):
        out[k] = token
    return out


def open_payload(
    session: Session, subject: str, payload: Mapping[str, Any] | None, keys: Iterable[str], *, scope: str
) -> dict[str, Any]:
    """``payload`` with the sealed values under ``keys`` opened (None if the subject was erased). Values that are
    not sealed (written before sealing, or never text) are returned as they are."""
    out = dict(payload or {})
    todo = [k for k in keys if isinstance(out.get(k), str) and out[k].startswith(PREFIX)]
    opened = decrypt_many(session, [Item(subject, _field(scope, k), out[k]) for k in todo])
    for k, text in zip(todo, opened, strict=True):
        out[k] = text
    return out


def open_sealed(session: Session, subject: str, payload: Mapping[str, Any] | None) -> dict[str, Any]:
    """``payload`` with every sealed value opened under whichever known scope seals it (the subject-access export,
    which does not know which code wrote a record). A value that opens under none is left as it is."""
    from faircollect.privacy.keys import KeyError_

    out = dict(payload or {})
    for k, v in out.items():
        if not (isinstance(v, str) and v.startswith(PREFIX)):
            continue
        for scope in SCOPES:
            try:
                out[k] = decrypt_many(session, [Item(subject, _field(scope, k), v)])[0]
                break
            except KeyError_:
                continue
    return out
