"""The restructure in the pure core: a new schedule version moves what is owed, and nothing else changes."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from faircollect.kit.errors import ValidationError
from faircollect.ledger.events_json import event_to_json, parse_event
from faircollect.ledger.replay import replay
from faircollect.ledger.terms_json import parse_terms
from faircollect.ledger.types import Component, Payment, PlanInstalment, Restructure
from faircollect.relief.plans import equal_plan, owed_on, plan_total, settlement_plan

TERMS = parse_terms(
    {
        "principal": "12000.00",
        "annual_rate": "0.18",
        "method": "equal_instalment",
        "term": 12,
        "start_date": "2026-01-01",
        "penalty": {"multiple": "1.3", "grace_days": 3},
    }
)
ON = date(2026, 5, 20)  # four instalments (Feb … May 1) missed


def _owed(events: list = ()):  # type: ignore[assignment,no-untyped-def]
    return owed_on(replay(TERMS, list(events), ON), ON)


def test_a_plan_moves_everything_owed_and_resets_the_arrears() -> None:
    owed = _owed()
    assert owed.principal == 1200000 and owed.penalty > 0 and owed.interest > 0
    plan = equal_plan(owed, key="s1", version=2, months=24, first_due=date(2026, 6, 20))
    after = replay(TERMS, [plan], ON)
    assert after.days_past_due == 0 and after.overdue_minor == 0
    assert after.principal_outstanding_minor == owed.principal
    assert sum(i.outstanding_total for i in after.instalments) == owed.total  # interest stops (rate 0)
    assert plan_total(plan) == owed.total
    # Old instalments due so far are kept, settled as they stood; the untouched future ones (5 … 12) are replaced;
    # the plan's instalments are numbered on after the old schedule's last number.
    numbers = [i.number for i in after.instalments]
    assert numbers == [1, 2, 3, 4, *range(13, 13 + 24)]


def test_no_penalty_accrues_on_a_plan_instalment_and_a_missed_one_counts_days() -> None:
    plan = equal_plan(_owed(), key="s1", version=2, months=6, first_due=date(2026, 6, 20))
    late = replay(TERMS, [plan], date(2026, 7, 10))
    assert late.days_past_due == 20
    carried = sum(i.penalty_minor for i in plan.instalments)
    assert sum(i.due.get(Component.PENALTY, 0) for i in late.instalments) == carried


def test_payments_after_the_restructure_pay_the_plan() -> None:
    plan = equal_plan(_owed(), key="s1", version=2, months=6, first_due=date(2026, 6, 20))
    first = plan.instalments[0].total_minor
    st_ = replay(TERMS, [plan, Payment("p1", date(2026, 6, 20), first)], date(2026, 6, 30))
    assert st_.days_past_due == 0
    assert st_.principal_outstanding_minor == 1200000 - plan.instalments[0].principal_minor


def test_a_stale_plan_is_refused_naming_the_difference() -> None:
    owed = _owed()
    plan = equal_plan(owed, key="s1", version=2, months=6, first_due=date(2026, 6, 20))
    with pytest.raises(ValidationError, match="stale"):
        replay(
            TERMS, [Payment("p0", ON, 5000), plan], ON
        )  # a same-day payment comes first: the plan is stale
    bad = Restructure("s2", ON, 2, (PlanInstalment(ON, 1200000, 0, 0, owed.penalty),))
    with pytest.raises(ValidationError):
        replay(TERMS, [bad], ON)


def test_same_day_order_puts_the_restructure_last_whatever_the_list_order() -> None:
    owed_after_pay = owed_on(replay(TERMS, [Payment("p0", ON, 5000)], ON), ON)
    plan = equal_plan(owed_after_pay, key="s1", version=2, months=6, first_due=date(2026, 6, 20))
    a = replay(TERMS, [Payment("p0", ON, 5000), plan], date(2026, 8, 1))
    b = replay(TERMS, [plan, Payment("p0", ON, 5000)], date(2026, 8, 1))
    assert a == b


def test_settlement_waives_charges_then_one_instalment_clears_the_loan() -> None:
    owed = _owed()
    waivers, plan = settlement_plan(owed, key="s1", version=2, waiver_minor=owed.penalty + 100)
    assert [w.component for w in waivers] == [Component.PENALTY, Component.FEES] or waivers[-1].component in (
        Component.FEES,
        Component.INTEREST,
    )
    pay = Payment("p1", plan.instalments[0].due_date, plan_total(plan))
    done = replay(TERMS, [*waivers, plan, pay], plan.instalments[0].due_date + timedelta(days=1))
    assert done.closed and plan_total(plan) == owed.total - owed.penalty - 100


def test_the_event_round_trips_through_json() -> None:
    plan = equal_plan(
        _owed(), key="s1", version=2, months=3, first_due=date(2026, 6, 20), annual_rate=Decimal("0.1")
    )
    assert parse_event(event_to_json(plan)) == plan


@settings(max_examples=40, deadline=None)
@given(
    paid=st.lists(st.integers(min_value=1, max_value=300000), max_size=4),
    months=st.integers(min_value=1, max_value=60),
    rate=st.sampled_from([Decimal(0), Decimal("0.06"), Decimal("0.18")]),
    later=st.integers(min_value=0, max_value=400),
)
def test_property_a_plan_carries_exactly_the_principal_and_penalty(
    paid: list[int], months: int, rate: Decimal, later: int
) -> None:
    pays = [Payment(f"p{k}", date(2026, 2, 1) + timedelta(days=20 * k), a) for k, a in enumerate(paid)]
    state = replay(TERMS, pays, ON)
    owed = owed_on(state, ON)
    if owed.principal == 0:
        return
    plan = equal_plan(
        owed, key="s", version=2, months=months, first_due=ON + timedelta(days=30), annual_rate=rate
    )
    after = replay(TERMS, [*pays, plan], ON + timedelta(days=later))
    assert after.principal_outstanding_minor == owed.principal
    assert sum(i.principal_minor for i in plan.instalments) == owed.principal
    assert all(i.principal_minor >= 0 for i in plan.instalments)
    # Nothing paid before is lost: paid amounts per component are unchanged by the restructure.
    before_paid = sum(sum(i.paid.values()) for i in state.instalments)
    after_paid = sum(sum(i.paid.values()) for i in replay(TERMS, [*pays, plan], ON).instalments)
    assert before_paid == after_paid
