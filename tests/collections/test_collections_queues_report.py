"""Work-queue ranking and balancing (pure), and the report's confidence intervals."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from faircollect.collections.queues import (
    AgentSlot,
    CaseSignals,
    assign,
    expected_value_minor,
    p_pay,
    rank_cases,
)
from faircollect.collections.report import diff_ci, mean_ci, wilson


def _case(
    i: int, amount: int, dpd: int = 10, agency: str | None = None, stage: str = "M1", **kw: object
) -> CaseSignals:
    return CaseSignals(
        case_id=f"c{i:03d}", days_past_due=dpd, amount_minor=amount, stage=stage, agency_id=agency, **kw
    )  # type: ignore[arg-type]


def test_expected_value_is_amount_times_p_minus_cost() -> None:
    c = _case(1, 100_000, dpd=10)
    assert p_pay(c) == Decimal("0.35")
    assert expected_value_minor(c, cost_minor=300) == 35_000 - 300


def test_model_factors_move_p_in_the_documented_direction() -> None:
    base = p_pay(_case(1, 1, dpd=40))
    assert p_pay(_case(1, 1, dpd=40, promise_due_now=True)) > base
    assert p_pay(_case(1, 1, dpd=40, broken_promises=2)) == (base * Decimal("0.5625")).quantize(
        Decimal("0.0001")
    )
    assert p_pay(_case(1, 1, dpd=40, last_call_wrong_party=True)) < base
    assert p_pay(_case(1, 1, dpd=200)) == Decimal("0.05")


def test_ranking_puts_higher_expected_value_first_and_drops_unprofitable() -> None:
    ranked = rank_cases(
        [_case(1, 10_000, dpd=100), _case(2, 50_000, dpd=5), _case(3, 500, dpd=100)], cost_minor=300
    )
    assert [c.case_id for c, _ in ranked] == ["c002", "c001"]  # c003: 500 × 0.05 − 300 < 0


def test_balancing_least_loaded_within_caps_and_agency_separation() -> None:
    cases = [_case(i, 10_000 + i) for i in range(10)] + [
        _case(100 + i, 20_000, agency="agy") for i in range(3)
    ]
    agents = [
        AgentSlot("a", None, None, daily_cap=4),
        AgentSlot("b", None, frozenset({"M1"}), daily_cap=10, load=2),
        AgentSlot("z", "agy", None, daily_cap=2),
    ]
    placed = assign(cases, agents)
    load = Counter(p.agent_id for p in placed)
    assert load == {"a": 4, "b": 6, "z": 2}  # b already had 2; a fills to its cap of 4, b takes the rest
    assert all(p.agent_id == "z" for p in placed if p.case_id.startswith("c1"))
    ranks_b = sorted(p.rank for p in placed if p.agent_id == "b")
    assert ranks_b == [3, 4, 5, 6, 7, 8]


@given(
    amounts=st.lists(st.integers(min_value=0, max_value=10**7), min_size=0, max_size=60),
    caps=st.lists(st.integers(min_value=0, max_value=15), min_size=1, max_size=6),
)
def test_assignment_never_exceeds_caps_and_stays_balanced(amounts: list[int], caps: list[int]) -> None:
    cases = [_case(i, a) for i, a in enumerate(amounts)]
    agents = [AgentSlot(f"a{i}", None, None, cap) for i, cap in enumerate(caps)]
    placed = assign(cases, agents)
    load = Counter(p.agent_id for p in placed)
    assert all(load[a.agent_id] <= a.daily_cap for a in agents)
    assert len({p.case_id for p in placed}) == len(placed)
    workable = len(rank_cases(cases))
    assert len(placed) == min(workable, sum(caps))
    # Least-loaded: an agent below its cap is never more than one case behind another agent.
    for a in agents:
        if load[a.agent_id] < a.daily_cap:
            assert all(load[b.agent_id] <= load[a.agent_id] + 1 for b in agents)
    # Better cases are placed before worse ones: a skipped case is never better than a placed one.
    placed_ids = {p.case_id for p in placed}
    evs = dict((c.case_id, ev) for c, ev in rank_cases(cases))
    if placed and len(placed) < workable:
        assert min(evs[i] for i in placed_ids) >= max(evs[i] for i in evs if i not in placed_ids)


def test_wilson_interval_matches_published_values() -> None:
    # Newcombe (1998), Table I: 0/10 → (0, 0.2775) and 5/10 → (0.2366, 0.7634) for the Wilson score interval.
    lo, hi = wilson(0, 10)
    assert lo == 0.0 and round(hi, 4) == 0.2775
    lo, hi = wilson(5, 10)
    assert (round(lo, 4), round(hi, 4)) == (0.2366, 0.7634)
    assert wilson(0, 0) == (0.0, 1.0)


def test_mean_interval_contains_mean_and_narrows_with_n() -> None:
    small = [0, 100, 200, 300, 400] * 4
    mean, lo, hi = mean_ci(small)
    assert lo <= mean <= hi and mean == 200
    big_mean, big_lo, big_hi = mean_ci(small * 50)  # n = 1000: normal approximation
    assert big_mean == 200 and (big_hi - big_lo) < (hi - lo)
    assert mean_ci(small) == mean_ci(small)  # fixed seed: reproducible


def test_uplift_interval() -> None:
    d = diff_ci(60, 100, 40, 100)
    assert d is not None and round(d[0], 2) == 0.20 and d[1] > 0 > -d[2]
    assert diff_ci(1, 0, 1, 1) is None
