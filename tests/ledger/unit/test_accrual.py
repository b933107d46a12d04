"""Accrual helpers: pause-aware day counts and interest accrued to a date."""

from __future__ import annotations

from datetime import date

from faircollect.ledger.accrual import accrued_interest, merge_pauses, paused_days, unpaused_days
from faircollect.ledger.schedule import build_schedule
from faircollect.ledger.terms_json import parse_terms
from faircollect.ledger.types import Pause


def test_overlapping_and_adjacent_pauses_merge() -> None:
    merged = merge_pauses(
        [
            Pause("a", date(2026, 3, 1), date(2026, 3, 10)),
            Pause("b", date(2026, 3, 5), date(2026, 3, 12)),
            Pause("c", date(2026, 3, 13), date(2026, 3, 14)),
        ]
    )
    assert merged == ((date(2026, 3, 1), date(2026, 3, 14)),)


def test_paused_days_count_days_after_a_up_to_and_including_b() -> None:
    merged = merge_pauses([Pause("a", date(2026, 3, 1), date(2026, 3, 10))])
    assert paused_days(date(2026, 2, 28), date(2026, 3, 31), merged) == 10
    assert paused_days(date(2026, 3, 1), date(2026, 3, 5), merged) == 4  # 2..5
    assert unpaused_days(date(2026, 2, 20), date(2026, 3, 20), merged) == 28 - 10
    assert unpaused_days(date(2026, 3, 20), date(2026, 3, 20), merged) == 0


def test_interest_accrued_to_a_date_is_the_current_periods_share_by_days() -> None:
    terms = parse_terms(
        {
            "principal": "12000",
            "annual_rate": "0.12",
            "method": "equal_instalment",
            "term": 6,
            "start_date": "2026-01-01",
        }
    )
    schedule = build_schedule(terms)
    assert accrued_interest(terms, schedule, date(2026, 1, 1)) == 0
    # 15 of 31 days of the first period's 120.00.
    assert accrued_interest(terms, schedule, date(2026, 1, 16)) == round(12000 * 15 / 31)
    assert accrued_interest(terms, schedule, date(2026, 2, 1)) == 0  # due today: the period's interest is due
    assert accrued_interest(terms, schedule, date(2027, 1, 1)) == 0  # past maturity
