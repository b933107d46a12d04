"""The bulk import against the services row by row, on the same sample (good and bad rows, SQLite and PostgreSQL).

* Verdicts: a row the bulk import refuses is exactly a row the services refuse (``create_loan`` runs the same
  ``parse_terms`` and ``caps.check_terms``; ``post_payment`` refuses money before the loan starts), and the other way.
* Stored state: importing the good rows in bulk — in chunks of 7 loans, computed in 2 worker processes, written
  with COPY on PostgreSQL — stores, loan by loan, what the services store: status, terms, waterfall, borrower,
  every event (key, type, date, amount, payload) and the ledger entries per (kind, instalment, component).
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from faircollect.db import make_engine, session_factory, unit_of_work, upgrade
from faircollect.kit.errors import FaircollectError, ValidationErrors
from faircollect.kit.money import to_minor
from faircollect.ledger import import_write, importer, service
from faircollect.ledger import repository as repo
from faircollect.ledger.import_write import BATCH_ACTION, verify_chunk
from faircollect.ledger.models import Borrower, Loan
from faircollect.ledger.terms_json import terms_to_json

LOAN_HEADER = [
    "external_ref",
    "borrower_ref",
    "borrower_name",
    "borrower_phone",
    "borrower_timezone",
    "borrower_jurisdiction",
    "principal",
    "annual_rate",
    "method",
    "term",
    "frequency",
    "start_date",
    "disbursed_on",
    "jurisdiction",
    "waterfall",
    "penalty_multiple",
]
PAY_HEADER = ["loan_ref", "key", "date", "amount", "prepayment"]
#: Rows the services refuse too: above the CN all-in cap, a penalty above its cap, a payment before the loan starts.
BAD_LOANS = {5: {"annual_rate": "0.30"}, 11: {"annual_rate": "0.1200", "penalty_multiple": "3"}}
BAD_PAYMENT_LOAN = 3


def _sample(rng: random.Random, n: int) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    loans, pays = [], []
    for i in range(n):
        start = date(2026, 1, 1) + timedelta(days=rng.randrange(120))
        method = rng.choice(["equal_instalment", "equal_principal", "interest_only", "flat"])
        rate = rng.choice(["0.0600", "0.1000", "0.1200", "0.1500"])
        row = {
            "external_ref": f"L{i:03d}",
            "borrower_ref": f"B{i % (n - 3):03d}",  # some borrowers hold two loans
            "borrower_name": f"借款人{i}",
            "borrower_phone": f"+86139{i:08d}",
            "borrower_timezone": rng.choice(["Asia/Shanghai", "America/New_York", ""]),
            "borrower_jurisdiction": rng.choice(["", "CN"]),
            "principal": f"{rng.randrange(500, 20000)}.{rng.randrange(100):02d}",
            "annual_rate": rate,
            "method": method if rate != "0.1500" or method != "flat" else "equal_instalment",
            "term": str(rng.choice([3, 6, 12])),
            "frequency": rng.choice(["monthly", "monthly", "weekly"]),
            "start_date": start.isoformat(),
            "disbursed_on": start.isoformat(),
            "jurisdiction": "CN",
            "waterfall": rng.choice(["", "", "interest_principal_penalty_fees", "component_first"]),
            "penalty_multiple": "",
        }
        row.update(BAD_LOANS.get(i, {}))
        loans.append(row)
        for k in range(rng.randrange(0, 6)):
            on = start + timedelta(days=rng.randrange(1, 200))
            if i == BAD_PAYMENT_LOAN and k == 0:
                on = start - timedelta(days=3)
            pays.append(
                {
                    "loan_ref": row["external_ref"],
                    # keys as banks write them, a tab or a backslash included (COPY must escape them)
                    "key": rng.choice([f"bank-{i}-{k}", f"tx\\{i}\t{k}", f"银行-{i}-{k}"]),
                    "date": on.isoformat(),
                    "amount": f"{rng.randrange(1, 3000)}.{rng.randrange(100):02d}",
                    "prepayment": rng.choice(["", "", "", "reduce_term", "reduce_instalment"]),
                }
            )
    return loans, pays


def _write(path: Path, header: list[str], rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=header)
        w.writeheader()
        w.writerows(rows)
    return path


def _services_verdicts(sessions: sessionmaker[Session], loans: Path, payments: Path) -> set[tuple[str, int]]:
    """(file, row) of every row the services refuse, each row tried on its own (a savepoint per row; a scratch
    database)."""
    refused: set[tuple[str, int]] = set()
    errors: list[FaircollectError] = []
    with unit_of_work(sessions) as s:
        result = importer.ImportResult()
        rows = importer._read_loans(s, loans, errors, result)
        pay_rows = importer.read_rows(payments)
        assert not errors
        made: dict[str, str] = {}
        for lr in rows:
            try:
                with s.begin_nested():
                    b = service.create_borrower(s, name=str(lr.borrower["name"]), external_ref=None)
                    loan = service.create_loan(
                        s, borrower_id=b.id, terms=dict(lr.terms), jurisdiction=lr.jurisdiction, approve=True
                    )
                    service.disburse(s, loan_id=loan.id, date=lr.disbursed_on or date.min)
                    made[lr.ref] = loan.id
            except FaircollectError:
                refused.add(("loans", lr.row))
        for n, p in enumerate(pay_rows, start=1):
            if p["loan_ref"] not in made:
                continue
            try:
                with s.begin_nested():
                    service.post_payment(
                        s,
                        loan_id=made[p["loan_ref"]],
                        key=p["key"],
                        date=date.fromisoformat(p["date"]),
                        amount_minor=to_minor(p["amount"], "CNY"),
                        prepayment=p["prepayment"] or None,
                    )
            except FaircollectError:
                refused.add(("payments", n))
    return refused


def _services_write(sessions: sessionmaker[Session], loans: Path, payments: Path) -> None:
    """The previous write path: the same validation, then the services row by row (as benchmarks/import_bench.py)."""
    with unit_of_work(sessions) as s:
        errors: list[FaircollectError] = []
        result = importer.ImportResult()
        lrows = importer._read_loans(s, loans, errors, result)
        for lr in lrows:
            importer._check_loan(s, lr, str(loans), errors)
        prows = importer._read_payments(s, payments, lrows, errors, result)
        assert not errors, errors[:3]
        made: dict[str, str] = {}
        borrowers: dict[str, str] = {}
        for lr in lrows:
            assert lr.parsed is not None and lr.disbursed_on is not None
            bref = str(lr.borrower["external_ref"])
            if bref not in borrowers:
                borrowers[bref] = service.create_borrower(
                    s,
                    name=str(lr.borrower["name"]),
                    phone=lr.borrower["phone"],
                    timezone=lr.borrower["timezone"],
                    jurisdiction=lr.borrower["jurisdiction"] or "CN",
                    external_ref=bref,
                ).id
            loan = service.create_loan(
                s,
                borrower_id=borrowers[bref],
                terms={**terms_to_json(lr.parsed), "waterfall": lr.waterfall},
                external_ref=lr.ref,
                jurisdiction=lr.jurisdiction,
                approve=True,
                actor="system:import",
            )
            for i, tranche in enumerate(lr.parsed.disbursements):
                service.disburse(
                    s,
                    loan_id=loan.id,
                    date=max(tranche.date, lr.disbursed_on),
                    amount_minor=tranche.amount_minor,
                    key=f"disbursement-{i + 1}",
                    actor="system:import",
                )
            made[lr.ref] = loan.id
        for p in sorted(prows, key=lambda p: (p.loan_ref, p.date, p.row)):
            service.post_payment(
                s,
                loan_id=made[p.loan_ref],
                key=p.key,
                date=p.date,
                amount_minor=p.amount_minor,
                prepayment=p.prepayment,
                actor="system:import",
            )


def _state(sessions: sessionmaker[Session]) -> dict[str, Any]:
    """Every loan as stored, by external ref, without ids and clock times."""
    out: dict[str, Any] = {}
    with sessions() as s:
        for loan in s.execute(select(Loan)).scalars():
            b = s.get(Borrower, loan.borrower_id)
            assert b is not None
            events = sorted(
                (e.key, e.type, e.date, e.amount_minor, e.payload) for e in repo.events_of(s, loan.id)
            )
            totals = {k: v for k, v in repo.entry_totals(s, loan.id).items() if v}
            out[str(loan.external_ref)] = {
                "status": loan.status,
                "terms": loan.terms,
                "waterfall": loan.waterfall,
                "jurisdiction": loan.jurisdiction,
                "principal": loan.principal_minor,
                "borrower": (b.external_ref, b.name, b.phone, b.timezone, b.jurisdiction, b.language),
                "events": events,
                "entries": totals,
            }
    return out


@pytest.mark.parametrize("seed", [1, 2])
def test_bulk_and_row_by_row_give_the_same_verdicts_and_store_the_same_loans(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    monkeypatch.setattr(import_write, "BATCH", 7)  # several chunks ...
    monkeypatch.setattr(importer, "_CAP_SLICE", 5)
    monkeypatch.setenv("FAIRCOLLECT_IMPORT_WORKERS", "2")  # ... computed in worker processes
    rng = random.Random(seed)
    loan_rows, pay_rows = _sample(rng, 40)
    loans = _write(tmp_path / "loans.csv", LOAN_HEADER, loan_rows)
    payments = _write(tmp_path / "payments.csv", PAY_HEADER, pay_rows)
    sessions = session_factory(make_engine(db_url))

    # Verdicts, bad rows included: the bulk import refuses exactly the rows the services refuse.
    with pytest.raises(ValidationErrors) as info, unit_of_work(sessions) as s:
        importer.import_files(s, loans=loans, payments=payments)
    bulk = {("loans" if e.file == str(loans) else "payments", int(e.row or 0)) for e in info.value.errors}
    scratch = f"sqlite:///{tmp_path / 'verdicts.sqlite3'}"
    upgrade(scratch)
    by_services = _services_verdicts(session_factory(make_engine(scratch)), loans, payments)
    assert ("loans", 6) in bulk and ("loans", 12) in bulk  # rows are counted from 1
    assert any(kind == "payments" for kind, _ in bulk)
    assert bulk == by_services

    # Stored state of the good rows: bulk (chunks, workers, COPY) == services row by row.
    bad_loans = {loan_rows[row - 1]["external_ref"] for kind, row in bulk if kind == "loans"}
    bad_pays = {row for kind, row in bulk if kind == "payments"}
    good_loans = [r for r in loan_rows if r["external_ref"] not in bad_loans]
    good_pays = [
        p for n, p in enumerate(pay_rows, start=1) if n not in bad_pays and p["loan_ref"] not in bad_loans
    ]
    loans = _write(tmp_path / "good-loans.csv", LOAN_HEADER, good_loans)
    payments = _write(tmp_path / "good-payments.csv", PAY_HEADER, good_pays)
    with unit_of_work(sessions) as s:
        result = importer.import_files(s, loans=loans, payments=payments)
    assert result.loans_created == len(good_loans) and result.payments_posted == len(good_pays)
    bulk_state = _state(sessions)

    other = f"sqlite:///{tmp_path / 'services.sqlite3'}"
    upgrade(other)
    other_sessions = session_factory(make_engine(other))
    _services_write(other_sessions, loans, payments)
    assert bulk_state == _state(other_sessions)

    # The audit trail: one record per chunk of 7 loans, each digest matching the stored rows.
    from faircollect.compliance.audit.models import AuditRecord

    with sessions() as s:
        chunks = list(s.execute(select(AuditRecord).where(AuditRecord.action == BATCH_ACTION)).scalars())
        assert len(chunks) == -(-len(good_loans) // 7)
        assert all(verify_chunk(s, c.payload) for c in chunks)


def _entries_by_event(sessions: sessionmaker[Session], keys: set[str]) -> dict[tuple[str, str], list[Any]]:
    """The ledger entries attributed to the payments ``keys``, per (loan ref, payment key), without ids."""
    out: dict[tuple[str, str], list[Any]] = {}
    with sessions() as s:
        for loan in s.execute(select(Loan)).scalars():
            for e in repo.events_of(s, loan.id):
                if e.key in keys:
                    out[(str(loan.external_ref), e.key)] = sorted(
                        (x.kind, x.instalment_number or 0, x.component, x.amount_minor, x.value_date)
                        for x in repo.entries_of(s, loan.id, event_id=e.id)
                    )
    return out


@pytest.mark.parametrize("seed", [3, 4])
def test_payments_for_stored_loans_in_bulk_store_what_the_payment_service_stores(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    """A second payments file for loans imported earlier (back-dated and same-day payments among them, some that
    repay a loan): the bulk path (chunks of 7 payments, COPY on PostgreSQL) stores, loan by loan and payment by
    payment, the events, the entries attributed to each payment and the status that ``post_payment`` one call at
    a time stores; a re-run writes nothing; each chunk's audit digest matches the stored rows."""
    monkeypatch.setattr(import_write, "BATCH", 7)
    rng = random.Random(seed)
    loan_rows, pay_rows = _sample(rng, 30)
    loan_rows = [r for i, r in enumerate(loan_rows) if i not in BAD_LOANS]
    kept = {r["external_ref"] for r in loan_rows}
    pay_rows = [p for p in pay_rows if p["loan_ref"] in kept and p["loan_ref"] != f"L{BAD_PAYMENT_LOAN:03d}"]
    first = [p for n, p in enumerate(pay_rows) if n % 2 == 0]
    second = [p for n, p in enumerate(pay_rows) if n % 2 == 1]
    # Same-day payments, and a payment that repays a loan whole, for stored loans.
    start = date.fromisoformat(loan_rows[0]["start_date"])
    for k in range(2):
        second.append(
            {
                "loan_ref": "L000",
                "key": f"same-day-{k}",
                "date": (start + timedelta(days=45)).isoformat(),
                "amount": "10.00",
                "prepayment": "",
            }
        )
    second.append(
        {
            "loan_ref": "L001",
            "key": "payoff",
            "date": loan_rows[1]["start_date"],
            "amount": "99999.00",
            "prepayment": "",
        }
    )
    loans = _write(tmp_path / "loans.csv", LOAN_HEADER, loan_rows)
    pay1 = _write(tmp_path / "pay1.csv", PAY_HEADER, first)
    pay2 = _write(tmp_path / "pay2.csv", PAY_HEADER, second)

    sessions = session_factory(make_engine(db_url))
    with unit_of_work(sessions) as s:
        importer.import_files(s, loans=loans, payments=pay1)
    other = f"sqlite:///{tmp_path / 'services.sqlite3'}"
    upgrade(other)
    other_sessions = session_factory(make_engine(other))
    _services_write(other_sessions, loans, pay1)
    assert _state(sessions) == _state(other_sessions)

    with unit_of_work(sessions) as s:
        result = importer.import_files(s, payments=pay2)
    assert result.payments_posted == len(second) and result.payments_unchanged == 0
    with unit_of_work(other_sessions) as s:  # the reference: the payment service, one call per payment
        errors: list[FaircollectError] = []
        prows = importer._read_payments(s, pay2, [], errors, importer.ImportResult())
        assert not errors
        refs = repo.loans_by_refs(s, [p.loan_ref for p in prows])
        for p in sorted(prows, key=lambda p: (p.loan_ref, p.date, p.row)):
            service.post_payment(
                s,
                loan_id=refs[p.loan_ref].id,
                key=p.key,
                date=p.date,
                amount_minor=p.amount_minor,
                prepayment=p.prepayment,
                actor="system:import",
            )
    bulk_state = _state(sessions)
    assert bulk_state == _state(other_sessions)
    assert bulk_state["L001"]["status"] == "closed"
    keys = {p["key"] for p in second}
    assert _entries_by_event(sessions, keys) == _entries_by_event(other_sessions, keys)

    # A re-run writes nothing.
    with unit_of_work(sessions) as s:
        again = importer.import_files(s, payments=pay2)
    assert again.payments_posted == 0 and again.payments_unchanged == len(second)
    assert _state(sessions) == bulk_state

    from faircollect.compliance.audit.models import AuditRecord

    with sessions() as s:
        chunks = list(
            s.execute(select(AuditRecord).where(AuditRecord.action == import_write.PAYMENTS_ACTION)).scalars()
        )
        assert len(chunks) == -(-len(second) // 7)
        assert sum(c.payload["payments"] for c in chunks) == len(second)
        assert all(import_write.verify_payments_chunk(s, c.payload) for c in chunks)
