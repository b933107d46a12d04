"""``caps.clearly_within_caps`` (the import's cap check by one NPV at the cap rate) never passes a loan that
``caps.check_terms`` (the IRR, the reference) refuses, and does decide the ordinary loans."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from test_ledger_properties import SETTINGS, terms_json

from faircollect.kit.errors import FaircollectError
from faircollect.ledger.caps import _clearly_below, all_in_cost, cap_rules, check_terms, clearly_within_caps
from faircollect.ledger.terms_json import parse_terms

LOW_PENALTY = {"basis": "daily_rate", "daily_rate": "0.0005"}  # 18.25 % a year: under the penalty cap


def _passes(terms: Any, jurisdiction: str) -> bool:
    try:
        check_terms(terms, jurisdiction)
    except FaircollectError:
        return False
    return True


@st.composite
def near_the_cap(draw: st.DrawFn) -> dict[str, Any]:
    """Terms whose all-in cost is within about half a point of CN's 24 % (with and without fees)."""
    obj = draw(terms_json())
    obj["annual_rate"] = str(Decimal(draw(st.integers(2300, 2450))) / 10000)
    obj["penalty"] = LOW_PENALTY
    return obj


@SETTINGS
@given(st.one_of(terms_json(), near_the_cap()), st.sampled_from(["CN", "US"]))
@example(
    {
        "principal": "10000",
        "annual_rate": "0.2399",
        "method": "equal_instalment",
        "term": 12,
        "start_date": "2026-01-01",
        "penalty": LOW_PENALTY,
    },
    "CN",
)
def test_clearly_within_caps_implies_check_terms_passes(obj: dict[str, Any], jurisdiction: str) -> None:
    terms = parse_terms(obj)
    if clearly_within_caps(terms, jurisdiction):
        assert _passes(terms, jurisdiction)


@pytest.mark.parametrize(
    ("rate", "decided"),
    [("0.0960", True), ("0.1550", True), ("0.2390", True), ("0.2400", False), ("0.2401", False)],
)
def test_ordinary_loans_are_decided_and_loans_at_the_cap_go_to_the_irr(rate: str, decided: bool) -> None:
    terms = parse_terms(
        {
            "principal": "10000",
            "annual_rate": rate,
            "method": "equal_instalment",
            "term": 12,
            "start_date": "2026-01-01",
            "penalty": LOW_PENALTY,
        }
    )
    assert clearly_within_caps(terms, "CN") is decided
    if decided:
        assert _passes(terms, "CN")


def test_a_refused_loan_is_never_clearly_within() -> None:
    over = parse_terms(
        {
            "principal": "10000",
            "annual_rate": "0.30",
            "method": "equal_principal",
            "term": 6,
            "start_date": "2026-01-01",
            "penalty": LOW_PENALTY,
        }
    )
    assert not _passes(over, "CN")
    assert clearly_within_caps(over, "CN") is False
    # No cap is encoded for US: nothing to decide by an NPV (check_terms still solves the IRR for its report).
    assert clearly_within_caps(over, "US") is False


@st.composite
def near_the_illegal_line(draw: st.DrawFn) -> dict[str, Any]:
    """Terms whose all-in cost is within about a point of CN's 36 % illegal-lending line."""
    obj = draw(terms_json())
    obj["annual_rate"] = str(Decimal(draw(st.integers(3400, 3700))) / 10000)
    return obj


@SETTINGS
@given(st.one_of(terms_json(), near_the_cap(), near_the_illegal_line()), st.sampled_from(["CN", "US", "UK"]))
@example(
    {
        "principal": "10000",
        "annual_rate": "0.3599",
        "method": "equal_instalment",
        "term": 12,
        "start_date": "2026-01-01",
    },
    "CN",
)
def test_clearly_below_the_illegal_line_only_when_the_all_in_cost_is(
    obj: dict[str, Any], jurisdiction: str
) -> None:
    """``lawfully_collectable`` skips solving the IRR when ``_clearly_below`` says the loan is under the illegal
    line: it must then be under it by the IRR too (and the IRR must not have raised)."""
    terms = parse_terms(obj)
    _cap, _pen, illegal = cap_rules(jurisdiction, contract_date=terms.start_date)
    if illegal is None or illegal.rate is None:
        return
    if _clearly_below(terms, illegal.rate):
        assert all_in_cost(terms).annual_nominal <= illegal.rate
