"""Schedule features: instalment multiples, grace on principal, fees, methods, frequencies (hand-checked)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from faircollect.kit.errors import ValidationError
from faircollect.ledger.schedule import _monthly, build_schedule, due_dates, nth_due_date
from faircollect.ledger.terms_json import parse_terms
from faircollect.ledger.types import Disbursement, Frequency, FrequencyUnit

BASE: dict[str, Any] = {"principal": "10000", "annual_rate": "0.12", "term": 12, "start_date": "2026-01-31"}


def _s(**kw: Any):  # type: ignore[no-untyped-def]
    return build_schedule(parse_terms({**BASE, "method": "equal_instalment", **kw}))


def test_instalment_rounded_to_whole_yuan_nearest_last_absorbs() -> None:
    # Annuity of 10,000 at 1 %/month over 12 = 888.4879 → 888.00 whole yuan (nearest); the last takes the rest.
    s = _s(instalment_multiple="1.00")
    totals = [i.total_minor for i in s.instalments]
    assert totals[:-1] == [88800] * 11
    assert sum(i.principal_minor for i in s.instalments) == 1_000_000
    assert totals[-1] != 88800 and s.instalments[-1].balance_minor == 0


def test_instalment_rounded_up_to_whole_yuan() -> None:
    s = _s(instalment_multiple="1.00", instalment_rounding="up")
    assert [i.total_minor for i in s.instalments[:-1]] == [88900] * 11
    assert s.instalments[-1].total_minor < 88900


def test_grace_on_principal_pays_interest_only_then_amortises() -> None:
    s = _s(grace_on_principal=3)
    assert [i.principal_minor for i in s.instalments[:3]] == [0, 0, 0]
    assert [i.interest_minor for i in s.instalments[:3]] == [10000, 10000, 10000]
    # The remaining 9 periods amortise 10,000 at 1 %: 1,167.40 a month.
    assert {i.total_minor for i in s.instalments[3:-1]} == {116740}
    assert sum(i.principal_minor for i in s.instalments) == 1_000_000


def test_month_end_due_dates_clamp_and_keep_the_anchor_day() -> None:
    dates = due_dates(parse_terms({**BASE, "method": "bullet"}))
    assert dates[:3] == (date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30))


def test_semimonthly_and_every_n_days_due_dates() -> None:
    semi = due_dates(
        parse_terms({**BASE, "method": "bullet", "frequency": "semimonthly", "start_date": "2026-01-01"})
    )
    assert semi[:4] == (date(2026, 1, 16), date(2026, 2, 1), date(2026, 2, 16), date(2026, 3, 1))
    days = due_dates(parse_terms({**BASE, "method": "bullet", "frequency": "every_n_days:14", "term": 2}))
    assert days == (date(2026, 2, 14), date(2026, 2, 28))


def test_interest_only_then_principal_xianxihouben() -> None:
    s = build_schedule(parse_terms({**BASE, "method": "interest_only"}))
    assert [i.principal_minor for i in s.instalments] == [0] * 11 + [1_000_000]
    assert {i.interest_minor for i in s.instalments} == {10000}


def test_bullet_is_one_payment_of_principal_and_all_interest() -> None:
    s = build_schedule(parse_terms({**BASE, "method": "bullet"}))
    assert len(s.instalments) == 1
    assert s.instalments[0].interest_minor == 120000
    assert s.instalments[0].principal_minor == 1_000_000


def test_flat_interest_on_original_principal_every_period() -> None:
    s = build_schedule(parse_terms({**BASE, "method": "flat"}))
    assert {i.interest_minor for i in s.instalments} == {10000}
    assert sum(i.principal_minor for i in s.instalments) == 1_000_000


def test_fees_per_period_percent_and_upfront_with_first_instalment() -> None:
    fees = [
        {"name": "svc", "kind": "per_period", "basis": "percent_of_principal", "rate": "0.003"},
        {"name": "arr", "kind": "upfront", "basis": "fixed", "amount": "50.00"},
        {
            "name": "deducted",
            "kind": "upfront",
            "basis": "fixed",
            "amount": "100.00",
            "collection": "deducted",
        },
    ]
    s = _s(fees=fees)
    assert s.instalments[0].fees_minor == 3000 + 5000
    assert {i.fees_minor for i in s.instalments[1:]} == {3000}


def test_periodic_weekly_rate_is_annual_over_52() -> None:
    s = build_schedule(
        parse_terms({**BASE, "method": "interest_only", "frequency": "weekly", "annual_rate": "0.052"})
    )
    assert s.instalments[0].interest_minor == 1000  # 10,000 × 5.2 % / 52 = 10.00


def test_mid_period_tranche_earns_interest_from_its_date_and_reamortises() -> None:
    terms = parse_terms(
        {
            "disbursements": [
                {"date": "2026-01-01", "amount": "6000"},
                {"date": "2026-02-16", "amount": "4000"},
            ],
            "annual_rate": "0.12",
            "method": "equal_instalment",
            "term": 6,
            "interest_basis": "daily",
            "days_in_year": 360,
            "days_in_month": 30,
        }
    )
    s = build_schedule(terms)
    # Period 2 (2026-02-01 → 03-01): interest on the 6000-balance remainder for 30/360 plus 4000 for 15 days.
    p1 = s.instalments[0]
    remaining = p1.balance_minor
    assert s.instalments[1].interest_minor == round(remaining * 0.01 + 400000 * 0.12 * 15 / 360)
    assert sum(i.principal_minor for i in s.instalments) == 1_000_000
    assert s.instalments[2].total_minor > p1.total_minor


def _three_ten_day_periods(second_tranche_on: str) -> dict[str, object]:
    return {
        "disbursements": [
            {"date": "2026-01-01", "amount": "100"},
            {"date": second_tranche_on, "amount": "1"},
        ],
        "annual_rate": "0.10",
        "method": "equal_instalment",
        "term": 3,
        "frequency": "every_n_days:10",  # due 01-11, 01-21, 01-31
    }


def test_tranche_on_the_last_generated_due_date_is_refused_naming_it() -> None:
    with pytest.raises(ValidationError) as info:
        parse_terms(_three_ten_day_periods("2026-01-31"))
    assert info.value.field == "terms.disbursements[1].date"
    assert "not before the last due date 2026-01-31" in info.value.message


def test_tranche_the_day_before_the_last_due_date_is_repaid_in_full() -> None:
    s = build_schedule(parse_terms(_three_ten_day_periods("2026-01-30")))
    assert sum(i.principal_minor for i in s.instalments) == 10_100
    assert s.instalments[-1].balance_minor == 0


def test_booked_tranche_on_the_last_due_date_is_still_in_the_schedule() -> None:
    """A tranche actually paid out late (the booking service accepts a date, not a plan) is never dropped: 100 + 1
    lent means 101.00 to repay (it was silently 100.00)."""
    terms = parse_terms({**_three_ten_day_periods("2026-01-30")})
    late = replace(
        terms, disbursements=(Disbursement(date(2026, 1, 1), 10_000), Disbursement(date(2026, 1, 31), 100))
    )
    s = build_schedule(late)
    assert sum(i.principal_minor for i in s.instalments) == 10_100
    assert s.instalments[-1].balance_minor == 0


@given(
    st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)),
    st.integers(1, 400),
    st.integers(1, 12),
    st.booleans(),
)
def test_monthly_due_dates_are_nth_due_date(anchor: date, term: int, every: int, from_start: bool) -> None:
    """``due_dates``' monthly shortcut (``_monthly``) against ``nth_due_date`` date by date (month ends included)."""
    frequency = Frequency(FrequencyUnit.MONTH, every)
    expected = (
        tuple(nth_due_date(anchor, k + 1, frequency) for k in range(term))
        if from_start
        else tuple(nth_due_date(anchor, k, frequency) for k in range(term))
    )
    assert _monthly(anchor, 1 if from_start else 0, term, every) == expected
