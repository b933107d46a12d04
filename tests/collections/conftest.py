"""Fixtures for collections tests: a small book of borrowers and loans on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from faircollect.db import unit_of_work
from faircollect.ledger import service as ledger

#: 12 monthly instalments of an equal-instalment loan at 12 % a year; first due date one month after START.
TERMS: dict[str, Any] = {
    "annual_rate": "0.12",
    "method": "equal_instalment",
    "term": 12,
    "frequency": "monthly",
}
START = date(2026, 1, 15)
FIRST_DUE = date(2026, 2, 15)


@dataclass
class Book:
    borrower_id: str
    loan_id: str


@pytest.fixture
def make_book(sessions: sessionmaker[Session]) -> Callable[..., Book]:
    """Create (committed) a borrower with a disbursed loan; returns their ids."""

    def make(
        principal: str = "12000.00",
        *,
        name: str = "张三",
        phone: str = "13800138000",
        timezone: str | None = "Asia/Shanghai",
        borrower_id: str | None = None,
        jurisdiction: str = "CN",
    ) -> Book:
        with unit_of_work(sessions) as session:
            if borrower_id is None:
                b = ledger.create_borrower(
                    session,
                    name=name,
                    phone=phone,
                    email="zs@example.com",
                    timezone=timezone,
                    jurisdiction=jurisdiction,
                )
                borrower_id = b.id
            terms = {**TERMS, "principal": principal, "start_date": START.isoformat()}
            loan = ledger.create_loan(session, borrower_id=borrower_id, terms=terms, approve=True)
            ledger.disburse(session, loan_id=loan.id, date=START)
            return Book(borrower_id, loan.id)

    return make


@pytest.fixture
def seeded_templates(sessions: sessionmaker[Session]) -> None:
    from faircollect.messaging.seeds import seed_templates

    with unit_of_work(sessions) as session:
        seed_templates(session)
