"""Penalty interest rounds once, exactly: ``kit.money.round_fraction`` and the replay's accrual."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, localcontext
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from faircollect.kit.money import Rounding, round_fraction, round_minor
from faircollect.ledger.accrual import penalty_daily_rate, penalty_daily_rate_exact
from faircollect.ledger.types import Disbursement, LoanTerms, Method, PenaltyRule


@given(st.integers(-(10**15), 10**15), st.integers(1, 10**9), st.sampled_from(list(Rounding)))
def test_round_fraction_agrees_with_decimal_at_high_precision(n: int, d: int, mode: Rounding) -> None:
    with localcontext() as ctx:
        ctx.prec = 80  # far beyond any distance between n/d and a rounding boundary
        want = round_minor(Decimal(n) / Decimal(d), mode)
    assert round_fraction(Fraction(n, d), mode) == want


def test_exact_halves() -> None:
    assert round_fraction(Fraction(5, 2), Rounding.HALF_EVEN) == 2
    assert round_fraction(Fraction(7, 2), Rounding.HALF_EVEN) == 4
    assert round_fraction(Fraction(5, 2), Rounding.HALF_UP) == 3
    assert round_fraction(Fraction(-5, 2), Rounding.HALF_UP) == -3
    assert round_fraction(Fraction(1, 3), Rounding.UP) == 1
    assert round_fraction(Fraction(-1, 3), Rounding.DOWN) == -1


def test_a_rate_without_a_finite_decimal_form_is_kept_exact() -> None:
    """15.4% × 1.5 / 360 = 77 / 120,000 a day: 28-digit Decimal cannot hold it, the fraction can."""
    terms = LoanTerms(
        currency="CNY",
        annual_rate=Decimal("0.154"),
        method=Method.EQUAL_INSTALMENT,
        term=12,
        start_date=date(2026, 1, 10),
        disbursements=(Disbursement(date(2026, 1, 10), 1_000_000),),
        first_due_date=date(2026, 2, 10),
        penalty=PenaltyRule(multiple=Decimal("1.5")),
    )
    exact = penalty_daily_rate_exact(terms)
    assert exact == Fraction(77, 120_000)
    assert Fraction(penalty_daily_rate(terms)) != exact  # the Decimal rate is rounded
    # Principal-days whose penalty is exactly half a fen: the exact rounding decides it by the mode alone.
    s = 60_000 * pow(77, -1, 120_000) % 120_000
    assert (s * exact).denominator == 2
    assert round_fraction(s * exact, Rounding.HALF_UP) == (s * exact).numerator // 2 + 1
