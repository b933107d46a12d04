"""Accrual: contract interest accrued to a date, penalty interest (罚息) on overdue principal, and pause-aware
day counting.

Conventions (docs/ledger.md):

* Day arithmetic is on half-open day ranges ``(a, b]``: the days after ``a`` up to and including ``b``.
* A delinquency pause ``[start, end]`` removes its days from days past due and from penalty accrual.
* Penalty interest accrues on an instalment's unpaid principal for each (unpaused) day after its due date plus the
  penalty grace days; the daily rate is ``annual_rate × multiple / days-in-year`` (``days_in_year`` of the terms, or
  360 when the terms use actual days — the Chinese 日利率 = 年利率 / 360 convention) or the contract's daily rate.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from faircollect.kit.money import round_minor
from faircollect.ledger.schedule import period_rate
from faircollect.ledger.types import LoanTerms, Pause, PenaltyBasis, Schedule

_ONE_DAY = timedelta(days=1)


def merge_pauses(pauses: Iterable[Pause]) -> tuple[tuple[date, date], ...]:
    """Pauses as sorted, non-overlapping inclusive ``(start, end)`` ranges."""
    ranges = sorted((p.start, p.end) for p in pauses)
    merged: list[tuple[date, date]] = []
    for start, end in ranges:
        if merged and start <= merged[-1][1] + _ONE_DAY:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return tuple(merged)


def paused_days(a: date, b: date, merged: Sequence[tuple[date, date]]) -> int:
    """How many days in ``(a, b]`` fall inside a pause (``merged`` from ``merge_pauses``)."""
    if b <= a:
        return 0
    total = 0
    lo = a + _ONE_DAY
    for start, end in merged:
        if end < lo:
            continue
        if start > b:
            break
        total += (min(end, b) - max(start, lo)).days + 1
    return total


def unpaused_days(a: date, b: date, merged: Sequence[tuple[date, date]]) -> int:
    """Days in ``(a, b]`` that count (not paused)."""
    if b <= a:
        return 0
    return (b - a).days - paused_days(a, b, merged)


def penalty_daily_rate(terms: LoanTerms) -> Decimal:
    """The daily penalty rate (罚息日利率) applied to overdue principal."""
    rule = terms.penalty
    if rule.basis is PenaltyBasis.DAILY_RATE:
        return rule.daily_rate
    return terms.annual_rate * rule.multiple / Decimal(terms.days_in_year or 360)


def penalty_daily_rate_exact(terms: LoanTerms) -> Fraction:
    """``penalty_daily_rate`` as an exact fraction (e.g. 15.4% × 1.5 / 360 does not terminate in decimals)."""
    rule = terms.penalty
    if rule.basis is PenaltyBasis.DAILY_RATE:
        return _exact_daily_rate(rule.daily_rate)
    return _exact_contract_rate(terms.annual_rate, rule.multiple, terms.days_in_year or 360)


#: Remembered (pure; Fractions are immutable): a book's loans share a few rates, and every replay asks.
@functools.lru_cache(maxsize=1024)
def _exact_daily_rate(daily_rate: Decimal) -> Fraction:
    return Fraction(daily_rate)


@functools.lru_cache(maxsize=1024)
def _exact_contract_rate(annual_rate: Decimal, multiple: Decimal, days_in_year: int) -> Fraction:
    return Fraction(annual_rate) * Fraction(multiple) / days_in_year


def penalty_interest(principal_minor: int, days: int, terms: LoanTerms) -> Decimal:
    """Unrounded penalty interest on ``principal_minor`` for ``days`` days (rounded when it falls due)."""
    return Decimal(principal_minor) * Decimal(days) * penalty_daily_rate(terms)


def accrued_interest(terms: LoanTerms, schedule: Schedule, as_of: date) -> int:
    """Contract interest accrued but not yet due on ``as_of``: the current period's interest pro rata by days."""
    prev = terms.start_date
    for inst in schedule.instalments:
        if as_of < inst.due_date:
            if as_of <= prev:
                return 0
            whole = period_rate(terms, prev, inst.due_date)
            if whole == 0:
                return 0
            # Pro rata by actual days of the period elapsed.
            elapsed = Decimal((as_of - prev).days) / Decimal((inst.due_date - prev).days)
            return round_minor(Decimal(inst.interest_minor) * elapsed, terms.rounding)
        prev = inst.due_date
    return 0
