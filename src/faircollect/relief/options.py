"""The relief options a borrower may choose, from the lender's policy data (``policy.yaml``) — pure functions.

``relief_options`` turns what is owed, the borrower's income and expenditure and the policy for the loan's product
and jurisdiction into options, each with its new schedule version, its total cost and how fees and interest are
treated, and whether it is within what the lender approves automatically (else a supervisor reviews it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_CEILING, Decimal
from functools import cache
from pathlib import Path
from typing import Any, Final

import yaml

from faircollect.kit.errors import ValidationError
from faircollect.ledger.schedule import add_months
from faircollect.ledger.types import Restructure, Waiver
from faircollect.relief.plans import Owed, equal_plan, plan_total, settlement_plan

POLICY_FILE: Final = Path(__file__).with_name("policy.yaml")
REASONS: Final = ("illness", "job_loss", "income_fall", "disaster", "care_duties", "other")
#: Reasons that open the help panel and put a short care pause on contact by themselves.
DISTRESS_REASONS: Final = frozenset({"illness", "disaster"})
KINDS: Final = ("instalment_plan", "deferment", "settlement", "breathing_space")
MIN_GRACE_DAYS: Final = 3  # 容时 "一般不少于3天"


@cache
def _policies() -> dict[str, Any]:
    with POLICY_FILE.open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.safe_load(fh)
    return data


@dataclass(frozen=True)
class Policy:
    jurisdiction: str
    product: str | None
    rules: dict[str, Any]
    sources: dict[str, str]

    def part(self, name: str) -> dict[str, Any] | None:
        value = self.rules.get(name)
        return dict(value) if isinstance(value, dict) else None

    @property
    def grace_days(self) -> int:
        return int(self.rules["grace_days"])

    @property
    def tolerance_minor(self) -> int:
        return int(self.rules["tolerance_minor"])

    @property
    def missed_appended(self) -> int:
        return int(self.rules["missed_instalments_appended"])

    @property
    def care_pause_days(self) -> int:
        return int(self.rules["care_pause_days"])


def load_policy(jurisdiction: str, product: str | None) -> Policy:
    """The policy for a product in a jurisdiction: the jurisdiction's default, product overrides merged per part."""
    data = _policies()
    if jurisdiction not in data:
        raise ValidationError(f"no relief policy for jurisdiction {jurisdiction!r}", field="jurisdiction")
    j = data[jurisdiction]
    rules = dict(j["default"])
    for part, override in (j.get("products") or {}).get(product or "", {}).items():
        rules[part] = {**(rules.get(part) or {}), **override} if isinstance(override, dict) else override
    if int(rules["grace_days"]) < MIN_GRACE_DAYS:
        raise ValidationError(f"容时 grace must be at least {MIN_GRACE_DAYS} days", field="grace_days")
    return Policy(jurisdiction, product, rules, dict(j.get("sources") or {}))


@dataclass(frozen=True)
class Option:
    """One way out, priced. ``plan`` is the new schedule version (None for a breathing space)."""

    kind: str
    months: int
    plan: Restructure | None
    waivers: tuple[Waiver, ...] = ()
    pause_days: int = 0
    within_policy: bool = True  # approved automatically when chosen
    allowed: bool = True  # False: beyond the policy's hard limit (shown, cannot be chosen)
    notes: tuple[str, ...] = field(default_factory=tuple)  # codes the page explains (see portal templates)
    #: How much the largest instalment exceeds what the borrower said they can spare a month (0: affordable).
    shortfall_minor: int = 0

    @property
    def total_minor(self) -> int:
        return plan_total(self.plan) if self.plan else 0

    @property
    def first_instalment_minor(self) -> int:
        return self.plan.instalments[0].total_minor if self.plan else 0

    @property
    def waived_minor(self) -> int:
        return sum(w.amount_minor for w in self.waivers)


def _rate(value: Any, contract_rate: Decimal) -> Decimal:
    return contract_rate if value == "contract" else Decimal(str(value))


def months_to_afford(total_minor: int, surplus_minor: int) -> int | None:
    """Months needed to repay ``total`` from a monthly surplus (None when nothing is left over)."""
    if surplus_minor <= 0:
        return None
    return int((Decimal(total_minor) / Decimal(surplus_minor)).to_integral_value(rounding=ROUND_CEILING))


def max_instalment(plan: Restructure) -> int:
    return max(i.total_minor for i in plan.instalments)


def affordable_plan(
    build: Callable[[int], Restructure], surplus_minor: int, lo: int, hi: int, total_minor: int
) -> tuple[int, Restructure] | None:
    """The shortest plan of ``lo … hi`` months whose every instalment — the plan's own interest included — is at
    most ``surplus_minor``; None when even the longest allowed plan asks more. ``build(n)`` makes the n-month plan.

    Every instalment is checked on the plan itself (rounding, the remainder on the last instalment, a longer first
    period's interest), not estimated: a plan of n months pays at least ``total_minor``, so none shorter than
    ``total / surplus`` months can fit and the search starts there.
    """
    if surplus_minor <= 0:
        return None
    start = max(lo, months_to_afford(total_minor, surplus_minor) or lo)
    for n in range(start, hi + 1):
        plan = build(n)
        if max_instalment(plan) <= surplus_minor:
            return n, plan
    return None


def deferment_limit_months(term_months: int, rules: dict[str, Any]) -> int:
    """贷款通则 art. 12: short-term ≤ the original term; medium-term ≤ half of it; long-term ≤ 3 years."""
    if term_months <= 12:
        return int(Decimal(term_months) * Decimal(str(rules["max_months_short_term_fraction"])))
    if term_months <= 60:
        return int(Decimal(term_months) * Decimal(str(rules["max_months_medium_term_fraction"])))
    return int(rules["max_months_long_term"])


def relief_options(
    owed: Owed,
    policy: Policy,
    *,
    income_minor: int,
    expenditure_minor: int,
    contract_rate: Decimal,
    term_months: int,
    remaining_instalments: int,
    deferred_months_so_far: int = 0,
    version: int,
    key: str,
    requested_months: int | None = None,
    deferment_months: int | None = None,
) -> list[Option]:
    """Every option the policy knows for this loan, priced on ``owed`` (see the module docstring)."""
    if income_minor < 0 or expenditure_minor < 0:
        raise ValidationError("income and expenditure cannot be negative", field="income")
    if owed.total <= 0:
        return []
    out: list[Option] = []
    first_due = add_months(owed.on, 1)
    plan_rules = policy.part("instalment_plan")
    if plan_rules:
        lo, hi, auto = (
            int(plan_rules["min_months"]),
            int(plan_rules["max_months"]),
            int(plan_rules["auto_approve_max_months"]),
        )
        rate = _rate(plan_rules["annual_rate"], contract_rate)
        penalty = bool(plan_rules["penalty_during_plan"])
        surplus = income_minor - expenditure_minor
        notes = ["interest_stops" if rate == 0 else "plan_interest"]
        notes.append("no_penalty" if not penalty else "penalty_continues")

        def build(n: int) -> Restructure:
            return equal_plan(
                owed,
                key=key,
                version=version,
                months=n,
                first_due=first_due,
                annual_rate=rate,
                penalty=penalty,
            )

        sized = affordable_plan(build, surplus, lo, hi, owed.total)
        if surplus <= 0:
            notes.append("no_surplus")
        elif sized is None:
            notes.append("unaffordable_at_max")
        if requested_months:  # the borrower's own choice, within the limits (its gap is stated: shortfall)
            months = max(lo, min(requested_months, hi))
            plan = sized[1] if sized and sized[0] == months else build(months)
        elif sized is not None:
            months, plan = sized
        else:
            months, plan = hi, build(hi)
        shortfall = max(0, max_instalment(plan) - max(surplus, 0))
        within = months <= auto and "unaffordable_at_max" not in notes
        out.append(
            Option(
                "instalment_plan",
                months,
                plan,
                within_policy=within,
                notes=tuple(notes),
                shortfall_minor=shortfall,
            )
        )
    defer_rules = policy.part("deferment")
    if defer_rules:
        limit = deferment_limit_months(term_months, defer_rules) - deferred_months_so_far
        d = deferment_months or min(int(defer_rules["auto_approve_max_months"]), max(limit, 1))
        n = max(1, remaining_instalments)
        plan = equal_plan(
            owed,
            key=key,
            version=version,
            months=n,
            first_due=add_months(owed.on, d + 1),
            annual_rate=_rate(defer_rules["annual_rate"], contract_rate),
            penalty=False,
        )
        out.append(
            Option(
                "deferment",
                d,
                plan,
                within_policy=d <= int(defer_rules["auto_approve_max_months"]) and d <= limit,
                allowed=1 <= d <= limit,
                notes=("contract_interest", "no_penalty", f"limit:{max(limit, 0)}"),
            )
        )
    settle_rules = policy.part("settlement")
    if settle_rules and owed.charges > 0:
        share = Decimal(str(settle_rules["auto_approve_max_waiver_share"]))
        waiver = int(Decimal(owed.charges) * share)
        waivers, plan = settlement_plan(
            owed,
            key=key,
            version=version,
            waiver_minor=waiver,
            pay_within_days=int(settle_rules["pay_within_days"]),
        )
        out.append(Option("settlement", 1, plan, tuple(waivers), notes=("waiver", "one_payment")))
    space = policy.part("breathing_space")
    if space:
        out.append(
            Option(
                "breathing_space",
                0,
                None,
                pause_days=int(space["days"]),
                notes=("contact_stops", "no_penalty"),
            )
        )
    return out


def plan_first_due(on: date) -> date:
    return add_months(on, 1)
