"""Property: for any loan and any history, the compiled kernel computes what the ledger core computes.

Hypothesis draws a loan (one of the generator's products, any principal and start date; in CN, US or UK; some with
fees deducted at disbursement, some priced above the 36% line), then a history — payments of any size (some marked
as prepayments, reduce-term or reduce-instalment), pauses, waivers of any component (also on a payment's day), a
write-off — in any order, as a database may return it, and an as-of date. The kernel (``portfolio.kernel``) must
equal ``ledger.replay`` on as_of and the day before, and ``ledger.caps`` on what may be demanded. Loans the kernel
flags for the core (a prepayment that re-amortises) are checked for the flag only (the run replays them with the
core: ``portfolio/fallback.py``).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from faircollect.ledger.allocation import WATERFALLS, Waterfall
from faircollect.ledger.caps import all_in_cost, cap_rules, exposure_days, lawfully_collectable
from faircollect.ledger.replay import replay
from faircollect.ledger.schedule import build_schedule, deducted_fees
from faircollect.ledger.types import (
    Component,
    Fee,
    FeeBasis,
    FeeCollection,
    FeeKind,
    LoanState,
    LoanTerms,
    Pause,
    Payment,
    PrepaymentMode,
    Waiver,
    WriteOff,
)
from faircollect.portfolio import kernel
from faircollect.portfolio.generator import PRODUCTS, loan_terms
from faircollect.portfolio.state import ROUNDING_CODES, WAIVER_COMPONENTS, penalty_fraction

EPOCH = date(1970, 1, 1)


def _day(d: date) -> int:
    return (d - EPOCH).days


def run_kernel(
    terms: LoanTerms, events: list[Any], as_of: date, waterfall: Waterfall, jurisdiction: str = "CN"
) -> dict[str, Any]:
    """The kernel's outputs for one loan, its inputs laid out as the run lays them out (``portfolio.state``)."""
    rule = terms.penalty
    num, den = penalty_fraction(
        rule.basis.value, terms.annual_rate, rule.multiple, rule.daily_rate, terms.days_in_year
    )
    from fractions import Fraction

    cap, _, illegal_line = cap_rules(jurisdiction, contract_date=terms.start_date)
    rate = Fraction(cap.rate) if cap.rate is not None else Fraction(0)
    apr = all_in_cost(terms).annual_nominal
    illegal = illegal_line is not None and illegal_line.rate is not None and apr > illegal_line.rate
    write_off = min((_day(e.date) for e in events if isinstance(e, WriteOff)), default=None)
    loans = pa.table(
        {
            "loan_no": [0],
            "grace": [rule.grace_days],
            "late_fee": [rule.late_fee_minor],
            "pnum": [num],
            "pden": [den],
            "prnd": [ROUNDING_CODES[terms.rounding]],
            "start": [_day(terms.start_date)],
            "principal": [terms.principal_minor],
            "deducted": [deducted_fees(terms)],
            "cap_num": [rate.numerator],
            "cap_den": [rate.denominator if cap.rate is not None else 0],
            "illegal": [int(illegal)],
            "write_off": pa.array([write_off], pa.int64()),
            "waterfall": [kernel.waterfall_code(waterfall)],
        }
    )
    insts = build_schedule(terms).instalments
    pays = [e for e in events if isinstance(e, Payment)]
    pauses = [e for e in events if isinstance(e, Pause)]
    waivers = [e for e in events if isinstance(e, Waiver)]

    def flat(**cols: list[int]) -> pa.Table:
        n = len(next(iter(cols.values())))
        return pa.table(
            {
                "loan_no": pa.array([0] * n, pa.int64()),
                **{k: pa.array(v, pa.int64()) for k, v in cols.items()},
            }
        )

    groups = {
        "inst": flat(
            inst_key=[_day(i.due_date) * 4096 + i.number for i in insts],
            inst_prin=[i.principal_minor for i in insts],
            inst_int=[i.interest_minor for i in insts],
            inst_fee=[i.fees_minor for i in insts],
        ),
        "pay": flat(
            pay_key=[_day(p.date) * 2 + (p.prepayment is not None) for p in pays],
            pay_amount=[p.amount_minor for p in pays],
        ),
        "pause": flat(pause_start=[_day(p.start) for p in pauses], pause_end=[_day(p.end) for p in pauses]),
        "tranche": flat(
            tranche_day=[_day(d.date) for d in terms.disbursements],
            tranche_amount=[d.amount_minor for d in terms.disbursements],
        ),
        "waiver": flat(
            waiver_key=[_day(w.date) * 4 + WAIVER_COMPONENTS.index(w.component.value) for w in waivers],
            waiver_amount=[w.amount_minor for w in waivers],
        ),
    }
    ints, flags = kernel.run(kernel.arrays_from_tables(loans, groups), _day(as_of))
    out = kernel.outputs_table({"loan_no": pa.array([0], pa.int64())}, ints, flags)
    return {k: v[0] for k, v in out.to_pydict().items()}


def figures(st: LoanState) -> tuple[int, ...]:
    by = st.overdue_by_component
    return (
        st.days_past_due,
        by.get(Component.PENALTY, 0),
        by.get(Component.FEES, 0),
        by.get(Component.INTEREST, 0),
        by.get(Component.PRINCIPAL, 0),
        st.principal_outstanding_minor,
    )


@st.composite
def loan_and_history(draw: st.DrawFn) -> tuple[LoanTerms, list[Any], date, Waterfall, str]:
    product = draw(st.sampled_from(PRODUCTS))
    principal = draw(st.integers(product.principals_yuan[0], product.principals_yuan[1])) * 10_000
    start = date(2024, 1, 1) + timedelta(days=draw(st.integers(0, 500)))
    start = start.replace(day=min(start.day, 28))
    terms = loan_terms(product, principal, start)
    if draw(st.booleans()):  # an arrangement fee taken out of the disbursement (砍头息)
        fee = Fee(
            "arrangement",
            FeeKind.UPFRONT,
            FeeBasis.PERCENT_OF_PRINCIPAL,
            rate=Decimal(draw(st.integers(1, 15))) / 100,
            collection=FeeCollection.DEDUCTED,
        )
        terms = replace(terms, fees=(*terms.fees, fee))
    if draw(st.integers(0, 4)) == 0:  # priced above the 36% line: charges are 非法债务 (legal review)
        terms = replace(terms, annual_rate=Decimal(draw(st.integers(37, 60))) / 100)
    jurisdiction = draw(st.sampled_from(["CN", "CN", "US", "UK"]))
    insts = build_schedule(terms).instalments
    horizon = (insts[-1].due_date - start).days + 200
    as_of = start + timedelta(days=draw(st.integers(20, horizon)))
    per = max(i.principal_minor + i.interest_minor + i.fees_minor for i in insts)
    events: list[Any] = []
    days = draw(st.lists(st.integers(1, horizon), max_size=8, unique=True))  # one payment a day
    for k, d in enumerate(sorted(days)):
        amount = draw(st.integers(1, 2 * per))
        prepay = draw(st.booleans()) and draw(st.booleans())
        mode = draw(st.sampled_from(list(PrepaymentMode))) if prepay else None
        events.append(Payment(f"p{k}", start + timedelta(days=d), amount, mode))
    for k in range(draw(st.integers(0, 2))):
        s = start + timedelta(days=draw(st.integers(1, horizon)))
        events.append(Pause(f"z{k}", s, s + timedelta(days=draw(st.integers(0, 60)))))
    for k in range(draw(st.integers(0, 2))):
        comp = draw(st.sampled_from(list(Component)))
        on_a_payment_day = days and draw(st.booleans())
        when = start + timedelta(
            days=draw(st.sampled_from(days) if on_a_payment_day else st.integers(1, horizon))
        )
        events.append(Waiver(f"w{k}", when, comp, draw(st.integers(1, per))))
    if draw(st.booleans()) and draw(st.booleans()):
        events.append(WriteOff("wo", start + timedelta(days=draw(st.integers(30, horizon)))))
    waterfall = draw(st.sampled_from(list(WATERFALLS.values())))
    # In any order, as a database may return them (booking order, not date order).
    events = draw(st.permutations(events))
    return terms, events, as_of, waterfall, jurisdiction


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(loan_and_history())
def test_kernel_equals_the_ledger_core(case: tuple[LoanTerms, list[Any], date, Waterfall, str]) -> None:
    terms, evs, as_of, waterfall, jurisdiction = case
    got = run_kernel(terms, evs, as_of, waterfall, jurisdiction)
    assume(
        not got["partial_prepayment"]
    )  # those loans are replayed by the core itself (see test_differential)
    now = replay(terms, evs, as_of, waterfall=waterfall)
    prev = replay(terms, evs, as_of - timedelta(days=1), waterfall=waterfall)
    lawful = lawfully_collectable(terms, now, jurisdiction)
    want = {
        "prev": figures(prev),
        "now": figures(now),
        "exposure_days": exposure_days(terms, now),
        "collectable": lawful.collectable_minor,
        "excluded": lawful.excluded_minor,
        "written_off": now.written_off,
        "legal_review": lawful.legal_review,
    }
    mine = {
        "prev": tuple(
            got[k]
            for k in (
                "dpd_prev",
                "ov_pen_prev",
                "ov_fee_prev",
                "ov_int_prev",
                "ov_prin_prev",
                "prin_out_prev",
            )
        ),
        "now": tuple(got[k] for k in ("dpd", "ov_pen", "ov_fee", "ov_int", "ov_prin", "prin_out")),
        "exposure_days": got["exposure_days"],
        "collectable": got["collectable"],
        "excluded": got["excluded"],
        "written_off": got["written_off"],
        "legal_review": got["legal_review"],
    }
    assert mine == want, (terms, evs, as_of, waterfall)
    assert np.int64(got["paid_30d"]) >= got["paid_today"]
