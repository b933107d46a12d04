"""Large imports on PostgreSQL: the ledger's foreign keys checked once, by one join, instead of row by row.

Every ``loan_event`` row a ``COPY`` stores fires a foreign-key trigger that looks its loan up (``SELECT … FOR KEY
SHARE``), every ``ledger_entry`` row two (its loan and its event). For an import of a whole book these checks are
most of what the server spends per row (measured at 20,000 loans: 44 µs of backend CPU per input row with them,
15 without, the re-add included; docs/import.md, "Speed"). So a *large* import, as the PostgreSQL manual advises
for populating a database, drops those constraints inside its own transaction, writes, and adds them back before
the commit: ``ALTER TABLE … ADD CONSTRAINT … FOREIGN KEY`` validates every row of the table with one join, and DDL
is transactional in PostgreSQL, so a failure anywhere (a row without its parent included) rolls back the rows
*and* the DDL — all or nothing holds, and the constraints exist, validated, whenever anyone can see the rows.

The price: dropping a foreign key takes ``ACCESS EXCLUSIVE`` locks on the table *and* the table it references, so
``loan``, ``loan_event`` and ``ledger_entry`` cannot be read or written by anyone else from the drop to the
import's commit (minutes for a large book). It is meant for onboarding a book, not for an import beside live
work: hence a threshold (``FAIRCOLLECT_IMPORT_LARGE_ROWS``, rows to write; ``import --large/--no-large``
overrides it) and a ``lock_timeout`` on the drop (``FAIRCOLLECT_IMPORT_LOCK_TIMEOUT``): if another session holds
these tables longer, the drop is rolled back to its savepoint and the import goes the ordinary way (row-by-row
checks, no exclusive lock), with a warning — it never waits behind a reader indefinitely. The constraints dropped
and re-added are the models' (``ForeignKeyConstraint`` objects of the metadata, compiled by SQLAlchemy), and only
when the database holds exactly those by name: a schema that has drifted from the models is left alone.

Secondary indexes stay: measured, rebuilding ``ix_ledger_entry_loan_id`` saves about 1.5 µs per input row at
20,000 loans, not worth a second rebuild of a large table; the unique ones enforce idempotency.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import ForeignKeyConstraint, Table, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.schema import AddConstraint, DropConstraint

from faircollect.ledger.models import LedgerEntry, LoanEvent

log = logging.getLogger(__name__)

#: Rows an import writes (new loans + payments to post) from which it is *large* (its foreign keys checked at the
#: end); the environment variable overrides it.
LARGE_ROWS_ENV = "FAIRCOLLECT_IMPORT_LARGE_ROWS"
DEFAULT_LARGE_ROWS = 300_000
#: How long the drop may wait for the ledger tables' locks before the import goes the ordinary way.
LOCK_TIMEOUT_ENV = "FAIRCOLLECT_IMPORT_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = "10s"
#: The tables whose foreign keys a large import checks at the end (the rows it writes most of).
TABLES: tuple[Table, ...] = (LoanEvent.__table__, LedgerEntry.__table__)  # type: ignore[assignment]
#: PostgreSQL's ``lock_not_available`` (a ``lock_timeout`` expired).
_LOCK_NOT_AVAILABLE = "55P03"


def large_threshold() -> int:
    """``FAIRCOLLECT_IMPORT_LARGE_ROWS`` or ``DEFAULT_LARGE_ROWS``."""
    env = os.environ.get(LARGE_ROWS_ENV, "").strip()
    return int(env) if env else DEFAULT_LARGE_ROWS


def is_large(rows: int, large: bool | None) -> bool:
    """Whether an import writing ``rows`` rows checks its foreign keys at the end (``large`` forces it either way)."""
    return large if large is not None else rows >= large_threshold()


def foreign_keys(tables: tuple[Table, ...] = TABLES) -> list[ForeignKeyConstraint]:
    """The models' foreign keys of ``tables`` (names from the metadata's naming convention), in a fixed order."""
    return [fk for t in tables for fk in sorted(t.foreign_key_constraints, key=lambda c: str(c.name))]


def stored_foreign_keys(session: Session, tables: tuple[Table, ...] = TABLES) -> set[tuple[str, str]]:
    """(table, constraint name) of every foreign key the database holds on ``tables`` (PostgreSQL)."""
    rows = session.execute(
        text(
            "SELECT c.relname, k.conname FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid "
            "WHERE k.contype = 'f' AND k.conrelid = ANY(CAST(:tables AS regclass[]))"
        ),
        {"tables": [t.name for t in tables]},
    )
    return {(str(r[0]), str(r[1])) for r in rows}


@contextmanager
def foreign_keys_checked_at_end(session: Session, enabled: bool) -> Iterator[bool]:
    """Around the bulk write: when ``enabled`` (and on PostgreSQL), drop the ledger tables' foreign keys, then on
    leaving add them back, validated (one join per constraint over the whole table). Yields whether they were
    dropped. If the body raises, nothing is re-added: the caller's transaction rolls back, the DDL with it."""
    if not enabled or session.connection().dialect.name != "postgresql":
        yield False
        return
    fks = foreign_keys()
    expected = {(fk.table.name, str(fk.name)) for fk in fks}
    stored = stored_foreign_keys(session)
    if stored != expected:
        log.warning(
            "large import: the database's foreign keys on %s (%s) differ from the models' (%s); "
            "checking them row by row",
            ", ".join(t.name for t in TABLES),
            sorted(stored),
            sorted(expected),
        )
        yield False
        return
    previous = str(session.execute(text("SHOW lock_timeout")).scalar_one())
    try:
        with session.begin_nested():
            session.execute(text("SELECT set_config('lock_timeout', :v, true)"), {"v": lock_timeout()})
            for fk in fks:
                session.execute(DropConstraint(fk))
    except OperationalError as exc:
        if getattr(exc.orig, "sqlstate", None) != _LOCK_NOT_AVAILABLE:
            raise
        # The savepoint's rollback undid the drops and the lock_timeout: the ordinary way, no exclusive lock.
        log.warning(
            "large import: %s held by another session for more than %s; checking foreign keys row by row",
            ", ".join(sorted({fk.table.name for fk in fks} | {fk.referred_table.name for fk in fks})),
            lock_timeout(),
        )
        yield False
        return
    # The locks are held to the commit now; later statements (the audit head's lock) wait as they always do.
    session.execute(text("SELECT set_config('lock_timeout', :v, true)"), {"v": previous})
    yield True
    for fk in fks:
        session.execute(AddConstraint(fk))


def lock_timeout() -> str:
    """``FAIRCOLLECT_IMPORT_LOCK_TIMEOUT`` (a PostgreSQL duration: ``10s``, ``500ms``) or ``DEFAULT_LOCK_TIMEOUT``."""
    return os.environ.get(LOCK_TIMEOUT_ENV, "").strip() or DEFAULT_LOCK_TIMEOUT
