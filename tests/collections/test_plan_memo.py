"""The planning core asks the one segment matcher once per case (``plan_core._work``): balances and scores are keyed
by the interval they fall in between the rules' limits. That memo must never change an answer: ``_work`` equals
``assign_arm`` + ``segment_for`` + ``treatments_due`` asked afresh for every item, values on a limit included."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from hypothesis import example, given, settings
from hypothesis import strategies as st

from faircollect.collections import plan_core
from faircollect.collections.strategy import (
    CHAMPION,
    CONTROL,
    Challenger,
    Segment,
    SegmentRule,
    Strategy,
    Treatment,
    assign_arm,
    segment_for,
    treatments_due,
)

BUCKETS = ["M0", "M1", "M2"]


def _opt(s: st.SearchStrategy) -> st.SearchStrategy:  # type: ignore[type-arg]
    return st.none() | s


# Small ranges, so that items often sit exactly on a limit.
rules = st.builds(
    SegmentRule,
    buckets=_opt(st.lists(st.sampled_from(BUCKETS), min_size=1, unique=True).map(tuple)),
    dpd_min=_opt(st.integers(-3, 6)),
    dpd_max=_opt(st.integers(-3, 6)),
    balance_min_minor=_opt(st.integers(0, 8)),
    balance_max_minor=_opt(st.integers(0, 8)),
    score_min=_opt(st.decimals(0, 8, places=1)),
    score_max=_opt(st.decimals(0, 8, places=1)),
)
treatments = st.lists(
    st.builds(
        Treatment,
        at_dpd=st.integers(-3, 6),
        channel=st.sampled_from(["sms", "call"]),
        template=st.sampled_from(["a", "b"]),
        priority=st.integers(1, 3),
        repeat_every_days=_opt(st.integers(1, 3)),
    ),
    min_size=1,
    max_size=3,
).map(tuple)
segment_lists = st.lists(st.tuples(rules, treatments), min_size=1, max_size=4).map(
    lambda xs: tuple(Segment(f"s{i}", r, t) for i, (r, t) in enumerate(xs))
)
items = st.builds(
    plan_core.PlanItem,
    loan_id=st.integers(0, 10**6).map(lambda n: f"L{n}"),
    borrower_id=st.integers(0, 5).map(lambda n: f"B{n}"),
    jurisdiction=st.just("CN"),
    timezone=st.just("Asia/Shanghai"),
    bucket=_opt(st.sampled_from(BUCKETS)),
    dpd=st.integers(-4, 7),
    balance_minor=st.integers(0, 9),
    overdue_minor=st.integers(0, 9),
    score=_opt(st.decimals(0, 9, places=1)),
)


def _reference(batch: list[plan_core.PlanItem], strategy: Strategy) -> Counter[tuple[object, ...]]:
    out: Counter[tuple[object, ...]] = Counter()
    for item in batch:
        arm, prob = assign_arm(strategy, item.borrower_id)
        seg = segment_for(
            strategy,
            arm=CHAMPION if arm == CONTROL else arm,
            bucket=item.bucket,
            dpd=item.dpd,
            balance_minor=item.balance_minor,
            score=item.score,
            product=item.product,
            flags=item.flags,
        )
        for t in treatments_due(seg, item.dpd) if seg is not None else []:
            out[(item, t, arm, prob, seg.id)] += 1
    return out


@settings(max_examples=150, deadline=None)
@given(segment_lists, segment_lists, st.lists(items, min_size=1, max_size=40))
@example(  # one borrower (one arm), both arms one rule: only the score tells the items apart, one on the limit
    (Segment("s0", SegmentRule(score_min=Decimal("2.5")), (Treatment(0, "sms", "a"),)),),
    (Segment("s0", SegmentRule(score_min=Decimal("2.5")), (Treatment(0, "sms", "a"),)),),
    [
        plan_core.PlanItem("L1", "B1", "CN", None, "M1", 0, 3, 0, score=Decimal("2.5")),
        plan_core.PlanItem("L2", "B1", "CN", None, "M1", 0, 4, 0, score=Decimal("2.4")),
        plan_core.PlanItem("L3", "B1", "CN", None, "M1", 0, 2, 0, score=None),
    ],
)
@example(
    (Segment("s0", SegmentRule(balance_max_minor=3), (Treatment(0, "sms", "a"),)),),
    (Segment("s0", SegmentRule(balance_max_minor=3), (Treatment(0, "sms", "a"),)),),
    [
        plan_core.PlanItem("L1", "B1", "CN", None, "M1", 0, 4, 0),
        plan_core.PlanItem("L2", "B1", "CN", None, "M1", 0, 3, 0),
    ],
)
def test_the_matcher_memo_gives_the_answer_of_a_fresh_match_for_every_item(
    champion: tuple[Segment, ...], challenger: tuple[Segment, ...], batch: list[plan_core.PlanItem]
) -> None:
    strategy = Strategy(
        id="memo",
        version=1,
        jurisdiction="CN",
        segments=champion,
        challengers=(Challenger("c", Decimal("0.3"), challenger),),
        control_share=Decimal("0.2"),
    )
    got = Counter(plan_core._work(batch, strategy))
    assert got == _reference(batch, strategy)
