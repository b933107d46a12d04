"""Portfolio fixtures: one generated 10,000-loan book per session, its DuckDB run and the per-loan oracle."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

import pyarrow as pa
import pytest

from faircollect.ledger.allocation import waterfall_from_json
from faircollect.ledger.caps import exposure_days, lawfully_collectable
from faircollect.ledger.replay import replay
from faircollect.ledger.types import Component, LoanState, Pause, Payment, PrepaymentMode, Waiver, WriteOff
from faircollect.portfolio import engines
from faircollect.portfolio.generator import generate, terms_for_row
from faircollect.portfolio.schema import validate_table
from faircollect.portfolio.state import loan_states

AS_OF = date(2026, 11, 28)
BOOK_LOANS = 10_000


@pytest.fixture(scope="session")
def book() -> dict[str, pa.Table]:
    return generate(BOOK_LOANS, seed=2026, as_of=AS_OF)


def state_figures(st: LoanState, suffix: str) -> dict[str, Any]:
    by = st.overdue_by_component
    return {
        "days_past_due" + suffix: st.days_past_due,
        "delinquent_days" + suffix: st.delinquent_days,
        "bucket" + suffix: st.bucket,
        "overdue_penalty" + suffix: by.get(Component.PENALTY, 0),
        "overdue_fees" + suffix: by.get(Component.FEES, 0),
        "overdue_interest" + suffix: by.get(Component.INTEREST, 0),
        "overdue_principal" + suffix: by.get(Component.PRINCIPAL, 0),
        "principal_outstanding" + suffix: st.principal_outstanding_minor,
    }


@pytest.fixture(scope="session")
def oracle(book: dict[str, pa.Table]) -> dict[int, dict[str, Any]]:
    """The ledger core, loan by loan: replay on as_of and on the day before."""
    disb: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for r in book["disbursements"].to_pylist():
        disb[r["loan_no"]].append((r["date"], r["amount_minor"]))
    events: dict[int, list[Any]] = defaultdict(list)
    for r in book["payments"].to_pylist():
        mode = PrepaymentMode(r["prepayment"]) if r["prepayment"] else None
        events[r["loan_no"]].append(Payment(r["key"], r["date"], r["amount_minor"], mode))
    for r in book["pauses"].to_pylist():
        events[r["loan_no"]].append(Pause(r["key"], r["start"], r["end"]))
    # Same day: payments, then waivers, then the write-off (the order the run documents).
    for r in book["waivers"].to_pylist():
        events[r["loan_no"]].append(Waiver(r["key"], r["date"], Component(r["component"]), r["amount_minor"]))
    for r in book["write_offs"].to_pylist():
        events[r["loan_no"]].append(WriteOff(r["key"], r["date"]))
    juris = {r["borrower_no"]: r["jurisdiction"] for r in book["borrowers"].to_pylist()}
    out = {}
    for loan in book["loans"].to_pylist():
        n = loan["loan_no"]
        terms = terms_for_row(loan, disb[n])
        evs = sorted(events[n], key=lambda e: e.start if isinstance(e, Pause) else e.date)
        wf = waterfall_from_json(loan["waterfall"])
        now = replay(terms, evs, AS_OF, waterfall=wf)
        lawful = lawfully_collectable(terms, now, juris[loan["borrower_no"]])
        out[n] = (
            state_figures(now, "")
            | state_figures(replay(terms, evs, AS_OF - timedelta(days=1), waterfall=wf), "_prev")
            | {
                "collectable_minor": lawful.collectable_minor,
                "excluded_minor": lawful.excluded_minor,
                "cap_rule_id": lawful.cap_rule_id,
                "legal_review": lawful.legal_review,
                "exposure_days": exposure_days(terms, now),
                "written_off": now.written_off,
            }
        )
    return out


@pytest.fixture(scope="session")
def duckdb_run(book: dict[str, pa.Table]) -> pa.Table:
    con = engines.connect("duckdb")
    try:
        t = {name: engines.register(con, name, tbl) for name, tbl in book.items()}
        # The run's own way on DuckDB: the kernel's inputs from the Arrow tables (``kernel_arrow``; the queries'
        # inputs are held equal to them in test_kernel_arrow.py, and Spark runs the queries).
        arrow = {name: validate_table(name, tbl) for name, tbl in book.items()}
        state = loan_states(con, t, AS_OF, arrow=arrow)
        return con.to_pyarrow(state)
    finally:
        engines.stop(con)
