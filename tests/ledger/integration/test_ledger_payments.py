"""Payments: idempotency keys, reversals, prepayment, and entries that always reconcile with the replay."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from faircollect.db import make_engine, session_factory, unit_of_work
from faircollect.kit.errors import Conflict, NotFound
from faircollect.ledger import repository as repo
from faircollect.ledger import service
from faircollect.ledger.models import LedgerEntry, LoanEvent
from faircollect.ledger.types import PrepaymentMode

PAYMENT_SIDE = ("payment", "prepayment", "reallocated", "credit")


def _payment_side(session: Session, loan_id: str) -> int:
    return sum(v for (k, _n, _c), v in repo.entry_totals(session, loan_id).items() if k in PAYMENT_SIDE)


def _entries(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one())


def test_same_key_same_content_is_booked_once_and_returns_the_first_booking(
    sessions: sessionmaker[Session], make_loan: Callable[..., str]
) -> None:
    loan_id = make_loan()
    with unit_of_work(sessions) as s:
        first = service.post_payment(
            s, loan_id=loan_id, key="bank-123", date=date(2026, 2, 15), amount_minor=50_000
        )
    with unit_of_work(sessions) as s:
        entries_before = _entries(s)
        again = service.post_payment(
            s, loan_id=loan_id, key="bank-123", date=date(2026, 2, 15), amount_minor=50_000
        )
        assert again.created is False and first.created is True
        assert again.event_id == first.event_id
        assert sorted(again.allocations, key=str) == sorted(first.allocations, key=str)
        assert _entries(s) == entries_before
    with sessions() as s:
        assert _payment_side(s, loan_id) == 50_000
        assert (
            s.execute(
                select(func.count()).select_from(LoanEvent).where(LoanEvent.type == "payment")
            ).scalar_one()
            == 1
        )


@pytest.mark.parametrize(
    "change", [{"amount_minor": 50_001}, {"date": date(2026, 2, 16)}, {"prepayment": "reduce_term"}]
)
def test_same_key_with_other_content_is_a_conflict_and_changes_nothing(
    sessions: sessionmaker[Session], make_loan: Callable[..., str], change: dict[str, object]
) -> None:
    loan_id = make_loan()
    with unit_of_work(sessions) as s:
        service.post_payment(s, loan_id=loan_id, key="bank-9", date=date(2026, 2, 15), amount_minor=50_000)
    args: dict[str, object] = {"date": date(2026, 2, 15), "amount_minor": 50_000, **change}
    with pytest.raises(Conflict, match="already used") as err, unit_of_work(sessions) as s:
        service.post_payment(s, loan_id=loan_id, key="bank-9", **args)  # type: ignore[arg-type]
    assert err.value.field == "key"
    with sessions() as s:
        assert _payment_side(s, loan_id) == 50_000


def test_reversal_replays_the_payment_away_and_books_opposite_entries(
    sessions: sessionmaker[Session], make_loan: Callable[..., str]
) -> None:
    loan_id = make_loan()
    with unit_of_work(sessions) as s:
        due = service.loan_schedule(s, loan_id).instalments[0]
        service.post_payment(s, loan_id=loan_id, key="p1", date=due.due_date, amount_minor=due.total_minor)
        assert service.loan_state(s, loan_id, due.due_date + timedelta(days=1)).days_past_due == 0
    with unit_of_work(sessions) as s:
        rev = service.reverse_payment(
            s, loan_id=loan_id, payment_key="p1", date=due.due_date + timedelta(days=2)
        )
        assert rev.created and sum(a.amount_minor for a in rev.allocations) == -due.total_minor
        again = service.reverse_payment(
            s, loan_id=loan_id, payment_key="p1", date=due.due_date + timedelta(days=2)
        )
        assert again.created is False and again.event_id == rev.event_id
        with pytest.raises(Conflict, match="already reversed"):
            service.reverse_payment(s, loan_id=loan_id, payment_key="p1", date=due.due_date, key="other")
        with pytest.raises(NotFound):
            service.reverse_payment(s, loan_id=loan_id, payment_key="nope", date=due.due_date)
    with sessions() as s:
        state = service.loan_state(s, loan_id, due.due_date + timedelta(days=5))
        assert state.days_past_due == 5
        assert _payment_side(s, loan_id) == 0


def test_a_back_dated_payment_moves_allocations_with_new_entries_only(
    sessions: sessionmaker[Session], make_loan: Callable[..., str]
) -> None:
    loan_id = make_loan()
    with unit_of_work(sessions) as s:
        service.post_payment(s, loan_id=loan_id, key="late", date=date(2026, 4, 1), amount_minor=100_000)
        first_ids = {e.id for e in repo.entries_of(s, loan_id)}
        service.post_payment(s, loan_id=loan_id, key="earlier", date=date(2026, 2, 15), amount_minor=100_000)
        after = repo.entries_of(s, loan_id)
        assert first_ids <= {e.id for e in after}  # nothing edited or removed
        assert _payment_side(s, loan_id) == 200_000


def test_prepayment_reduce_term_shortens_the_schedule(
    sessions: sessionmaker[Session], make_loan: Callable[..., str]
) -> None:
    loan_id = make_loan()
    with unit_of_work(sessions) as s:
        first = service.loan_schedule(s, loan_id).instalments[0]
        service.post_payment(
            s,
            loan_id=loan_id,
            key="big",
            date=first.due_date,
            amount_minor=first.total_minor + 500_000,
            prepayment=PrepaymentMode.REDUCE_TERM,
        )
        state = service.loan_state(s, loan_id, first.due_date)
        assert len(state.instalments) < 12
        assert state.principal_outstanding_minor == 1_200_000 - first.principal_minor - 500_000
        assert _payment_side(s, loan_id) == first.total_minor + 500_000


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    payments=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=400),
            st.integers(min_value=1, max_value=300_000),
            st.booleans(),
        ),
        min_size=1,
        max_size=8,
    ),
    reverse=st.lists(st.integers(min_value=0, max_value=7), max_size=3),
    repeat=st.lists(st.integers(min_value=0, max_value=7), max_size=3),
)
def test_entries_always_equal_the_payments_not_reversed(
    sqlite_url: str,
    payments: list[tuple[int, int, bool]],
    reverse: list[int],
    repeat: list[int],
) -> None:
    """Property: whatever the history, entries sum to the money kept, and a repeated key is booked once."""
    from faircollect.db import upgrade

    upgrade(sqlite_url)
    engine = make_engine(sqlite_url)
    sessions = session_factory(engine)
    start = date(2026, 1, 15)
    with unit_of_work(sessions) as s:
        b = service.create_borrower(s, name="测")
        terms = {
            "annual_rate": "0.12",
            "method": "equal_instalment",
            "term": 12,
            "principal": "12000",
            "start_date": start.isoformat(),
        }
        loan_id = service.create_loan(s, borrower_id=b.id, terms=terms, approve=True).id
        service.disburse(s, loan_id=loan_id, date=start)
    kept = 0
    with unit_of_work(sessions) as s:
        for i, (offset, amount, prepay) in enumerate(payments):
            mode = PrepaymentMode.REDUCE_INSTALMENT if prepay else None
            service.post_payment(
                s,
                loan_id=loan_id,
                key=f"p{i}",
                date=start + timedelta(days=offset),
                amount_minor=amount,
                prepayment=mode,
            )
            kept += amount
        for i in repeat:
            if i < len(payments):
                offset, amount, prepay = payments[i]
                mode = PrepaymentMode.REDUCE_INSTALMENT if prepay else None
                again = service.post_payment(
                    s,
                    loan_id=loan_id,
                    key=f"p{i}",
                    date=start + timedelta(days=offset),
                    amount_minor=amount,
                    prepayment=mode,
                )
                assert not again.created
        last = max(start + timedelta(days=o) for o, _a, _p in payments)
        for i in sorted(set(reverse)):
            if i < len(payments):
                service.reverse_payment(s, loan_id=loan_id, payment_key=f"p{i}", date=last)
                kept -= payments[i][1]
    with sessions() as s:
        assert _payment_side(s, loan_id) == kept
        state = service.loan_state(s, loan_id, last)
        assert state.principal_outstanding_minor >= 0
        assert all(i.outstanding_total >= 0 for i in state.instalments)
    engine.dispose()


def test_stored_event_payloads_are_events_json_that_the_core_parses_back(
    sessions: sessionmaker[Session], make_loan: Callable[..., str]
) -> None:
    """The portfolio export and others read loan_event.payload with ``events_json.parse_event``."""
    from faircollect.ledger.events_json import event_to_json, parse_event
    from faircollect.ledger.types import Disbursement

    loan_id = make_loan()
    with unit_of_work(sessions) as s:
        service.post_payment(
            s,
            loan_id=loan_id,
            key="p1",
            date=date(2026, 2, 15),
            amount_minor=123_456,
            prepayment="reduce_term",
        )
        service.post_payment(s, loan_id=loan_id, key="p2", date=date(2026, 3, 15), amount_minor=1_000)
        service.reverse_payment(s, loan_id=loan_id, payment_key="p2", date=date(2026, 3, 16))
        service.waive(
            s, loan_id=loan_id, key="w", date=date(2026, 4, 20), component="penalty", amount_minor=1
        )
        service.pause(s, loan_id=loan_id, key="z", start=date(2026, 4, 21), end=date(2026, 5, 1))
    with sessions() as s:
        rows = repo.events_of(s, loan_id)
        assert [r.type for r in rows] == ["disbursement", "payment", "payment", "reversal", "waiver", "pause"]
        for r in rows:
            ev = parse_event(r.payload, currency="CNY")
            assert r.payload["type"] == r.type and r.payload["key"] == r.key
            assert event_to_json(ev, currency="CNY", key=r.key) == r.payload
            if isinstance(ev, Disbursement):
                assert ev.amount_minor == 1_200_000
        assert rows[1].payload == {
            "type": "payment",
            "key": "p1",
            "date": "2026-02-15",
            "amount": "1234.56",
            "prepayment": "reduce_term",
        }
