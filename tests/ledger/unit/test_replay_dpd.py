"""Days past due, delinquency, penalty, waivers, prepayment and the waterfall, as table-driven specifications."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from faircollect.kit.errors import ValidationError
from faircollect.ledger.allocation import WATERFALLS, Waterfall, allocate
from faircollect.ledger.buckets import BUCKET_SETS
from faircollect.ledger.events_json import parse_events
from faircollect.ledger.replay import replay, replay_detailed
from faircollect.ledger.schedule import build_schedule
from faircollect.ledger.terms_json import parse_terms
from faircollect.ledger.types import Component, Pause, Payment, PrepaymentMode, Reversal, Waiver, WriteOff

TERMS = parse_terms(
    {
        "principal": "12000.00",
        "annual_rate": "0.12",
        "method": "equal_instalment",
        "term": 6,
        "start_date": "2026-01-15",
        "penalty": {"multiple": "1.5", "grace_days": 3},
    }
)
SCHED = build_schedule(TERMS)
DUE1 = SCHED.instalments[0].due_date  # 2026-02-15
INST = SCHED.instalments[0].total_minor  # 2070.58


def _paid_first() -> list[Any]:
    return [Payment("p1", DUE1, INST)]


@pytest.mark.parametrize(
    ("events", "as_of", "dpd", "delinquent", "bucket"),
    [
        ([], DUE1, 0, 0, "M0"),  # due today is not overdue
        ([], DUE1 + timedelta(days=1), 1, 0, "M0"),  # inside the 3 grace days
        ([], DUE1 + timedelta(days=3), 3, 0, "M0"),
        ([], DUE1 + timedelta(days=4), 4, 1, "M1"),  # grace over: ages
        ([], DUE1 + timedelta(days=33), 33, 30, "M1"),
        ([], DUE1 + timedelta(days=34), 34, 31, "M2"),
        (_paid_first(), DUE1 + timedelta(days=10), 0, 0, "M0"),  # paid on the due date
        ([Payment("p1", DUE1, INST - 1)], DUE1 + timedelta(days=10), 10, 7, "M1"),  # one fen short still ages
        # Second instalment (2026-03-15) unpaid: DPD counts from it, not from the paid first one.
        (_paid_first(), date(2026, 3, 25), 10, 7, "M1"),
        # A pause over 5 of the days removes them.
        (
            [Pause("z", DUE1 + timedelta(days=2), DUE1 + timedelta(days=6))],
            DUE1 + timedelta(days=10),
            5,
            2,
            "M1",
        ),
        # A pause before the due date changes nothing.
        ([Pause("z", date(2026, 1, 20), date(2026, 1, 30))], DUE1 + timedelta(days=10), 10, 7, "M1"),
    ],
)
def test_days_past_due_table(events: list[Any], as_of: date, dpd: int, delinquent: int, bucket: str) -> None:
    state = replay(TERMS, events, as_of)
    assert (state.days_past_due, state.delinquent_days, state.bucket) == (dpd, delinquent, bucket)


def test_fineract_bucket_set_is_selectable() -> None:
    state = replay(TERMS, [], DUE1 + timedelta(days=10), bucket_set=BUCKET_SETS["fineract"])
    assert state.bucket == "4-60"


def test_penalty_interest_accrues_on_overdue_principal_after_grace() -> None:
    # 罚息 = overdue principal × 12 % × 1.5 / 360 a day, from the end of the 3 grace days.
    as_of = DUE1 + timedelta(days=13)
    state = replay(TERMS, [], as_of)
    principal = SCHED.instalments[0].principal_minor
    expected = Decimal(principal) * Decimal("0.18") / 360 * 10
    assert state.overdue_by_component[Component.PENALTY] == int(
        expected.quantize(Decimal(1), rounding="ROUND_HALF_UP")
    )


def test_late_fee_is_charged_once_when_grace_passes_unpaid() -> None:
    terms = parse_terms({**_terms_json(), "penalty": {"grace_days": 3, "late_fee": "20.00", "multiple": "0"}})
    assert replay(terms, [], DUE1 + timedelta(days=3)).overdue_by_component[Component.FEES] == 0
    assert replay(terms, [], DUE1 + timedelta(days=4)).overdue_by_component[Component.FEES] == 2000
    assert (
        replay(terms, [], DUE1 + timedelta(days=40)).overdue_by_component[Component.FEES] == 4000
    )  # two instalments


def test_waiver_forgives_penalty_first_instalment_first() -> None:
    as_of = DUE1 + timedelta(days=20)
    before = replay(TERMS, [], as_of)
    after = replay(TERMS, [Waiver("w", as_of, Component.PENALTY, 100)], as_of)
    assert (
        before.overdue_by_component[Component.PENALTY] - after.overdue_by_component[Component.PENALTY] == 100
    )
    assert after.instalments[0].waived == {Component.PENALTY: 100}


def test_prepayment_reduce_term_keeps_the_instalment_and_ends_early() -> None:
    events = [*_paid_first(), Payment("pre", DUE1, 500000, PrepaymentMode.REDUCE_TERM)]
    state = replay(TERMS, events, DUE1)
    assert len(state.instalments) < 6
    assert (
        state.instalments[1].due[Component.PRINCIPAL] + state.instalments[1].due[Component.INTEREST] == INST
    )
    assert state.principal_outstanding_minor == SCHED.instalments[0].balance_minor - 500000


def test_prepayment_reduce_instalment_keeps_the_term_and_lowers_the_instalment() -> None:
    events = [*_paid_first(), Payment("pre", DUE1, 500000, PrepaymentMode.REDUCE_INSTALMENT)]
    state = replay(TERMS, events, DUE1)
    assert len(state.instalments) == 6
    second = state.instalments[1].due
    assert second[Component.PRINCIPAL] + second[Component.INTEREST] < INST


def test_overpayment_without_prepayment_pays_ahead_then_is_held_as_credit() -> None:
    r = replay_detailed(TERMS, [Payment("big", DUE1, 2_000_000)], DUE1)
    assert r.state.closed
    assert r.state.unallocated_minor == 2_000_000 - SCHED.total_repayment_minor
    assert sum(p.amount_minor for p in r.postings) == 2_000_000


def test_write_off_flags_the_loan_and_stops_penalty() -> None:
    wo = DUE1 + timedelta(days=10)
    a = replay(TERMS, [WriteOff("wo", wo)], wo + timedelta(days=30))
    b = replay(TERMS, [WriteOff("wo", wo)], wo + timedelta(days=60))
    assert a.written_off and not a.closed
    assert a.overdue_by_component[Component.PENALTY] > 0
    # Penalty on the first instalment does not grow after write-off (later instalments fell due meanwhile).
    assert a.instalments[0].due[Component.PENALTY] == b.instalments[0].due[Component.PENALTY]


def test_reversal_of_unknown_payment_is_refused() -> None:
    with pytest.raises(ValidationError, match="not among the events"):
        replay(TERMS, [Reversal("r", DUE1, "nope")], DUE1)


def test_component_first_waterfall_pays_all_interest_before_any_principal() -> None:
    outstanding = [
        {Component.INTEREST: 100, Component.PRINCIPAL: 1000},
        {Component.INTEREST: 90, Component.PRINCIPAL: 1000},
    ]
    vertical, _ = allocate(300, outstanding)
    horizontal, _ = allocate(300, outstanding, WATERFALLS["component_first"])
    assert [(a.index, a.component) for a in vertical] == [(0, Component.INTEREST), (0, Component.PRINCIPAL)]
    assert [(a.index, a.component, a.amount_minor) for a in horizontal] == [
        (0, Component.INTEREST, 100),
        (1, Component.INTEREST, 90),
        (0, Component.PRINCIPAL, 110),
    ]


def test_waterfall_must_name_every_component_once() -> None:
    with pytest.raises(ValidationError):
        Waterfall((Component.PRINCIPAL, Component.PRINCIPAL, Component.FEES, Component.INTEREST))


def test_events_json_disbursement_replaces_planned_tranches() -> None:
    terms = parse_terms({**_terms_json(), "principal": "12000.00"})
    events = parse_events([{"type": "disbursement", "key": "d1", "date": "2026-01-15", "amount": "6000.00"}])
    state = replay(terms, events, date(2026, 1, 20))
    assert state.principal_outstanding_minor == 600000


def _terms_json() -> dict[str, Any]:
    return {
        "principal": "12000.00",
        "annual_rate": "0.12",
        "method": "equal_instalment",
        "term": 6,
        "start_date": "2026-01-15",
    }
