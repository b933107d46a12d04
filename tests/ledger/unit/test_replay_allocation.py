"""The replayer's inline instalment-first allocation (``_Replayer._allocate_and_book``) against the waterfall's own
``allocation.allocate`` followed by ``_book``, on instalments in random states (paid, waived, late fees, penalty,
carried penalty, overpaid components) and every named waterfall: the same postings in the same order, the same
amounts paid on each instalment, the same remainder; and the accrual's integer rounding (``money.round_ratio``)
against ``round_fraction``."""

from __future__ import annotations

import copy
from datetime import date
from fractions import Fraction
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from faircollect.kit.money import Rounding, round_fraction, round_ratio
from faircollect.ledger.allocation import WATERFALLS, allocate
from faircollect.ledger.replay import Posting, _Inst, _Replayer
from faircollect.ledger.types import Component

_amount = st.integers(0, 5000)


@st.composite
def instalment(draw: st.DrawFn, number: int) -> _Inst:
    inst = _Inst(
        number,
        date(2026, 1, 1),
        draw(_amount),
        draw(_amount),
        draw(_amount),
        penalty_due=draw(st.integers(0, 300)),
        late_fee=draw(st.sampled_from([0, 0, 50])),
        carried_penalty=draw(st.sampled_from([0, 0, 70])),
    )
    comps = st.sampled_from(list(Component))
    inst.paid = draw(st.dictionaries(comps, st.integers(-100, 6000), max_size=4))
    inst.waived = draw(st.dictionaries(comps, st.integers(0, 3000), max_size=2))
    return inst


@settings(max_examples=400, deadline=None)
@given(st.data(), st.sampled_from(sorted(WATERFALLS)), st.integers(-5, 40000))
def test_inline_allocation_is_allocate_then_book(data: st.DataObject, name: str, amount: int) -> None:
    insts = [data.draw(instalment(n)) for n in range(1, data.draw(st.integers(0, 6)) + 1)]
    waterfall = WATERFALLS[name]
    mine = _Replayer.__new__(_Replayer)
    mine.waterfall, mine.postings, mine.posting = waterfall, [], Posting
    theirs = _Replayer.__new__(_Replayer)
    theirs.waterfall, theirs.postings, theirs.posting = waterfall, [], Posting
    reference = copy.deepcopy(insts)
    on = date(2026, 2, 1)
    try:
        allocs, expected_left = allocate(amount, reference, waterfall)
    except Exception as exc:  # a negative amount: refused the same way
        try:
            mine._allocate_and_book("k", on, amount, insts)
        except Exception as again:
            assert type(again) is type(exc) and str(again) == str(exc)
            return
        raise AssertionError("not refused") from exc
    theirs._book("k", on, "payment", reference, allocs)
    left = mine._allocate_and_book("k", on, amount, insts)
    assert left == expected_left
    assert mine.postings == theirs.postings
    assert [i.paid for i in insts] == [i.paid for i in reference]


@given(
    st.integers(-(10**12), 10**12),
    st.integers(1, 10**6),
    st.integers(1, 1000),
    st.sampled_from(list(Rounding) + [r.value for r in Rounding]),
)
def test_round_ratio_is_round_fraction_whatever_the_common_factor(
    num: int, den: int, k: int, mode: Any
) -> None:
    assert round_ratio(num * k, den * k, mode) == round_fraction(Fraction(num, den), mode)
