"""Fixtures for ledger integration tests: a borrower, products and disbursed loans on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from faircollect.db import unit_of_work
from faircollect.ledger import service

#: 12 monthly instalments, 12 % a year, equal instalment (等额本息), 1.5× penalty after 3 days' grace.
STANDARD_TERMS: dict[str, Any] = {
    "annual_rate": "0.12",
    "method": "equal_instalment",
    "term": 12,
    "frequency": "monthly",
    "penalty": {"basis": "contract_rate_multiple", "multiple": "1.5", "grace_days": 3},
}
START = date(2026, 1, 15)


@pytest.fixture
def standard_terms() -> dict[str, Any]:
    return dict(STANDARD_TERMS)


@pytest.fixture
def make_loan(sessions: sessionmaker[Session]) -> Callable[..., str]:
    """Create (in its own committed transaction) a borrower + an active loan; returns the loan id."""

    def make(
        principal: str = "12000.00",
        *,
        start: date = START,
        disburse: bool = True,
        **overrides: Any,
    ) -> str:
        with unit_of_work(sessions) as session:
            b = service.create_borrower(session, name="张三", phone="13800138000", timezone="Asia/Shanghai")
            terms = {**STANDARD_TERMS, "principal": principal, "start_date": start.isoformat(), **overrides}
            loan = service.create_loan(session, borrower_id=b.id, terms=terms, approve=True)
            if disburse:
                service.disburse(session, loan_id=loan.id, date=start)
            return loan.id

    return make
