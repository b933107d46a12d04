"""TERMS.json parsing: round trip and errors that name the field."""

from __future__ import annotations

import pytest

from faircollect.kit.errors import ValidationError
from faircollect.ledger.terms_json import parse_terms, terms_to_json
from faircollect.ledger.types import Frequency, FrequencyUnit

FULL = {
    "currency": "CNY",
    "disbursements": [
        {"date": "2026-01-10", "amount": "6000.00"},
        {"date": "2026-03-15", "amount": "4000.00"},
    ],
    "annual_rate": "0.18",
    "method": "equal_instalment",
    "term": 12,
    "frequency": {"unit": "week", "every": 2},
    "start_date": "2026-01-10",
    "first_due_date": "2026-01-24",
    "interest_basis": "daily",
    "days_in_year": 360,
    "days_in_month": 30,
    "rounding": "half_even",
    "instalment_multiple": "1.00",
    "instalment_rounding": "up",
    "grace_on_principal": 2,
    "fees": [
        {"name": "svc", "kind": "per_period", "basis": "percent_of_principal", "rate": "0.002"},
        {"name": "arr", "kind": "upfront", "basis": "fixed", "amount": "50.00", "collection": "deducted"},
    ],
    "penalty": {"basis": "daily_rate", "daily_rate": "0.0005", "grace_days": 3, "late_fee": "20.00"},
}


def test_terms_round_trip_through_json() -> None:
    terms = parse_terms(FULL)
    assert parse_terms(terms_to_json(terms)) == terms
    assert terms.principal_minor == 1_000_000
    assert terms.instalment_multiple_minor == 100


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("monthly", Frequency(FrequencyUnit.MONTH, 1)),
        ("semimonthly", Frequency(FrequencyUnit.SEMI_MONTH, 1)),
        ("biweekly", Frequency(FrequencyUnit.WEEK, 2)),
        ("quarterly", Frequency(FrequencyUnit.MONTH, 3)),
        ("every_n_days:14", Frequency(FrequencyUnit.DAY, 14)),
        ("every_n_months:2", Frequency(FrequencyUnit.MONTH, 2)),
        ({"unit": "week", "every": 4}, Frequency(FrequencyUnit.WEEK, 4)),
    ],
)
def test_frequency_grammar(text: object, expected: Frequency) -> None:
    base = {
        "principal": "100",
        "annual_rate": "0.1",
        "method": "bullet",
        "term": 1,
        "start_date": "2026-01-01",
    }
    assert parse_terms({**base, "frequency": text}).frequency == expected


@pytest.mark.parametrize(
    ("patch", "field", "words"),
    [
        ({"principal": "0"}, "terms.principal", "greater than zero"),
        ({"principal": "-5"}, "terms.principal", "greater than zero"),
        ({"currency": "XYZ"}, "terms.currency", "unknown currency"),
        ({"annual_rate": 0.1}, "terms.annual_rate", "float"),
        ({"term": 0}, "terms.term", "≥ 1"),
        ({"first_due_date": "2025-12-01"}, "terms.first_due_date", "after start_date"),
        ({"due_dates": ["2026-03-01", "2026-02-01"], "term": 2}, "terms.due_dates[1]", "after"),
        ({"method": "balloon"}, "terms.method", "unknown value"),
        ({"frequency": "every_n_fortnights:3"}, "terms.frequency", "unknown frequency"),
        ({"principal": "10.001"}, "terms.principal", "more decimals"),
        ({"rate": "0.1"}, "terms.rate", "unknown field"),
        # Out-of-range values the schedule or cost arithmetic could not hold (each answered 500 through the API
        # and a traceback through the import): dates outside 1970 … 2199, amounts over the business limit, a
        # 40-digit penalty multiple, a schedule running past year 9999.
        ({"start_date": "9999-12-01"}, "terms.start_date", "outside 1970-01-01 … 2199-12-31"),
        ({"start_date": "0001-01-01"}, "terms.start_date", "outside"),
        ({"first_due_date": "9999-12-31"}, "terms.first_due_date", "outside"),
        ({"principal": "9" * 23 + ".00"}, "terms.principal", "FAIRCOLLECT_MAX_AMOUNT"),
        ({"principal": "100000000.01"}, "terms.principal", "largest amount accepted"),
        (
            {"fees": [{"name": "f", "kind": "per_period", "basis": "fixed", "amount": "9" * 20}]},
            "terms.fees[0].amount",
            "FAIRCOLLECT_MAX_AMOUNT",
        ),
        ({"penalty": {"multiple": "9" * 40}}, "terms.penalty.multiple", "between 0 and 10"),
        ({"penalty": {"late_fee": "9" * 30}}, "terms.penalty.late_fee", "FAIRCOLLECT_MAX_AMOUNT"),
        ({"instalment_multiple": "9" * 30}, "terms.instalment_multiple", "FAIRCOLLECT_MAX_AMOUNT"),
        (
            {"principal": None, "disbursements": [{"date": "2026-01-01", "amount": "9" * 30}]},
            "terms.disbursements[0].amount",
            "FAIRCOLLECT_MAX_AMOUNT",
        ),
        ({"term": 1200, "frequency": "every_n_months:1200"}, "terms.term", "run past 2199-12-31"),
        ({"term": 1200, "start_date": "2150-01-01"}, "terms.term", "run past"),
    ],
)
def test_bad_terms_are_refused_naming_the_field(patch: dict[str, object], field: str, words: str) -> None:
    base = {
        "principal": "1000",
        "annual_rate": "0.1",
        "method": "equal_instalment",
        "term": 2,
        "start_date": "2026-01-01",
    }
    terms = {k: v for k, v in {**base, **patch}.items() if v is not None}
    with pytest.raises(ValidationError) as info:
        parse_terms(terms)
    assert info.value.field == field
    assert words in info.value.message


def test_terms_at_the_edges_of_the_ranges_are_accepted() -> None:
    base = {"annual_rate": "0.1", "method": "equal_instalment", "term": 12}
    parse_terms({**base, "principal": "100000000.00", "start_date": "1970-01-01"})
    parse_terms({**base, "principal": "1000", "start_date": "2198-12-01"})
    parse_terms({**base, "principal": "1000", "start_date": "2026-01-01", "term": 1200})


def test_tranches_out_of_order_are_refused() -> None:
    with pytest.raises(ValidationError) as info:
        parse_terms(
            {
                "disbursements": [
                    {"date": "2026-02-01", "amount": "1"},
                    {"date": "2026-01-01", "amount": "1"},
                ],
                "annual_rate": "0.1",
                "method": "bullet",
                "term": 3,
            }
        )
    assert info.value.field == "terms.disbursements[1].date"
