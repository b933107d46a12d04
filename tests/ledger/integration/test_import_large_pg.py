"""A *large* import on PostgreSQL (``import_constraints``): the ledger's foreign keys dropped inside the import's
transaction and re-added, validated, before the commit.

* The same rows as the ordinary path (the threshold lowered so a sample is large): new loans, and payments for
  loans stored earlier.
* Afterwards the foreign keys exist as the migrations made them (same definitions) and are validated.
* A failure inside the write — or a row without its parent, found by the re-add's validation — rolls back every
  row and the DDL: the constraints are there as before.
* A reader holding the ledger tables: the drop gives up after the lock timeout and the import goes the ordinary way.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from test_import_differential import (
    BAD_LOANS,
    BAD_PAYMENT_LOAN,
    LOAN_HEADER,
    PAY_HEADER,
    _sample,
    _state,
    _write,
)

from faircollect.db import make_engine, session_factory, unit_of_work, upgrade
from faircollect.ledger import import_constraints, import_write, importer
from faircollect.ledger.models import LedgerEntry, Loan, LoanEvent

pytestmark = pytest.mark.postgres


@pytest.fixture
def other_pg_url(pg_server_url: str) -> Iterator[str]:
    """A second fresh, migrated schema (the ordinary import's)."""
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = make_engine(pg_server_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in pg_server_url else "?"
    url = f"{pg_server_url}{sep}options=-csearch_path%3D{schema}"
    upgrade(url)
    yield url
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def _files(tmp_path: Path, seed: int = 7) -> tuple[Path, Path, Path]:
    """Good loans, a first payments file, and a second one for the same loans (stored by then)."""
    loan_rows, pay_rows = _sample(random.Random(seed), 30)
    loan_rows = [r for i, r in enumerate(loan_rows) if i not in BAD_LOANS]
    kept = {r["external_ref"] for r in loan_rows}
    pay_rows = [p for p in pay_rows if p["loan_ref"] in kept and p["loan_ref"] != f"L{BAD_PAYMENT_LOAN:03d}"]
    return (
        _write(tmp_path / "loans.csv", LOAN_HEADER, loan_rows),
        _write(tmp_path / "pay1.csv", PAY_HEADER, pay_rows[::2]),
        _write(tmp_path / "pay2.csv", PAY_HEADER, pay_rows[1::2]),
    )


def _constraints(url: str) -> dict[tuple[str, str], tuple[str, bool]]:
    """(table, name) → (definition, validated) of every foreign key on loan_event and ledger_entry."""
    engine = make_engine(url)
    with engine.connect() as c:
        rows = c.execute(
            text(
                "SELECT c.relname, k.conname, pg_get_constraintdef(k.oid), k.convalidated FROM pg_constraint k "
                "JOIN pg_class c ON c.oid = k.conrelid WHERE k.contype = 'f' "
                "AND k.conrelid IN ('loan_event'::regclass, 'ledger_entry'::regclass)"
            )
        ).all()
    engine.dispose()
    return {(r[0], r[1]): (r[2], r[3]) for r in rows}


@contextmanager
def _watch(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[bool]]:
    """Records, per import, whether its foreign keys were dropped (what ``foreign_keys_checked_at_end`` yielded)."""
    seen: list[bool] = []
    real = import_constraints.foreign_keys_checked_at_end

    @contextmanager
    def spy(session: Session, enabled: bool) -> Iterator[bool]:
        with real(session, enabled) as dropped:
            seen.append(dropped)
            yield dropped

    monkeypatch.setattr(importer, "foreign_keys_checked_at_end", spy)
    yield seen


def _counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    with engine.connect() as c:
        out = {
            t.__tablename__: c.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (Loan, LoanEvent, LedgerEntry)
        }
    engine.dispose()
    return out


def test_large_import_stores_what_the_ordinary_import_stores_and_validates_its_foreign_keys(
    pg_url: str,
    other_pg_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(import_write, "BATCH", 7)
    loans, pay1, pay2 = _files(tmp_path)
    before = _constraints(pg_url)
    assert len(before) == 3 and all(valid for _, valid in before.values())

    ordinary = session_factory(make_engine(other_pg_url))
    with _watch(monkeypatch) as seen:
        with unit_of_work(ordinary) as s:
            importer.import_files(s, loans=loans, payments=pay1)
        with unit_of_work(ordinary) as s:
            importer.import_files(s, payments=pay2)
        assert seen == [False, False]  # below the default threshold

        monkeypatch.setenv(import_constraints.LARGE_ROWS_ENV, "10")  # the sample counts as large
        large = session_factory(make_engine(pg_url))
        with unit_of_work(large) as s:
            first = importer.import_files(s, loans=loans, payments=pay1)
        with unit_of_work(large) as s:
            second = importer.import_files(s, payments=pay2)  # payments for stored loans, large too
        assert seen == [False, False, True, True], caplog.text  # a fallback says why in the log
    assert first.loans_created > 0 and second.payments_posted > 0
    assert _state(large) == _state(ordinary)
    assert _counts(pg_url) == _counts(other_pg_url)
    # The same constraints as the migrations made them, validated (the re-add checked every row).
    assert _constraints(pg_url) == before

    # A re-run writes nothing (large or not: nothing to write is below any threshold but 0).
    monkeypatch.setenv(import_constraints.LARGE_ROWS_ENV, "0")
    with unit_of_work(large) as s:
        again = importer.import_files(s, loans=loans, payments=pay1)
    assert again.loans_created == 0 and again.payments_posted == 0
    assert _state(large) == _state(ordinary) and _constraints(pg_url) == before


def test_a_failure_inside_a_large_write_rolls_back_the_rows_and_the_ddl(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_write, "BATCH", 7)
    loans, pay1, _ = _files(tmp_path)
    before = _constraints(pg_url)
    sessions = session_factory(make_engine(pg_url))

    def boom(*_a: Any, **_k: Any) -> Any:  # after the new loans' rows went in by COPY, the keys dropped
        raise RuntimeError("disk full")

    monkeypatch.setattr(importer, "write_stored_payments", boom)
    with (
        _watch(monkeypatch) as seen,
        pytest.raises(RuntimeError, match="disk full"),
        unit_of_work(sessions) as s,
    ):
        importer.import_files(s, loans=loans, payments=pay1, large=True)
    assert seen == [True]
    assert _counts(pg_url) == {"loan": 0, "loan_event": 0, "ledger_entry": 0}
    assert _constraints(pg_url) == before


def test_a_row_without_its_parent_fails_the_re_add_and_rolls_everything_back(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The re-add validates: an entry whose loan does not exist (possible only while the keys are dropped) makes
    the import fail, and nothing of it stays."""
    loans, pay1, _ = _files(tmp_path)
    before = _constraints(pg_url)
    real = importer.write_stored_payments

    def orphan(session: Session, *a: Any, **k: Any) -> Any:
        session.execute(
            text(
                "INSERT INTO ledger_entry (id, loan_id, event_id, kind, component, amount_minor, currency, "
                "value_date, booked_at) VALUES ('le_orphan', 'no-such-loan', NULL, 'payment', 'principal', 1, "
                "'CNY', DATE '2026-01-01', now())"
            )
        )
        return real(session, *a, **k)

    monkeypatch.setattr(importer, "write_stored_payments", orphan)
    sessions = session_factory(make_engine(pg_url))
    with pytest.raises(IntegrityError, match="fk_ledger_entry_loan_id_loan"), unit_of_work(sessions) as s:
        importer.import_files(s, loans=loans, payments=pay1, large=True)
    assert _counts(pg_url) == {"loan": 0, "loan_event": 0, "ledger_entry": 0}
    assert _constraints(pg_url) == before


def test_a_reader_holding_the_ledger_makes_a_large_import_go_the_ordinary_way(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv(import_constraints.LOCK_TIMEOUT_ENV, "200ms")
    loans, pay1, _ = _files(tmp_path)
    before = _constraints(pg_url)
    reader = make_engine(pg_url).connect()
    reader.execute(text("SELECT count(*) FROM loan"))  # ACCESS SHARE on loan until its transaction ends
    try:
        sessions = session_factory(make_engine(pg_url))
        with _watch(monkeypatch) as seen, unit_of_work(sessions) as s:
            result = importer.import_files(s, loans=loans, payments=pay1, large=True)
            # The lock timeout was for the drop only: the rest of the transaction waits as it always did.
            assert s.execute(text("SHOW lock_timeout")).scalar_one() == "0"
        assert seen == [False]
        assert "checking foreign keys row by row" in caplog.text
    finally:
        reader.rollback()
        reader.close()
    assert result.loans_created > 0 and _counts(pg_url)["loan"] == result.loans_created
    assert _constraints(pg_url) == before


def test_the_models_foreign_keys_are_the_migrated_ones(pg_url: str) -> None:
    """The names the large import drops and re-adds come from the metadata; they must be what the migrations
    created (a drifted schema would be left alone, row-by-row checks)."""
    sessions = session_factory(make_engine(pg_url))
    with sessions() as s:
        stored = import_constraints.stored_foreign_keys(s)
    assert stored == {(fk.table.name, str(fk.name)) for fk in import_constraints.foreign_keys()}
    assert len(stored) == 3
