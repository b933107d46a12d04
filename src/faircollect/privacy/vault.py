"""Envelope encryption of personal data: per-subject data keys, wrapped under the KEK, AES-256-GCM.

A sealed value is the text ``fc1:`` + base64(nonce || ciphertext); the AEAD's associated data binds it to its
subject and field, so a ciphertext copied to another person or another column does not open. A ``Keyring`` holds
the unwrapped data keys one session needs (loaded in one query per batch, created in one INSERT per batch), so
encrypting or reading many rows costs one round trip, not one per row.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Engine, Table, bindparam, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from faircollect.kit.errors import FaircollectError
from faircollect.kit.time import utc_now
from faircollect.privacy.keys import Kek, KeyError_, current_kek
from faircollect.privacy.models import DataKey

PREFIX = "fc1:"
_CHUNK = 1000


class Erased(FaircollectError):
    """The subject's data key was destroyed (retention or erasure): the data is gone for good."""

    status = 410


def _aad(subject: str, field_name: str) -> bytes:
    return f"{subject}|{field_name}".encode()


def wrap_key(kek: Kek, subject: str, data_key: bytes) -> bytes:
    nonce = os.urandom(12)
    return nonce + kek.wrap.encrypt(nonce, data_key, subject.encode())


def unwrap_key(kek: Kek, subject: str, wrapped: bytes, kek_id: str) -> bytes:
    if kek_id != kek.id:
        raise KeyError_(
            f"data key of {subject!r} is wrapped under KEK {kek_id}, but the configured KEK is {kek.id} "
            "(wrong FAIRCOLLECT_KEK / FAIRCOLLECT_KEK_FILE, or an unfinished `faircollect keys rotate`)"
        )
    try:
        return kek.wrap.decrypt(wrapped[:12], wrapped[12:], subject.encode())
    except InvalidTag:
        raise KeyError_(f"data key of {subject!r} does not unwrap under KEK {kek.id}") from None


def seal_with(aead: AESGCM, subject: str, field_name: str, plaintext: str) -> str:
    nonce = os.urandom(12)
    ct = aead.encrypt(nonce, plaintext.encode("utf-8"), _aad(subject, field_name))
    return PREFIX + base64.b64encode(nonce + ct).decode("ascii")


def open_with(aead: AESGCM, subject: str, field_name: str, token: str) -> str:
    if not token.startswith(PREFIX):
        raise KeyError_(f"{field_name} of {subject!r}: not a sealed value")
    raw = base64.b64decode(token[len(PREFIX) :])
    try:
        return aead.decrypt(raw[:12], raw[12:], _aad(subject, field_name)).decode("utf-8")
    except InvalidTag:
        raise KeyError_(f"{field_name} of {subject!r}: ciphertext altered or moved") from None


#: A destroyed key in the keyring's cache.
_DESTROYED = None


@dataclass
class Keyring:
    """The data keys of one unit of work. Get it with ``keyring(session)``; it outlives the session's commit
    (objects read in a request are still readable when the response is built) through its engine."""

    engine: Engine | None
    kek: Kek = field(default_factory=current_kek)
    keys: dict[str, AESGCM | None] = field(default_factory=dict)
    #: Subjects of rows loaded but not yet decrypted: fetched together on the first miss.
    wanted: set[str] = field(default_factory=set)

    def _fetch(self, session: Session | None, subjects: Iterable[str]) -> None:
        todo = sorted({s for s in subjects if s not in self.keys})
        for i in range(0, len(todo), _CHUNK):
            chunk = todo[i : i + _CHUNK]
            stmt = select(DataKey.subject_id, DataKey.wrapped, DataKey.kek_id).where(
                DataKey.subject_id.in_(chunk)
            )
            if session is not None:
                rows = session.execute(stmt).all()
            else:
                assert self.engine is not None
                with self.engine.connect() as conn:
                    rows = conn.execute(stmt).all()
            for subject, wrapped, kek_id in rows:
                self.keys[subject] = (
                    _DESTROYED if wrapped is None else AESGCM(unwrap_key(self.kek, subject, wrapped, kek_id))
                )
        self.wanted.difference_update(todo)

    def get(self, session: Session | None, subject: str) -> AESGCM | None:
        """The subject's data key; None once destroyed. Raises Erased-free KeyError_ if it never existed."""
        if subject not in self.keys:
            self._fetch(session, {subject, *self.wanted})
        if subject not in self.keys:
            raise KeyError_(f"no data key for {subject!r} (sealed data written under another database?)")
        return self.keys[subject]

    def ensure(self, session: Session, subjects: Iterable[str], *, new: bool = False) -> None:
        """Load, or create in one INSERT, the data keys of ``subjects`` (inside the session's transaction).

        ``new``: the subjects are expected to have no key yet (a bulk import's fresh borrowers): the keys are
        inserted without looking them up first; the few already stored (the INSERT skips them) are read after.
        """
        subjects = set(subjects)
        if not new:
            self._fetch(session, subjects)
        missing = sorted(s for s in subjects if s not in self.keys)
        if not missing:
            return
        now = utc_now()
        fresh = {s: AESGCM.generate_key(bit_length=256) for s in missing}
        rows = [
            {
                "subject_id": s,
                "wrapped": wrap_key(self.kek, s, k),
                "kek_id": self.kek.id,
                "created_at": now,
                "destroyed_at": None,
                "destroyed_reason": None,
            }
            for s, k in fresh.items()
        ]
        # The keys this INSERT stored are the fresh ones (RETURNING names them: no read-back and unwrap); another
        # transaction may have created some of the others first, or they existed: read back what is stored.
        for subject in _insert_ignore(session, rows):
            self.keys[subject] = AESGCM(fresh[subject])
        self._fetch(session, [s for s in missing if s not in self.keys])

    def seal(self, session: Session, subject: str, field_name: str, plaintext: str | None) -> str | None:
        if plaintext is None:
            return None
        self.ensure(session, [subject])
        aead = self.keys[subject]
        if aead is None:
            raise Erased(f"the personal data of {subject!r} was erased; nothing new is stored under it")
        return seal_with(aead, subject, field_name, plaintext)

    def open(self, session: Session | None, subject: str, field_name: str, token: str | None) -> str | None:
        """The plaintext of a sealed value; None if it is None or the subject's key was destroyed."""
        if token is None:
            return None
        aead = self.get(session, subject)
        if aead is None:
            return None
        return open_with(aead, subject, field_name, token)


def _insert_ignore(session: Session, rows: list[dict[str, Any]]) -> list[str]:
    """INSERT the data key rows, skipping subjects that have one; the subjects inserted."""
    table = cast(Table, DataKey.__table__)
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        # One statement over arrays (``unnest``): a multi-row VALUES of thousands of keys costs the driver more
        # to prepare than the keys cost to make, and one statement per key costs the server.
        c = table.c
        stmt = text(
            f"INSERT INTO {table.name} (subject_id, wrapped, kek_id, created_at) "
            "SELECT s, w, :kek_id, :created_at FROM unnest(:subjects, :wrapped) AS u(s, w) "
            "ON CONFLICT (subject_id) DO NOTHING RETURNING subject_id"
        ).bindparams(
            bindparam("subjects", type_=ARRAY(c.subject_id.type)),
            bindparam("wrapped", type_=ARRAY(c.wrapped.type)),
            bindparam("kek_id", type_=c.kek_id.type),
            bindparam("created_at", type_=c.created_at.type),
        )
        inserted: list[str] = []
        for i in range(0, len(rows), _INSERT_CHUNK):
            part = rows[i : i + _INSERT_CHUNK]
            params = {
                "subjects": [r["subject_id"] for r in part],
                "wrapped": [r["wrapped"] for r in part],
                "kek_id": part[0]["kek_id"],
                "created_at": part[0]["created_at"],
            }
            assert all(
                r["kek_id"] == params["kek_id"] and r["created_at"] == params["created_at"] for r in part
            )
            inserted += session.connection().execute(stmt, params).scalars()
        return inserted
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    stmt_ = (
        sqlite_insert(table)
        .on_conflict_do_nothing(index_elements=["subject_id"])
        .returning(table.c.subject_id)
    )
    return [r[0] for r in session.connection().execute(stmt_, rows)]


#: Data keys per INSERT statement.
_INSERT_CHUNK = 5000


_INFO_KEY = "faircollect.keyring"


def keyring(session: Session) -> Keyring:
    """The session's keyring (created on first use; same KEK for the whole session)."""
    ring = session.info.get(_INFO_KEY)
    if ring is None:
        bind = session.get_bind()
        ring = Keyring(engine=bind if isinstance(bind, Engine) else bind.engine)
        session.info[_INFO_KEY] = ring
    return ring


# --- the plain API --------------------------------------------------------------------------------------------


def encrypt(session: Session, subject: str, plaintext: str | None, *, field_name: str) -> str | None:
    """Seal one value under ``subject``'s data key (created if needed)."""
    return keyring(session).seal(session, subject, field_name, plaintext)


def decrypt(session: Session, subject: str, token: str | None, *, field_name: str) -> str | None:
    """Open one sealed value; None if the subject's data was erased."""
    return keyring(session).open(session, subject, field_name, token)


@dataclass(frozen=True, slots=True)
class Item:
    """One value to seal or open in a batch."""

    subject: str
    field_name: str
    value: str | None


def encrypt_many(session: Session, items: Sequence[Item], *, new: bool = False) -> list[str | None]:
    """Seal many values: the data keys are loaded/created in one query each, then AES-GCM per value. ``new``: the
    subjects are expected to have no data key yet (``Keyring.ensure``)."""
    ring = keyring(session)
    ring.ensure(session, {i.subject for i in items if i.value is not None}, new=new)
    out: list[str | None] = []
    for i in items:
        if i.value is None:
            out.append(None)
            continue
        aead = ring.keys[i.subject]
        if aead is None:
            raise Erased(f"the personal data of {i.subject!r} was erased; nothing new is stored under it")
        out.append(seal_with(aead, i.subject, i.field_name, i.value))
    return out


def decrypt_many(session: Session, items: Sequence[Item]) -> list[str | None]:
    """Open many sealed values with one key query for all their subjects."""
    ring = keyring(session)
    ring._fetch(session, {i.subject for i in items if i.value is not None})
    return [ring.open(session, i.subject, i.field_name, i.value) for i in items]


def destroy(session: Session, subjects: Iterable[str], *, reason: str, at: datetime | None = None) -> int:
    """Crypto-shred: destroy the data keys of ``subjects``. Every value sealed under them is unreadable for good.

    Returns how many keys were destroyed now (already destroyed ones are not counted).
    """
    todo = sorted(set(subjects))
    when = at or utc_now()
    n = 0
    for i in range(0, len(todo), _CHUNK):
        chunk = todo[i : i + _CHUNK]
        res = session.execute(
            update(DataKey)
            .where(DataKey.subject_id.in_(chunk), DataKey.wrapped.is_not(None))
            .values(wrapped=None, destroyed_at=when, destroyed_reason=reason[:200])
        )
        n += int(getattr(res, "rowcount", 0) or 0)
    ring = keyring(session)
    for s in todo:
        ring.keys[s] = _DESTROYED
    return n


def is_erased(session: Session, subject: str) -> bool:
    row = session.get(DataKey, subject)
    return row is not None and row.wrapped is None
