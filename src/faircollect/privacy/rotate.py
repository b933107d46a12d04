"""Key rotation: re-wrap every data key under a new key-encryption key and recompute every blind index.

The personal data itself is not re-encrypted (its data keys do not change), so a rotation costs one AES-GCM
unwrap and wrap per subject plus one HMAC per indexed value, all in one transaction: either every key and index
moves to the new KEK or none does.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from faircollect.db import import_all_models
from faircollect.privacy.blind import blind_index_with, normalise
from faircollect.privacy.keys import Kek
from faircollect.privacy.models import DataKey
from faircollect.privacy.sealed import REGISTRY, subject_of_row
from faircollect.privacy.vault import Item, decrypt_many, unwrap_key, wrap_key

_BATCH = 2000


@dataclass(frozen=True, slots=True)
class Rotation:
    keys_rewrapped: int
    keys_erased: int
    indexes_recomputed: int


def rotate(session: Session, *, old: Kek, new: Kek) -> Rotation:
    """Move every data key and blind index from ``old`` to ``new`` (inside the caller's transaction)."""
    import_all_models()
    # Indexes first: their values are read with the data keys still wrapped under the old KEK.
    indexes = 0
    for model, fields in REGISTRY.items():
        indexed = [f for f in fields.values() if f.bidx and f.index]
        if not indexed:
            continue
        table = model.__table__  # type: ignore[attr-defined]
        subject_attr = next(iter(fields.values())).subject_attr
        cols = [table.c.id, table.c[subject_attr], *[table.c[f.enc] for f in indexed]]
        last_id = ""
        while True:
            batch = session.execute(
                select(*cols).where(table.c.id > last_id).order_by(table.c.id).limit(_BATCH)
            ).all()
            if not batch:
                break
            items = [
                Item(subject_of_row(model, {"id": r[0], subject_attr: r[1]}), f.field_name, r[2 + i])
                for r in batch
                for i, f in enumerate(indexed)
            ]
            plain = decrypt_many(session, items)
            for k, r in enumerate(batch):
                values: dict[str, str | None] = {}
                for i, f in enumerate(indexed):
                    value = plain[k * len(indexed) + i]
                    assert f.bidx is not None and f.index is not None
                    values[f.bidx] = (
                        None
                        if value is None
                        else blind_index_with(new.index_key, f.index, normalise(f.index, value))
                    )
                    indexes += value is not None
                session.execute(update(table).where(table.c.id == r[0]).values(**values))
            last_id = batch[-1][0]
    rewrapped = erased = 0
    last = ""
    while True:
        rows = (
            session.execute(
                select(DataKey).where(DataKey.subject_id > last).order_by(DataKey.subject_id).limit(_BATCH)
            )
            .scalars()
            .all()
        )
        if not rows:
            break
        for dk in rows:
            if dk.wrapped is None:
                erased += 1
            else:
                dk.wrapped = wrap_key(
                    new, dk.subject_id, unwrap_key(old, dk.subject_id, dk.wrapped, dk.kek_id)
                )
                rewrapped += 1
            dk.kek_id = new.id
        last = rows[-1].subject_id
        session.flush()
    return Rotation(rewrapped, erased, indexes)
