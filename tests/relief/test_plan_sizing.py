"""Instalment-plan sizing counts the plan's own interest: every instalment of an offered plan is within what the
borrower said they can spare, and when no plan within the policy's limits is, the option says so."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from faircollect.relief.options import Option, load_policy, relief_options
from faircollect.relief.plans import Owed

ON = date(2026, 5, 31)


def _plan_option(owed: Owed, *, surplus: int, product: str | None = "business-6m", **kw: object) -> Option:
    options = relief_options(
        owed,
        load_policy("CN", product),
        income_minor=max(surplus, 0) + 400_000,
        expenditure_minor=400_000 - min(surplus, 0),
        contract_rate=Decimal("0.12"),
        term_months=6,
        remaining_instalments=1,
        version=2,
        key="t",
        **kw,  # type: ignore[arg-type]
    )
    return next(o for o in options if o.kind == "instalment_plan")


def test_demo_l0035_first_instalment_fits_the_1000_a_month_the_borrower_can_spare() -> None:
    # DEMO-L0035 on 2026-05-31 (business-6m, plan rate 6%): ¥12,200 principal + ¥122 interest, ¥1,000 a month
    # to spare. Sizing on the balance alone gave 13 months and a first instalment of ¥1,008.
    owed = Owed(ON, principal=1_220_000, interest=12_200, fees=0, penalty=0)
    opt = _plan_option(owed, surplus=100_000)
    assert opt.plan is not None
    assert max(i.total_minor for i in opt.plan.instalments) <= 100_000
    assert opt.months == 14 and opt.shortfall_minor == 0
    assert "unaffordable_at_max" not in opt.notes


def test_when_no_plan_within_the_limits_fits_it_is_flagged_with_the_gap() -> None:
    owed = Owed(ON, principal=5_000_000, interest=0, fees=0, penalty=0)
    opt = _plan_option(owed, surplus=100_000)  # 36 months at most for this product: ¥1,389+ a month
    assert opt.plan is not None and opt.months == 36
    assert "unaffordable_at_max" in opt.notes and not opt.within_policy
    assert opt.shortfall_minor == max(i.total_minor for i in opt.plan.instalments) - 100_000 > 0


def test_a_requested_length_is_kept_and_its_gap_stated() -> None:
    owed = Owed(ON, principal=1_220_000, interest=12_200, fees=0, penalty=0)
    opt = _plan_option(owed, surplus=100_000, requested_months=6)
    assert opt.months == 6 and opt.plan is not None
    assert opt.shortfall_minor == max(i.total_minor for i in opt.plan.instalments) - 100_000 > 0
    assert "unaffordable_at_max" not in opt.notes  # a 14-month plan would fit


def _expected_plan_interest(owed: Owed, principal_parts: list[int], first_due: date, rate: Decimal) -> int:
    """The plan's own interest, recomputed: on the declining principal, the first period by days (from the plan's
    start to the first due date), the later ones a month each, each rounded half up to the minor unit."""
    balance, total = owed.principal, 0
    for k, part in enumerate(principal_parts):
        if k == 0:
            raw = Decimal(balance) * rate * (first_due - owed.on).days / 365
        else:
            raw = Decimal(balance) * rate / 12
        total += int(raw.quantize(Decimal(1), rounding=ROUND_HALF_UP))
        balance -= part
    return total


@settings(max_examples=300)
@given(
    principal=st.integers(0, 50_000_000),
    interest=st.integers(0, 500_000),
    fees=st.integers(0, 200_000),
    penalty=st.integers(0, 500_000),
    surplus=st.integers(-50_000, 3_000_000),
    product=st.sampled_from([None, "business-6m"]),  # plan rate 0 (停息) and 6%
    day=st.integers(1, 31),
)
def test_every_offered_plan_is_affordable_and_sums_to_what_is_owed_plus_its_interest(
    principal: int, interest: int, fees: int, penalty: int, surplus: int, product: str | None, day: int
) -> None:
    on = date(2026, 1, day)
    owed = Owed(on, principal, interest, fees, penalty)
    if owed.total == 0:
        return
    opt = _plan_option(owed, surplus=surplus, product=product)
    plan = opt.plan
    assert plan is not None
    rules = load_policy("CN", product).rules["instalment_plan"]
    lo, hi, rate = int(rules["min_months"]), int(rules["max_months"]), Decimal(str(rules["annual_rate"]))
    assert lo <= opt.months <= hi and len(plan.instalments) == opt.months
    largest = max(i.total_minor for i in plan.instalments)
    infeasible = {"no_surplus", "unaffordable_at_max"} & set(opt.notes)
    if not infeasible:  # offered as affordable: every instalment, its interest included, within the surplus
        assert largest <= surplus and opt.shortfall_minor == 0
    else:  # honest: not auto-approved, the gap stated, and truly no plan within the limits fits
        assert not opt.within_policy and opt.months == hi
        assert opt.shortfall_minor == largest - max(surplus, 0) > 0
    # exact sums: the principal and carried charges move whole; interest = carried + the plan's own
    parts = [i.principal_minor for i in plan.instalments]
    assert sum(parts) == owed.principal
    assert sum(i.fees_minor for i in plan.instalments) == owed.fees
    assert sum(i.penalty_minor for i in plan.instalments) == owed.penalty
    plan_interest = _expected_plan_interest(owed, parts, plan.instalments[0].due_date, rate)
    assert sum(i.interest_minor for i in plan.instalments) == owed.interest + plan_interest
    assert sum(i.total_minor for i in plan.instalments) == owed.total + plan_interest
    assert opt.total_minor == owed.total + plan_interest


@settings(max_examples=60)
@given(
    principal=st.integers(100_000, 20_000_000),
    surplus=st.integers(1, 1_000_000),
    product=st.sampled_from([None, "business-6m"]),
)
def test_the_chosen_length_is_the_shortest_that_fits_and_a_flag_means_none_fits(
    principal: int, surplus: int, product: str | None
) -> None:
    from faircollect.ledger.schedule import add_months
    from faircollect.relief.plans import equal_plan

    owed = Owed(ON, principal, 10_000, 0, 0)
    opt = _plan_option(owed, surplus=surplus, product=product)
    rules = load_policy("CN", product).rules["instalment_plan"]
    lo, hi, rate = int(rules["min_months"]), int(rules["max_months"]), Decimal(str(rules["annual_rate"]))

    def fits(n: int) -> bool:
        p = equal_plan(owed, key="t", version=2, months=n, first_due=add_months(ON, 1), annual_rate=rate)
        return max(i.total_minor for i in p.instalments) <= surplus

    fitting = [n for n in range(lo, hi + 1) if fits(n)]
    if fitting:
        assert opt.months == fitting[0] and "unaffordable_at_max" not in opt.notes
    else:
        assert "unaffordable_at_max" in opt.notes and opt.months == hi
