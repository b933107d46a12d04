"""The nightly step over a real ledger database: what the run reports equals ``ledger.service.loan_state``."""

from __future__ import annotations

import random
from datetime import date, timedelta

from faircollect.db import make_engine, session_factory, unit_of_work, upgrade
from faircollect.demo import seed_portfolio, simulate_month
from faircollect.ledger import booking
from faircollect.ledger import service as ledger_service
from faircollect.ledger.types import Component
from faircollect.portfolio.nightly import run_nightly


def test_run_nightly_on_the_ledger_database_agrees_with_the_ledger(sqlite_url: str) -> None:
    upgrade(sqlite_url)
    engine = make_engine(sqlite_url)
    factory = session_factory(engine)
    rng = random.Random(3)
    start = date(2026, 1, 5)
    with unit_of_work(factory) as session:
        book = seed_portfolio(session, rng=rng, loans=60, start=start)
    month = start
    as_of = start
    for _ in range(4):
        month = (month.replace(day=1) + timedelta(days=32)).replace(day=1)
        with unit_of_work(factory) as session:
            as_of = simulate_month(session, book, rng=rng, month_start=month)
    # Waivers (减免) and a write-off (核销) travel into the run through the export, as the ledger booked them.
    day = as_of - timedelta(days=2)
    with factory() as session:
        late = [
            (lid, st.overdue_by_component)
            for lid in book.loan_ids
            if (st := ledger_service.loan_state(session, lid, day)).days_past_due > 0
        ]
    assert len(late) >= 3
    waived = 0
    with unit_of_work(factory) as session:
        used: set[str] = set()
        for k, comp in enumerate((Component.PENALTY, Component.INTEREST)):
            lid, overdue = next((lid, o) for lid, o in late if o.get(comp, 0) > 1 and lid not in used)
            used.add(lid)
            amount = overdue[comp] // 2
            booking.waive(session, loan_id=lid, key=f"w-{k}", date=day, component=comp, amount_minor=amount)
            waived += 1
        booking.write_off(
            session, loan_id=next(lid for lid, _ in late if lid not in used), key="wo-1", date=day
        )
    assert waived == 2
    with factory() as session:
        result = run_nightly(session, as_of)
        state = {r["loan_id"]: r for r in result.loan_state.to_pylist()}
        assert set(state) >= set(book.loan_ids)
        for loan_id in book.loan_ids:
            want = ledger_service.loan_state(session, loan_id, as_of)
            got = state[loan_id]
            assert (got["days_past_due"], got["bucket"], got["principal_outstanding"]) == (
                want.days_past_due,
                want.bucket,
                want.principal_outstanding_minor,
            ), loan_id
            assert got["overdue_total"] == want.overdue_minor, loan_id
            assert got["written_off"] == want.written_off, loan_id
            lawful = ledger_service.collectable(session, loan_id, as_of)
            assert got["collectable_minor"] == lawful.collectable_minor, loan_id
    assert result.summary["as_of"] == as_of.isoformat()
    assert {b["bucket"] for b in result.summary["book_by_bucket"]}
    assert result.plan.num_rows == result.summary["plan"]["proposed"]
    engine.dispose()
