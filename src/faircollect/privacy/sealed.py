"""Sealed ORM attributes: a model keeps the plaintext API (``borrower.phone``) while the row stores only
ciphertext (``phone_enc``) and, for lookups, a keyed blind index (``phone_bidx``).

Declare on a model::

    phone_enc: Mapped[str | None] = mapped_column(Text)
    phone_bidx: Mapped[str | None] = mapped_column(String(64), index=True)
    phone = Sealed(subject="id", index="phone")

Assigning ``borrower.phone = "+86…"`` keeps the plaintext in memory; ``before_flush`` seals every pending value of
the flush with one key query (and one INSERT for new subjects). Reading decrypts lazily; the subjects of all rows a
session loaded are fetched together on the first miss, so a listing costs one key query. Core bulk inserts
(``insert(Model)`` with dict rows) go through ``seal_rows`` instead.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, object_session

from faircollect.db import Base
from faircollect.privacy.blind import blind_index
from faircollect.privacy.keys import KeyError_
from faircollect.privacy.vault import Erased, keyring, seal_with

#: Every sealed attribute, per model class: {cls: {name: Sealed}}.
REGISTRY: dict[type, dict[str, Sealed]] = {}

_PLAIN = "_fc_plain"
_DIRTY = "_fc_dirty"
_RING = "_fc_ring"


class Sealed:
    """A personal-data attribute stored encrypted under its subject's data key."""

    def __init__(
        self, *, subject: str = "borrower_id", index: str | None = None, binary: bool = False
    ) -> None:
        self.subject_attr = subject
        self.index = index
        #: The value is ``bytes`` (a document, a file): sealed as its base64 text.
        self.binary = binary
        self.name = ""
        self.enc = ""
        self.bidx: str | None = None
        self.owner: type | None = None

    def __set_name__(self, owner: type, name: str) -> None:
        self.name, self.owner = name, owner
        self.enc = f"{name}_enc"
        self.bidx = f"{name}_bidx" if self.index else None
        REGISTRY.setdefault(owner, {})[name] = self

    @property
    def field_name(self) -> str:
        """What the ciphertext is bound to (AEAD associated data): ``table.column``."""
        return f"{getattr(self.owner, '__tablename__', '?')}.{self.name}"

    def __get__(self, obj: Any, cls: type | None = None) -> Any:
        if obj is None:
            return self
        d = obj.__dict__
        plain = d.get(_PLAIN)
        if plain is not None and self.name in plain:
            return plain[self.name]
        token = getattr(obj, self.enc)
        if token is None:
            return None
        session = object_session(obj)
        ring = d.get(_RING) or (keyring(session) if session is not None else None)
        if ring is None:
            raise KeyError_(f"{self.field_name}: a sealed value read outside any session")
        if session is not None:
            with session.no_autoflush:
                opened = ring.open(session, subject_of(obj), self.field_name, token)
        else:
            opened = ring.open(None, subject_of(obj), self.field_name, token)
        value = self.from_text(opened)
        d.setdefault(_PLAIN, {})[self.name] = value
        return value

    def to_text(self, value: Any) -> str | None:
        """The text that is sealed for ``value`` (bytes as base64)."""
        if value is None:
            return None
        if self.binary:
            return base64.b64encode(bytes(value)).decode("ascii")
        return str(value)

    def from_text(self, text: str | None) -> Any:
        if text is None or not self.binary:
            return text
        return base64.b64decode(text)

    def __set__(self, obj: Any, value: Any) -> None:
        d = obj.__dict__
        d.setdefault(_PLAIN, {})[self.name] = value
        d.setdefault(_DIRTY, set()).add(self.name)
        setattr(obj, self.enc, None)  # marks the row dirty; before_flush writes the ciphertext
        if self.bidx:
            setattr(obj, self.bidx, None)

    def lookup(self, value: str, *, jurisdiction: str | None = None) -> Any:
        """A WHERE clause finding rows whose value equals ``value`` (through the blind index)."""
        if not self.bidx or not self.index:
            raise TypeError(f"{self.field_name} has no blind index; it cannot be looked up")
        column = getattr(self.owner, self.bidx)
        return column == blind_index(self.index, value, jurisdiction=jurisdiction)

    def lookup_any(self, values: Sequence[str], *, jurisdiction: str | None = None) -> Any:
        """A WHERE clause for any of ``values``."""
        if not self.bidx or not self.index:
            raise TypeError(f"{self.field_name} has no blind index; it cannot be looked up")
        column = getattr(self.owner, self.bidx)
        return column.in_({blind_index(self.index, v, jurisdiction=jurisdiction) for v in values})


def subject_of(obj: Any) -> str:
    """The subject whose data key seals ``obj``'s fields: its borrower, or ``table:id`` if it has none."""
    fields = REGISTRY[type(obj)]
    attr = next(iter(fields.values())).subject_attr
    subject = getattr(obj, attr)
    if subject:
        return str(subject)
    return f"{type(obj).__tablename__}:{obj.id}"


def subject_of_row(model: type, row: Mapping[str, Any]) -> str:
    attr = next(iter(REGISTRY[model].values())).subject_attr
    subject = row.get(attr)
    return str(subject) if subject else f"{model.__tablename__}:{row['id']}"  # type: ignore[attr-defined]


def seal_rows(
    session: Session, model: type, rows: Sequence[Mapping[str, Any]], *, new: bool = False
) -> list[dict[str, Any]]:
    """Dict rows for a Core ``insert(model)``: each sealed plaintext key becomes ``<name>_enc`` (+ ``_bidx``).

    One key query and one key INSERT for the whole batch (the bulk importer's path). A row may carry a blind
    index already computed with ``blind_index`` (``<name>_bidx``; the importer computes them in worker processes).
    ``new``: the rows' subjects are new (the import's new borrowers): their data keys are inserted without a lookup
    first (one stored already is still found and used).
    """
    fields = REGISTRY.get(model, {})
    # Per row: its subject and the (field, text) pairs it seals — no ``Item`` per value; the same keys and the same
    # ``seal_with`` as ``encrypt_many``.
    plan: list[tuple[str, list[tuple[Sealed, str | None]]]] = []
    subjects: set[str] = set()
    for row in rows:
        subject = subject_of_row(model, row)
        values = [(f, f.to_text(row[f.name])) for f in fields.values() if f.name in row]
        if any(v is not None for _, v in values):
            subjects.add(subject)
        plan.append((subject, values))
    ring = keyring(session)
    ring.ensure(session, subjects, new=new)
    keys = ring.keys
    out = []
    for row, (subject, values) in zip(rows, plan, strict=True):
        sealed = {k: v for k, v in row.items() if k not in fields}
        for f, value in values:
            if value is None:
                sealed[f.enc] = None
            else:
                aead = keys[subject]
                if aead is None:
                    raise Erased(
                        f"the personal data of {subject!r} was erased; nothing new is stored under it"
                    )
                sealed[f.enc] = seal_with(aead, subject, f.field_name, value)
            if f.bidx and f.index and f.bidx not in row:
                sealed[f.bidx] = None if value is None else blind_index(f.index, value)
        out.append(sealed)
    return out


@event.listens_for(Session, "before_flush")
def _seal_pending(session: Session, _ctx: Any, _instances: Any) -> None:
    pending = [o for o in (*session.new, *session.dirty) if o.__dict__.get(_DIRTY)]
    if not pending:
        return
    ring = keyring(session)
    with session.no_autoflush:
        ring.ensure(session, {subject_of(o) for o in pending})
        for o in pending:
            fields = REGISTRY[type(o)]
            subject = subject_of(o)
            for name in sorted(o.__dict__.pop(_DIRTY)):
                f = fields[name]
                plain = f.to_text(o.__dict__[_PLAIN][name])
                setattr(o, f.enc, ring.seal(session, subject, f.field_name, plain))
                if f.bidx and f.index:
                    setattr(o, f.bidx, None if plain is None else blind_index(f.index, plain))


@event.listens_for(Session, "do_orm_execute")
def _refuse_clear_bulk_insert(state: Any) -> None:
    """A Core-style ``insert(Model)`` with a sealed field's plaintext would silently drop it: refuse it loudly."""
    if not state.is_insert:
        return
    entity = state.bind_mapper.class_ if state.bind_mapper is not None else None
    fields = REGISTRY.get(entity) if entity is not None else None
    if entity is None or not fields:
        return
    params = state.parameters
    rows = params if isinstance(params, list) else [params] if params else []
    for row in rows[:1]:
        clear = sorted(set(row) & set(fields))
        if clear:
            raise TypeError(
                f"insert({entity.__name__}) given clear personal data {clear}: "
                "pass the rows through faircollect.privacy.seal_rows first"
            )


@event.listens_for(Base, "load", propagate=True)
def _on_load(target: Any, context: Any) -> None:
    if type(target) not in REGISTRY:
        return
    ring = keyring(context.session)
    target.__dict__[_RING] = ring
    target.__dict__.pop(_PLAIN, None)
    ring.wanted.add(subject_of(target))


@event.listens_for(Base, "refresh", propagate=True)
def _on_refresh(target: Any, context: Any, _attrs: Any) -> None:
    _on_load(target, context)
