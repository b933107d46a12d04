"""The dashboard's figures, as a lender reads them, from hand-made month-end panels."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from faircollect.console.dashboard import (
    CLOSED,
    LoanMonth,
    PlacedCase,
    agency_performance,
    book_by_bucket,
    collectable_vs_overdue,
    cure_curves,
    denials_by_rule,
    flow_rates,
    month_ends,
    roll_rates,
    vintage_curves,
)
from faircollect.kit.errors import ValidationError

JAN, FEB, MAR = date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)


def lm(
    loan: str, day: date, bucket: str, *, closed: bool = False, principal: int = 1000, orig=date(2026, 1, 5)
):
    overdue = 0 if bucket == "M0" else 100
    return LoanMonth(loan, day, orig, bucket, closed, principal, overdue, overdue - 10 if overdue else 0)


def test_month_ends_run_to_the_as_of_day_which_closes_the_list_when_not_a_month_end() -> None:
    assert month_ends(date(2026, 1, 9), date(2026, 3, 31)) == [JAN, FEB, MAR]
    assert month_ends(date(2026, 1, 9), date(2026, 3, 5)) == [JAN, FEB, date(2026, 3, 5)]
    with pytest.raises(ValidationError, match="before it starts"):
        month_ends(date(2026, 3, 1), date(2026, 1, 1))


def test_roll_rates_count_each_open_loan_once_from_last_month_end_bucket_to_this_one() -> None:
    panel = [
        lm("a", JAN, "M0"),
        lm("a", FEB, "M1"),  # rolled forward
        lm("b", JAN, "M0"),
        lm("b", FEB, "M0"),  # stayed current
        lm("c", JAN, "M1", principal=3000),
        lm("c", FEB, "M0", principal=2500),  # cured
        lm("d", JAN, "M1", principal=1000),
        lm("d", FEB, "M2"),  # rolled
        lm("e", JAN, "M0"),
        lm("e", FEB, "M0", closed=True),  # repaid
        lm("f", JAN, "M0", closed=True),
        lm("f", FEB, "M0", closed=True),  # already closed: not in the matrix
    ]
    [m] = roll_rates(panel)
    assert (m.start, m.end) == (JAN, FEB)
    assert m.columns[-1] == CLOSED
    assert m.loans["M0"] == {"M0": 1, "M1": 1, "M2": 0, "M3": 0, "M4+": 0, CLOSED: 1}
    assert m.share("M0", "M1") == Decimal("0.3333")
    # by principal at the start of the month: 3,000 of 4,000 in M1 cured
    assert m.share("M1", "M0", by="principal") == Decimal("0.7500")
    assert m.share("M3", "M4+") is None  # nobody was in M3: no rate, not 0 %
    [m0m1, m1m2, *_rest] = flow_rates([m])
    assert (m0m1.source, m0m1.target, m0m1.points) == ("M0", "M1", ((FEB, Decimal("0.3333")),))
    assert m1m2.points == ((FEB, Decimal("0.2500")),)


def test_vintage_curves_share_of_each_origination_month_delinquent_by_months_on_book() -> None:
    jan, feb = date(2026, 1, 10), date(2026, 2, 3)
    panel = [
        lm("a", FEB, "M1", orig=jan),
        lm("a", MAR, "M2", orig=jan),
        lm("b", FEB, "M0", orig=jan),
        lm("b", MAR, "M0", orig=jan),
        lm("c", FEB, "M0", orig=feb),
        lm("c", MAR, "M1", orig=feb),
        lm("a", JAN, "M0", orig=jan),
        lm("b", JAN, "M0", orig=jan),  # month 0 on book: not a point
    ]
    curves = {v.vintage: v for v in vintage_curves(panel)}
    assert curves["2026-01"].points == ((1, Decimal("0.5000")), (2, Decimal("0.5000")))
    assert curves["2026-02"].points == ((1, Decimal("1.0000")),)
    assert {v.vintage: v.points for v in vintage_curves(panel, threshold="M2")}["2026-01"] == (
        (1, Decimal("0.0000")),
        (2, Decimal("0.5000")),
    )
    with pytest.raises(ValidationError, match="unknown bucket 'M9'"):
        vintage_curves(panel, threshold="M9")


def test_cure_curves_pool_every_starting_month_and_count_repaid_as_cured() -> None:
    panel = [
        lm("a", JAN, "M1"),
        lm("a", FEB, "M0"),
        lm("a", MAR, "M0"),
        lm("b", JAN, "M1"),
        lm("b", FEB, "M2"),
        lm("b", MAR, "M0", closed=True),
        lm("c", JAN, "M0"),
        lm("c", FEB, "M1"),
        lm("c", MAR, "M1"),
    ]
    m1 = next(c for c in cure_curves(panel) if c.bucket == "M1")
    # one month later: a cured (Jan→Feb), b not, c not (Feb→Mar) → 1 of 3; two months later: a and b → 2 of 2
    assert m1.points == ((1, Decimal("0.3333"), 3), (2, Decimal("1.0000"), 2))


def test_book_by_bucket_and_collectable_vs_overdue_leave_closed_loans_out() -> None:
    panel = [lm("a", FEB, "M1"), lm("b", FEB, "M0"), lm("c", FEB, "M1", closed=True)]
    book = {line.bucket: line for line in book_by_bucket(panel, FEB)}
    assert (book["M1"].loans, book["M1"].overdue_minor, book["M1"].collectable_minor) == (1, 100, 90)
    assert book["M4+"].loans == 0
    [p] = collectable_vs_overdue(panel)
    assert (p.overdue_minor, p.collectable_minor, p.excluded_minor) == (100, 90, 10)


def test_denials_by_rule_fill_empty_periods_with_zero() -> None:
    rows = [(date(2026, 5, 4), "CN-HOURS"), (date(2026, 5, 6), "CN-HOURS"), (date(2026, 5, 6), "CN-HOLD")]
    s = denials_by_rule(rows)
    assert s.periods == (date(2026, 5, 4), date(2026, 5, 5), date(2026, 5, 6))
    assert s.by_rule == {"CN-HOLD": (0, 0, 1), "CN-HOURS": (1, 0, 1)}
    w = denials_by_rule(rows, period="week")
    assert w.periods == (date(2026, 5, 4),) and w.total("CN-HOURS") == 2
    assert denials_by_rule([]).periods == ()
    with pytest.raises(ValidationError, match="unknown period"):
        denials_by_rule(rows, period="year")


def test_agency_performance_commission_rounds_half_up_per_case() -> None:
    cases = [
        PlacedCase("A", 10_000, 5_000, True, 4, 1, Decimal("0.15")),
        PlacedCase("A", 10_000, 1_003, False, 2, 0, Decimal("0.15")),  # 150.45 → 150
        PlacedCase("B", 5_000, 0, False, 1, 0),
    ]
    a, b = agency_performance(cases)
    assert (a.cases, a.recovered_minor, a.commission_minor) == (2, 6_003, 900)
    assert a.recovery_rate == Decimal("0.3002") and a.cure_rate == Decimal("0.5000")
    assert a.complaints_per_100_cases == Decimal("50.0000")
    assert b.recovery_rate == Decimal("0.0000")


BUCKETS = st.sampled_from(["M0", "M1", "M2", "M3", "M4+"])


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # a loaded machine draws slowly
@given(
    st.lists(
        st.tuples(BUCKETS, st.booleans(), BUCKETS, st.booleans(), st.integers(0, 10**9)),
        min_size=0,
        max_size=40,
    )
)
def test_every_open_loan_at_the_start_lands_in_exactly_one_cell(loans) -> None:
    panel = []
    for i, (b0, c0, b1, c1, p) in enumerate(loans):
        panel += [lm(str(i), JAN, b0, closed=c0, principal=p), lm(str(i), FEB, b1, closed=c1, principal=p)]
    [m] = roll_rates(panel) or [None]
    if m is None:
        assert not loans
        return
    open_start = [x for x in loans if not x[1]]
    assert sum(m.row_total(f) for f in m.rows) == len(open_start)
    assert sum(m.row_total(f, by="principal") for f in m.rows) == sum(x[4] for x in open_start)
    for f in m.rows:
        shares = [m.share(f, t) for t in m.columns]
        if m.row_total(f):
            assert abs(sum(s for s in shares if s is not None) - 1) <= Decimal("0.0005") * len(shares)
