"""Relief plans as pure functions: what is owed on a date, and the new schedule version each option makes.

Every option ends as a ``ledger.types.Restructure`` (a new schedule version the replay switches to), plus the
waivers it needs booked before it on the same day. The figures shown to the borrower (instalment, total cost,
what happens to fees and interest) are read from that same object, so what is signed is what is booked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from faircollect.kit.errors import ValidationError
from faircollect.ledger.schedule import add_months
from faircollect.ledger.types import Component, LoanState, PlanInstalment, Restructure, Waiver


@dataclass(frozen=True, slots=True)
class Owed:
    """What moves to a plan on ``on``: all unpaid principal and penalty, the interest and fees already due."""

    on: date
    principal: int
    interest: int
    fees: int
    penalty: int

    @property
    def charges(self) -> int:
        return self.interest + self.fees + self.penalty

    @property
    def total(self) -> int:
        return self.principal + self.charges


def owed_on(state: LoanState, on: date) -> Owed:
    """The amounts a restructure on ``on`` must carry, from the loan's replayed state on that date."""
    if state.as_of != on:
        raise ValidationError(f"the state is as of {state.as_of}, not {on}", field="as_of")
    principal = interest = fees = penalty = 0
    for inst in state.instalments:
        principal += inst.outstanding(Component.PRINCIPAL)
        penalty += inst.outstanding(Component.PENALTY)
        if inst.due_date <= on:
            interest += inst.outstanding(Component.INTEREST)
            fees += inst.outstanding(Component.FEES)
    return Owed(on, principal, interest, fees, penalty)


def _split(total: int, n: int) -> list[int]:
    """``total`` in ``n`` near-equal parts, the remainder on the last (never negative)."""
    base = total // n
    parts = [base] * n
    parts[-1] += total - base * n
    return parts


def _monthly_interest(balance: int, annual_rate: Decimal) -> int:
    return int((Decimal(balance) * annual_rate / 12).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def equal_plan(
    owed: Owed,
    *,
    key: str,
    version: int,
    months: int,
    first_due: date,
    annual_rate: Decimal = Decimal(0),
    penalty: bool = False,
) -> Restructure:
    """``months`` monthly instalments from ``first_due``: principal and the carried charges in equal parts, plus
    interest at ``annual_rate`` a year on the declining principal (0: interest stops, 停息)."""
    if months < 1:
        raise ValidationError("a plan needs at least one instalment", field="months")
    if first_due <= owed.on:
        raise ValidationError("the first instalment must fall after the plan starts", field="first_due")
    principal = _split(owed.principal, months)
    carried = {c: _split(v, months) for c, v in (("i", owed.interest), ("f", owed.fees), ("p", owed.penalty))}
    balance = owed.principal
    rows = []
    for k in range(months):
        # The first period runs from the plan's start to the first due date; later ones are a month each.
        if k == 0:
            days = (first_due - owed.on).days
            plan_interest = int(
                (Decimal(balance) * annual_rate * days / 365).quantize(Decimal(1), rounding=ROUND_HALF_UP)
            )
        else:
            plan_interest = _monthly_interest(balance, annual_rate)
        rows.append(
            PlanInstalment(
                add_months(first_due, k),
                principal[k],
                carried["i"][k] + plan_interest,
                carried["f"][k],
                carried["p"][k],
            )
        )
        balance -= principal[k]
    return Restructure(key, owed.on, version, tuple(rows), penalty)


def settlement_waivers(owed: Owed, waiver_minor: int, *, key: str) -> list[Waiver]:
    """Waivers of ``waiver_minor`` of the charges, penalty first, then fees, then interest (never principal)."""
    if waiver_minor < 0 or waiver_minor > owed.charges:
        raise ValidationError(
            f"a waiver of {waiver_minor} is outside 0 … {owed.charges} (the charges owed)", field="waiver"
        )
    out: list[Waiver] = []
    left = waiver_minor
    for comp, amount in (
        (Component.PENALTY, owed.penalty),
        (Component.FEES, owed.fees),
        (Component.INTEREST, owed.interest),
    ):
        take = min(left, amount)
        if take:
            out.append(Waiver(f"{key}-waive-{comp.value}", owed.on, comp, take))
            left -= take
    return out


def after_waivers(owed: Owed, waivers: list[Waiver]) -> Owed:
    by = {w.component: w.amount_minor for w in waivers}
    return Owed(
        owed.on,
        owed.principal,
        owed.interest - by.get(Component.INTEREST, 0),
        owed.fees - by.get(Component.FEES, 0),
        owed.penalty - by.get(Component.PENALTY, 0),
    )


def settlement_plan(
    owed: Owed, *, key: str, version: int, waiver_minor: int, pay_within_days: int = 14
) -> tuple[list[Waiver], Restructure]:
    """A one-off settlement: the waivers, then one instalment of the rest due within ``pay_within_days``."""
    waivers = settlement_waivers(owed, waiver_minor, key=key)
    rest = after_waivers(owed, waivers)
    plan = equal_plan(
        rest, key=key, version=version, months=1, first_due=owed.on + timedelta(days=pay_within_days)
    )
    return waivers, plan


def plan_total(plan: Restructure) -> int:
    return sum(i.total_minor for i in plan.instalments)
