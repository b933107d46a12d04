"""The decision core: identity checks, policy rules, cut-offs, offers within caps and affordability, reasons."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from faircollect.ledger.schedule import build_schedule
from faircollect.ledger.terms_json import parse_terms
from faircollect.origination.decide import APPROVE, DECLINE, REFER, Application, Facts, decide, offer_terms
from faircollect.origination.policy import load_policy, load_scorecard

from .applicants import GOOD_ATTRIBUTES, POOR_ATTRIBUTES, PRODUCT_TERMS

TODAY = date(2026, 6, 1)
POLICY = load_policy()
CARD = load_scorecard(POLICY.scorecard)
TERMS = parse_terms(
    dict(PRODUCT_TERMS, principal="6000.00", start_date="2026-06-01", currency="CNY"), where="t"
)


def _app(**over: object) -> Application:
    base = Application(600000, 12, date(1990, 1, 1), 900000, 50000, "CNY", GOOD_ATTRIBUTES)
    return replace(base, **over)  # type: ignore[arg-type]


def test_good_applicant_is_approved_with_the_price_of_their_band() -> None:
    d = decide(_app(), Facts(today=TODAY), POLICY, CARD, TERMS)
    assert d.outcome == APPROVE and d.reasons == ()
    assert d.offer is not None and d.offer.amount_minor == 600000
    assert d.offer.annual_rate == POLICY.rate_for(d.score or 0)
    assert d.policy == "cn-consumer@1" and d.model == CARD.key and len(d.inputs_hash) == 64


def test_poor_applicant_is_declined_with_four_ranked_scorecard_reasons_in_zh_and_en() -> None:
    d = decide(_app(attributes=POOR_ATTRIBUTES), Facts(today=TODAY), POLICY, CARD, TERMS)
    assert d.outcome == DECLINE and d.offer is None
    assert [r["rank"] for r in d.reasons] == [1, 2, 3, 4]
    lost = [r["points_lost"] for r in d.reasons]
    assert lost == sorted(lost, reverse=True) and lost[-1] > 0
    assert all(r["text_zh"] and r["text_en"] for r in d.reasons)


def test_under_age_is_declined_whatever_the_score_and_the_policy_reason_comes_first() -> None:
    d = decide(_app(birth_date=date(2010, 1, 1)), Facts(today=TODAY), POLICY, CARD, TERMS)
    assert d.outcome == DECLINE and d.reasons[0]["code"] == "AGE" and "AGE:fail" in d.rules


def test_block_list_and_velocity_decline_a_duplicate_refers() -> None:
    assert (
        decide(_app(), Facts(today=TODAY, blocked=True), POLICY, CARD, TERMS).reasons[0]["code"] == "BLOCKED"
    )
    v = decide(_app(), Facts(today=TODAY, applications_in_velocity_window=3), POLICY, CARD, TERMS)
    assert v.outcome == DECLINE and v.reasons[0]["code"] == "VELOCITY"
    dup = decide(_app(), Facts(today=TODAY, applications_in_duplicate_window=1), POLICY, CARD, TERMS)
    assert dup.outcome == REFER and dup.reasons[0]["code"] == "DUPLICATE" and dup.offer is not None


def test_unaffordable_amount_gets_the_largest_counter_offer_that_fits() -> None:
    app = _app(amount_minor=10_000_000, monthly_income_minor=600000, monthly_obligations_minor=100000)
    d = decide(app, Facts(today=TODAY), POLICY, CARD, TERMS)
    assert d.outcome == APPROVE and "AFFORDABILITY:counter-offer" in d.rules
    assert d.offer is not None and d.offer.amount_minor < app.amount_minor
    room = 300000 - 100000
    assert d.offer.instalment_minor <= room
    bigger = offer_terms(TERMS, d.offer.amount_minor + POLICY.step_minor, 12, d.offer.annual_rate, TODAY)
    assert max(i.total_minor for i in build_schedule(bigger).instalments) > room


def test_no_income_room_declines_for_affordability() -> None:
    d = decide(_app(monthly_obligations_minor=500000), Facts(today=TODAY), POLICY, CARD, TERMS)
    assert d.outcome == DECLINE and d.reasons[0]["code"] == "AFFORDABILITY"


def test_exposure_caps_the_amount_and_declines_when_no_room_is_left() -> None:
    near = decide(_app(), Facts(today=TODAY, open_principal_minor=19_700_000), POLICY, CARD, TERMS)
    assert (
        near.offer is not None
        and near.offer.amount_minor == 300000
        and "EXPOSURE:counter-offer" in near.rules
    )
    full = decide(_app(), Facts(today=TODAY, open_principal_minor=20_000_000), POLICY, CARD, TERMS)
    assert full.outcome == DECLINE and full.reasons[0]["code"] == "EXPOSURE"


def test_a_price_above_the_legal_cap_is_refused_by_the_ledgers_cap_check() -> None:
    greedy = replace(POLICY, pricing=(replace(POLICY.pricing[-1], min_score=0, annual_rate=Decimal("0.30")),))
    d = decide(_app(), Facts(today=TODAY), greedy, CARD, TERMS)
    assert d.outcome == DECLINE and d.reasons[0]["code"] == "COST-CAP" and "24" in d.reasons[0]["detail"]


@settings(max_examples=40, deadline=None)
@given(
    amount=st.integers(1000, 200000).map(lambda y: y * 100),
    income=st.integers(1000, 50000).map(lambda y: y * 100),
    obligations=st.integers(0, 20000).map(lambda y: y * 100),
    term=st.sampled_from([3, 6, 12, 24]),
)
def test_every_offer_is_within_caps_affordability_and_the_request(
    amount: int, income: int, obligations: int, term: int
) -> None:
    app = _app(
        amount_minor=amount, monthly_income_minor=income, monthly_obligations_minor=obligations, term=term
    )
    d = decide(app, Facts(today=TODAY), POLICY, CARD, TERMS)
    if d.offer is None:
        assert d.outcome == DECLINE and d.reasons
        return
    o = d.offer
    assert POLICY.min_amount_minor <= o.amount_minor <= amount and o.amount_minor % POLICY.step_minor == 0
    assert o.instalment_minor + obligations <= POLICY.max_repayment_to_income * income
    assert o.apr <= Decimal("0.24")
    assert d == decide(app, Facts(today=TODAY), POLICY, CARD, TERMS)  # pure: same inputs, same decision


@pytest.mark.parametrize("outcome", [APPROVE, DECLINE])
def test_the_inputs_hash_changes_with_any_input(outcome: str) -> None:
    attrs = GOOD_ATTRIBUTES if outcome == APPROVE else POOR_ATTRIBUTES
    a = decide(_app(attributes=attrs), Facts(today=TODAY), POLICY, CARD, TERMS)
    b = decide(_app(attributes=attrs, monthly_income_minor=900100), Facts(today=TODAY), POLICY, CARD, TERMS)
    assert a.outcome == outcome and a.inputs_hash != b.inputs_hash
