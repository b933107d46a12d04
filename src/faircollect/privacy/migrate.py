"""Alembic helper: replace clear personal-data columns by sealed ones, encrypting existing rows in place.

Used by the revisions that sealed each domain's personal data (``ledger_0004``, ``messaging_0004``,
``compliance_0002``, and the free texts: ``collections_0002``, ``compliance_0003``, ``portal_0003``). It seals with the configured KEK, exactly as the ``Sealed`` attributes would.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

from faircollect.privacy.blind import blind_index
from faircollect.privacy.vault import Item, encrypt_many

_BATCH = 2000


@dataclass(frozen=True, slots=True)
class Column:
    """A clear column to seal: its name and, if it is looked up, its blind-index kind."""

    name: str
    index: str | None = None
    indexed: bool = False  # create an index on <name>_bidx
    type_: sa.types.TypeEngine[Any] = field(
        default_factory=sa.Text
    )  # the clear column's type, restored by a downgrade
    binary: bool = False  # bytes (sealed as base64 text, like ``Sealed(binary=True)``)

    def to_text(self, value: Any) -> str | None:
        if value is None:
            return None
        return base64.b64encode(bytes(value)).decode("ascii") if self.binary else str(value)

    def from_text(self, text: str | None) -> Any:
        return base64.b64decode(text) if self.binary and text is not None else text


def seal_table(
    table: str,
    columns: Sequence[Column],
    *,
    subject: str,
    drop_indexes: Sequence[str] = (),
) -> None:
    """Add ``<col>_enc``/``<col>_bidx``, encrypt every row's values under its subject's key, drop the clear columns.

    ``subject`` is the column holding the borrower id (``id`` for the borrower table); rows without one are sealed
    under ``"<table>:<id>"``.
    """
    for c in columns:
        op.add_column(table, sa.Column(f"{c.name}_enc", sa.Text(), nullable=True))
        if c.index:
            op.add_column(table, sa.Column(f"{c.name}_bidx", sa.String(64), nullable=True))
    bind = op.get_bind()
    t = sa.table(
        table,
        sa.column("id"),
        sa.column(subject),
        *[sa.column(c.name) for c in columns],
        *[sa.column(f"{c.name}_enc") for c in columns],
        *[sa.column(f"{c.name}_bidx") for c in columns if c.index],
    )
    session = Session(bind=bind)
    last = ""
    while True:
        rows = bind.execute(
            sa.select(t.c.id, t.c[subject], *[t.c[c.name] for c in columns])
            .where(t.c.id > last)
            .order_by(t.c.id)
            .limit(_BATCH)
        ).all()
        if not rows:
            break
        items: list[Item] = []
        for r in rows:
            subj = str(r[1]) if r[1] else f"{table}:{r[0]}"
            items.extend(Item(subj, f"{table}.{c.name}", c.to_text(r[2 + i])) for i, c in enumerate(columns))
        tokens = encrypt_many(session, items)
        for k, r in enumerate(rows):
            values: dict[str, str | None] = {}
            for i, c in enumerate(columns):
                plain = r[2 + i]
                values[f"{c.name}_enc"] = tokens[k * len(columns) + i]
                if c.index:
                    values[f"{c.name}_bidx"] = None if plain is None else blind_index(c.index, str(plain))
            bind.execute(sa.update(t).where(t.c.id == r[0]).values(**values))
        last = rows[-1][0]
    session.close()
    for name in drop_indexes:
        op.drop_index(name, table_name=table)
    _drop_columns(table, [c.name for c in columns])
    for c in columns:
        if c.index and c.indexed:
            op.create_index(f"ix_{table}_{c.name}_bidx", table, [f"{c.name}_bidx"])


def unseal_table(table: str, columns: Sequence[Column], *, subject: str) -> None:
    """Downgrade: restore clear columns from the sealed ones (erased values come back as NULL)."""
    from faircollect.privacy.vault import decrypt_many

    for c in columns:
        op.add_column(table, sa.Column(c.name, c.type_, nullable=True))
    bind = op.get_bind()
    t = sa.table(
        table,
        sa.column("id"),
        sa.column(subject),
        *[sa.column(c.name) for c in columns],
        *[sa.column(f"{c.name}_enc") for c in columns],
    )
    session = Session(bind=bind)
    rows = bind.execute(sa.select(t.c.id, t.c[subject], *[t.c[f"{c.name}_enc"] for c in columns])).all()
    items = [
        Item(str(r[1]) if r[1] else f"{table}:{r[0]}", f"{table}.{c.name}", r[2 + i])
        for r in rows
        for i, c in enumerate(columns)
    ]
    plain = decrypt_many(session, items)
    for k, r in enumerate(rows):
        bind.execute(
            sa.update(t)
            .where(t.c.id == r[0])
            .values(**{c.name: c.from_text(plain[k * len(columns) + i]) for i, c in enumerate(columns)})
        )
    session.close()
    for c in columns:
        if c.index and c.indexed:
            op.drop_index(f"ix_{table}_{c.name}_bidx", table_name=table)
    _drop_columns(
        table, [n for c in columns for n in (f"{c.name}_enc", f"{c.name}_bidx" if c.index else "") if n]
    )


def _drop_columns(table: str, names: Sequence[str]) -> None:
    """Drop plain columns; on SQLite with its native DROP COLUMN (a batch table rebuild would trip the foreign
    keys that point at borrower)."""
    if op.get_bind().dialect.name == "sqlite":
        for name in names:
            op.execute(f'ALTER TABLE "{table}" DROP COLUMN "{name}"')
        return
    for name in names:
        op.drop_column(table, name)
