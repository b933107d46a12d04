"""One segment matcher: ``SegmentRule.matches`` (one loan) and ``portfolio.segments.rule_predicate`` (a whole book
in DuckDB) evaluate the same ``SegmentRule.conditions`` and must agree on every rule and every row."""

from __future__ import annotations

from decimal import Decimal

import ibis
from hypothesis import given, settings
from hypothesis import strategies as st

from faircollect.collections.strategy import SegmentRule
from faircollect.portfolio.segments import rule_predicate

BUCKETS = ["M0", "M1", "M2", "M3", "M4+"]
PRODUCTS = ["cash-12", "bnpl-3", "payday-1"]
FLAGS = ["current", "agency", "broken_promise", "kept_promise"]


def _opt(s: st.SearchStrategy) -> st.SearchStrategy:  # type: ignore[type-arg]
    return st.none() | s


rules = st.builds(
    SegmentRule,
    buckets=_opt(st.lists(st.sampled_from(BUCKETS), min_size=1, unique=True).map(tuple)),
    dpd_min=_opt(st.integers(-10, 120)),
    dpd_max=_opt(st.integers(-10, 120)),
    balance_min_minor=_opt(st.integers(0, 500_000)),
    balance_max_minor=_opt(st.integers(0, 500_000)),
    score_min=_opt(st.decimals(0, 1000, places=2)),
    score_max=_opt(st.decimals(0, 1000, places=2)),
    products=_opt(st.lists(st.sampled_from(PRODUCTS), min_size=1, unique=True).map(tuple)),
    flags_any=_opt(st.lists(st.sampled_from(FLAGS), min_size=1, unique=True).map(tuple)),
    flags_none=_opt(st.lists(st.sampled_from(FLAGS), min_size=1, unique=True).map(tuple)),
)
loans = st.fixed_dictionaries(
    {
        "bucket": _opt(st.sampled_from(BUCKETS)),
        "contact_dpd": st.integers(-12, 125),
        "balance": st.integers(0, 600_000),
        "score": _opt(st.integers(0, 1000)),
        "product": _opt(st.sampled_from(PRODUCTS)),
        "flags": st.lists(st.sampled_from(FLAGS), unique=True),
    }
)
SCHEMA = ibis.schema(
    {
        "bucket": "string",
        "contact_dpd": "int64",
        "balance": "int64",
        "score": "int32",
        "product": "string",
        "flags": "array<string>",
    }
)


@settings(max_examples=60, deadline=None)
@given(rules, st.lists(loans, min_size=1, max_size=25))
def test_segment_rule_matches_the_same_loans_one_by_one_and_over_a_book(
    rule: SegmentRule, book: list[dict]
) -> None:
    one_by_one = [
        rule.matches(
            bucket=r["bucket"],
            dpd=r["contact_dpd"],
            balance_minor=r["balance"],
            score=None if r["score"] is None else Decimal(r["score"]),
            product=r["product"],
            flags=r["flags"],
        )
        for r in book
    ]
    t = ibis.memtable(book, schema=SCHEMA)
    over_book = ibis.duckdb.connect().to_pyarrow(t.select(m=rule_predicate(rule, t))).column("m").to_pylist()
    assert over_book == one_by_one


def test_a_rule_with_a_score_limit_never_matches_an_unknown_score() -> None:
    rule = SegmentRule(score_min=Decimal(0))
    assert not rule.matches(bucket="M1", dpd=3, balance_minor=1, score=None, product=None, flags=())
    t = ibis.memtable(
        [{"bucket": "M1", "contact_dpd": 3, "balance": 1, "score": None, "product": None, "flags": []}],
        schema=SCHEMA,
    )
    assert ibis.duckdb.connect().to_pyarrow(t.select(m=rule_predicate(rule, t))).column("m").to_pylist() == [
        False
    ]
