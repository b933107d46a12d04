"""Differential: restructured loans give the same state in the per-loan replay and in the nightly portfolio run."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest

from faircollect.db import make_engine, session_factory, unit_of_work, upgrade
from faircollect.demo import seed_portfolio, simulate_month
from faircollect.ledger import service as ledger_service
from faircollect.relief.plans import equal_plan, owed_on, settlement_plan


@pytest.mark.slow
def test_restructured_loans_agree_between_the_ledger_and_the_nightly_run(sqlite_url: str) -> None:
    from faircollect.portfolio.nightly import run_nightly

    upgrade(sqlite_url)
    engine = make_engine(sqlite_url)
    factory = session_factory(engine)
    rng = random.Random(5)
    start = date(2026, 1, 5)
    with unit_of_work(factory) as session:
        book = seed_portfolio(session, rng=rng, loans=60, start=start)
    month, as_of = start, start
    for _ in range(3):
        month = (month.replace(day=1) + timedelta(days=32)).replace(day=1)
        with unit_of_work(factory) as session:
            as_of = simulate_month(session, book, rng=rng, month_start=month)
    on = as_of + timedelta(days=1)
    with factory() as session:
        late = [lid for lid in book.loan_ids if ledger_service.loan_state(session, lid, on).days_past_due > 0]
    assert len(late) >= 4
    restructured = late[:4]
    with unit_of_work(factory) as session:
        for k, lid in enumerate(restructured):
            owed = owed_on(ledger_service.loan_state(session, lid, on), on)
            if k == 3:  # a settlement: waivers first, then one instalment
                waivers, plan = settlement_plan(
                    owed, key=f"rs-{k}", version=2, waiver_minor=owed.charges // 2
                )
                for w in waivers:
                    ledger_service.waive(
                        session,
                        loan_id=lid,
                        key=w.key,
                        date=w.date,
                        component=w.component,
                        amount_minor=w.amount_minor,
                    )
            else:
                plan = equal_plan(
                    owed,
                    key=f"rs-{k}",
                    version=2,
                    months=6 + 6 * k,
                    first_due=on + timedelta(days=30),
                    annual_rate=Decimal("0.06") * k,
                    penalty=k == 2,
                )
            ledger_service.restructure(session, loan_id=lid, plan=plan, actor="test")
    with unit_of_work(
        factory
    ) as session:  # one plan kept for its first instalment, one missed, one paid short
        for lid, share in zip(restructured[:3], (Decimal(1), Decimal(0), Decimal("0.5")), strict=True):
            st = ledger_service.loan_state(session, lid, on + timedelta(days=31))
            due = sum(i.outstanding_total for i in st.instalments if i.due_date <= on + timedelta(days=30))
            amount = int(due * share)
            if amount:
                ledger_service.post_payment(
                    session, loan_id=lid, key=f"pp-{lid}", date=on + timedelta(days=31), amount_minor=amount
                )
    for day in (on, on + timedelta(days=31), on + timedelta(days=75)):
        with factory() as session:
            result = run_nightly(session, day)
            state = {r["loan_id"]: r for r in result.loan_state.to_pylist()}
            for loan_id in book.loan_ids:
                want = ledger_service.loan_state(session, loan_id, day)
                got = state[loan_id]
                assert (
                    got["days_past_due"],
                    got["bucket"],
                    got["principal_outstanding"],
                    got["overdue_total"],
                ) == (
                    want.days_past_due,
                    want.bucket,
                    want.principal_outstanding_minor,
                    want.overdue_minor,
                ), (loan_id, day, loan_id in restructured)
                lawful = ledger_service.collectable(session, loan_id, day)
                assert got["collectable_minor"] == lawful.collectable_minor, (loan_id, day)
            assert any("restructure" in n for n in result.run.notes), result.run.notes
    with factory() as session:  # a restructured loan starts current again
        assert ledger_service.loan_state(session, restructured[0], on).days_past_due == 0
    engine.dispose()
