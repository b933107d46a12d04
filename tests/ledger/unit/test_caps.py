"""Cost caps: refusal with an explanation, LPR as data, and what is lawfully collectable."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from faircollect.kit.errors import CapExceeded
from faircollect.ledger.caps import check_terms, lawfully_collectable, load_caps, lpr_1y
from faircollect.ledger.replay import replay
from faircollect.ledger.terms_json import parse_terms
from faircollect.ledger.types import Component

BASE: dict[str, Any] = {
    "principal": "10000",
    "annual_rate": "0.15",
    "method": "equal_instalment",
    "term": 12,
    "start_date": "2026-01-01",
    "penalty": {"multiple": "1.5"},
}


def test_loan_under_24pct_all_in_passes_with_its_apr() -> None:
    report = check_terms(parse_terms(BASE))
    assert report.cap.id == "CN-RATE-24"
    assert abs(report.apr - Decimal("0.15")) < Decimal("0.0001")
    assert report.penalty_rate == Decimal("0.225")


def test_fees_push_the_all_in_cost_over_24pct_and_are_refused_with_the_rule() -> None:
    terms = parse_terms(
        {
            **BASE,
            "fees": [{"name": "svc", "kind": "per_period", "basis": "percent_of_principal", "rate": "0.01"}],
        }
    )
    with pytest.raises(CapExceeded) as info:
        check_terms(terms)
    assert "CN-RATE-24" in info.value.message and "exceeds the cap of 24.00%" in info.value.message
    assert info.value.field == "terms.annual_rate"


def test_deducted_upfront_fee_counts_in_the_all_in_cost() -> None:
    fee = {"name": "arr", "kind": "upfront", "basis": "fixed", "amount": "800.00", "collection": "deducted"}
    with pytest.raises(CapExceeded, match="CN-RATE-24"):
        check_terms(parse_terms({**BASE, "fees": [fee]}))


def test_above_36pct_names_the_illegal_lending_line() -> None:
    with pytest.raises(CapExceeded, match="CN-RATE-36-LEGACY"):
        check_terms(parse_terms({**BASE, "annual_rate": "0.40"}))


def test_penalty_rate_above_cap_is_refused() -> None:
    with pytest.raises(CapExceeded, match="CN-RATE-24-PENALTY"):
        check_terms(parse_terms({**BASE, "annual_rate": "0.18", "penalty": {"multiple": "1.5"}}))


def test_configurable_stricter_cap() -> None:
    with pytest.raises(CapExceeded, match="CN-RATE-24-CONFIGURED"):
        check_terms(parse_terms(BASE), cap_override=Decimal("0.12"))


def test_private_lending_cap_is_4x_the_lpr_on_the_contract_date() -> None:
    assert lpr_1y(date(2026, 1, 1)) == Decimal("0.0300")
    assert lpr_1y(date(2024, 8, 1)) == Decimal("0.0335")
    with pytest.raises(CapExceeded, match="CN-RATE-PRIVATE-4LPR") as info:
        check_terms(parse_terms({**BASE, "penalty": {"multiple": "1"}}), lender_type="private")
    assert "12.00%" in info.value.message
    ok = check_terms(
        parse_terms({**BASE, "annual_rate": "0.11", "penalty": {"multiple": "1"}}), lender_type="private"
    )
    assert ok.cap.rate == Decimal("0.12")


def test_us_and_uk_say_no_cap_is_encoded() -> None:
    report = check_terms(parse_terms({**BASE, "annual_rate": "0.60", "currency": "USD"}), "US")
    assert report.cap.rate is None
    assert any("no statutory cap encoded" in n for n in report.notes)
    assert load_caps()["jurisdictions"]["UK"]["lender_types"]["any"]["all_in_cap"]["rate"] is None


def test_lawfully_collectable_excludes_charges_beyond_the_cap_penalty_first() -> None:
    # A 15 % loan with 0.8 %/month service fees: the fees make it ~30 % all-in. Unpaid for 7 months.
    terms = parse_terms(
        {
            **BASE,
            "fees": [{"name": "svc", "kind": "per_period", "basis": "percent_of_principal", "rate": "0.008"}],
        }
    )
    state = replay(terms, [], date(2026, 8, 1))
    c = lawfully_collectable(terms, state)
    assert c.excluded_minor > 0
    # The excess (smaller than the penalty here) comes out of the penalty first; fees and interest stay.
    assert 0 < c.excluded_by_component[Component.PENALTY] <= state.overdue_by_component[Component.PENALTY]
    assert c.excluded_by_component[Component.FEES] == c.excluded_by_component[Component.INTEREST] == 0
    assert c.collectable_by_component[Component.PRINCIPAL] == state.overdue_by_component[Component.PRINCIPAL]
    assert c.collectable_minor + c.excluded_minor == state.overdue_minor
    assert "CN-RATE-24" in c.reasons[0]


def test_lawfully_collectable_above_36pct_only_principal_and_legal_review() -> None:
    terms = parse_terms({**BASE, "annual_rate": "0.40"})
    state = replay(terms, [], date(2026, 5, 1))
    c = lawfully_collectable(terms, state)
    assert c.legal_review
    assert c.collectable_minor == state.overdue_by_component[Component.PRINCIPAL]


def test_lawful_loan_is_fully_collectable() -> None:
    terms = parse_terms({**BASE, "annual_rate": "0.10"})
    state = replay(terms, [], date(2026, 5, 1))
    c = lawfully_collectable(terms, state)
    assert c.excluded_minor == 0 and c.collectable_minor == state.overdue_minor
