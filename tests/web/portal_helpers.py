"""Shared steps of the portal tests: pick demo borrowers, read one-time codes from the file sink, sign in."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from faircollect.db import make_engine, session_factory
from faircollect.ledger import service as ledger
from faircollect.ledger.models import Borrower, Loan
from faircollect.messaging.providers import read_sink

CODE = re.compile(r"(\d{6})")


def late_loans(
    url: str, loan_ids: list[str], on: date, *, min_dpd: int = 5, max_dpd: int = 10**6
) -> list[tuple[Loan, Borrower]]:
    """Loans more than ``min_dpd`` and at most ``max_dpd`` days late on ``on`` with their borrowers (detached)."""
    engine = make_engine(url)
    try:
        with session_factory(engine)() as session:
            out = []
            for lid in loan_ids:
                if min_dpd < ledger.loan_state(session, lid, on).days_past_due <= max_dpd:
                    loan = session.get(Loan, lid)
                    borrower = session.get(Borrower, loan.borrower_id) if loan else None
                    if loan is not None and borrower is not None and borrower.phone:
                        session.expunge(loan)
                        session.expunge(borrower)
                        out.append((loan, borrower))
            return out
    finally:
        engine.dispose()


def session_for(url: str) -> tuple[Any, Session]:
    engine = make_engine(url)
    return engine, session_factory(engine)()


def last_code(sink: Path, phone: str) -> str:
    """The newest one-time code sent to ``phone`` through the file sink."""
    for rec in reversed(read_sink(sink)):
        if rec["to"] == phone:
            found = CODE.search(rec["body"])
            assert found, rec
            return found.group(1)
    raise AssertionError(f"no code was sent to {phone}")


def codes_sent(sink: Path, phone: str) -> int:
    return sum(1 for rec in read_sink(sink) if rec["to"] == phone)
