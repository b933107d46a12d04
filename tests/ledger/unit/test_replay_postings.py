"""``replay_postings`` (the bulk import's replay: postings and ``closed`` without building the state) against
``replay_detailed``, the ledger's reference replay, over random terms and payment histories; and
``replay_posting_rows`` (the same as plain tuples) against ``replay_postings``."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st
from test_ledger_properties import SETTINGS, START, history, terms_json

from faircollect.ledger.allocation import WATERFALLS
from faircollect.ledger.replay import replay_detailed, replay_posting_rows, replay_postings
from faircollect.ledger.schedule import build_schedule
from faircollect.ledger.terms_json import parse_terms
from faircollect.ledger.types import Payment


@SETTINGS
@given(st.data())
def test_replay_postings_equal_the_reference_replay(data: st.DataObject) -> None:
    terms = parse_terms(data.draw(terms_json()))
    events = data.draw(history(terms))
    as_of = START + timedelta(days=data.draw(st.integers(0, 1200)))
    waterfall = WATERFALLS[data.draw(st.sampled_from(sorted(WATERFALLS)))]
    reference = replay_detailed(terms, events, as_of, waterfall=waterfall)
    postings, closed = replay_postings(terms, events, as_of, waterfall=waterfall)
    assert postings == reference.postings
    assert closed == reference.state.closed


def test_a_loan_repaid_exactly_is_closed_and_one_cent_short_is_not() -> None:
    terms = parse_terms(
        {
            "principal": "1200.00",
            "annual_rate": "0.12",
            "method": "equal_instalment",
            "term": 3,
            "start_date": START.isoformat(),
        }
    )
    schedule = build_schedule(terms)
    pays = [Payment(f"p{i.number}", i.due_date, i.total_minor) for i in schedule.instalments]
    last = schedule.instalments[-1].due_date
    assert replay_postings(terms, pays, last) == (replay_detailed(terms, pays, last).postings, True)
    short = [*pays[:-1], Payment("p3", last, pays[-1].amount_minor - 1)]
    assert replay_postings(terms, short, last)[1] is False
    assert replay_detailed(terms, short, last).state.closed is False


@SETTINGS
@given(st.data())
def test_replay_posting_rows_are_the_postings_as_tuples(data: st.DataObject) -> None:
    terms = parse_terms(data.draw(terms_json()))
    events = data.draw(history(terms))
    as_of = START + timedelta(days=data.draw(st.integers(0, 1200)))
    waterfall = WATERFALLS[data.draw(st.sampled_from(sorted(WATERFALLS)))]
    postings, closed = replay_postings(terms, events, as_of, waterfall=waterfall)
    rows, rows_closed = replay_posting_rows(terms, events, as_of, waterfall=waterfall)
    assert rows == [(p.event_key, p.date, p.kind, p.number, p.component, p.amount_minor) for p in postings]
    assert rows_closed == closed
