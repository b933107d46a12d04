"""Repayment schedules: equal instalment (等额本息), equal principal (等额本金), interest-only (先息后本), bullet, flat.

Conventions (see docs/ledger.md):

* **Due dates**: explicit ``due_dates`` win; otherwise every period is counted from ``first_due_date`` or, when
  it is not given, from ``start_date`` (the first due date is then one period after the start) (months keep the anchor's day, clamped to the month's end;
  semi-monthly dates alternate anchor-day / anchor-day + 15 days; weeks and days add 7·N / N days).
* **Interest per period**: ``periodic`` basis = annual rate / periods per year (the Chinese bank convention; every
  N days = annual × N / days-in-year); ``daily`` basis = annual rate × days / days-in-year, where days are actual or
  30/360-counted (``days_in_month`` = 30) and days-in-year is 360/364/365 or actual (each day over the length of its
  own year). Interest is rounded to the minor unit per period with the terms' rounding mode.
* **Equal instalment** uses the exact annuity for the period rates in force,
  ``A = B·Π(1+rₖ) / Σⱼ Πₖ₍ₖ>ⱼ₎(1+rₖ)``, which is the textbook ``B·r/(1-(1+r)^-n)`` for a constant rate. ``A`` is
  rounded to the minor unit (or to ``instalment_multiple``, nearest or up); the last instalment absorbs the difference
  so that principal sums exactly to what was disbursed.
* **Grace on principal**: the first N periods pay interest only; principal then amortises over the rest.
* **Tranches** (multi-disbursement, Fineract style): a tranche paid inside a period earns interest from its date
  (pro rata by days on the periodic basis); from that period on, the instalment is re-amortised over the remaining
  periods.
* **Fees**: per-period fees (fixed or % of the disbursed principal) go with every instalment; upfront fees collected
  ``with_instalments`` go with the first; fees ``deducted`` at disbursement never appear in the schedule (they
  reduce the amount the borrower receives, which ``cost`` accounts for).
"""

from __future__ import annotations

import calendar
import functools
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from faircollect.kit.money import Rounding, round_minor
from faircollect.ledger.types import (
    Disbursement,
    FeeBasis,
    FeeCollection,
    FeeKind,
    Frequency,
    FrequencyUnit,
    Instalment,
    InterestBasis,
    LoanTerms,
    Method,
    Schedule,
)

_ONE = Decimal(1)
_ZERO = Decimal(0)


# --- dates ----------------------------------------------------------------------------------------------------


def add_months(anchor: date, months: int) -> date:
    """``anchor`` moved by ``months`` calendar months, the day clamped to the target month's last day."""
    total = anchor.year * 12 + (anchor.month - 1) + months
    year, month = divmod(total, 12)
    month += 1
    if anchor.day <= 28:  # every month has the day: skip the calendar lookup (hot path)
        return date(year, month, anchor.day)
    return date(year, month, min(anchor.day, calendar.monthrange(year, month)[1]))


def nth_due_date(first: date, k: int, frequency: Frequency) -> date:
    """The ``k``-th (0-based) due date counted from the first due date ``first``."""
    unit, every = frequency.unit, frequency.every
    if unit is FrequencyUnit.MONTH:
        return add_months(first, k * every)
    if unit is FrequencyUnit.SEMI_MONTH:
        # Pairs per month: the anchor day, then 15 days later. ``every`` counts half-months.
        step = k * every
        base = add_months(first, step // 2)
        return base + timedelta(days=15) if step % 2 else base
    if unit is FrequencyUnit.WEEK:
        return first + timedelta(days=7 * every * k)
    return first + timedelta(days=every * k)


def one_period_after(start: date, frequency: Frequency) -> date:
    """The default first due date: one period after ``start``."""
    unit, every = frequency.unit, frequency.every
    if unit is FrequencyUnit.MONTH:
        return add_months(start, every)
    if unit is FrequencyUnit.SEMI_MONTH:
        return start + timedelta(days=15 * every)
    if unit is FrequencyUnit.WEEK:
        return start + timedelta(days=7 * every)
    return start + timedelta(days=every)


def due_dates(terms: LoanTerms) -> tuple[date, ...]:
    """Every due date of the loan, in order."""
    if terms.due_dates is not None:
        return terms.due_dates
    if terms.frequency.unit is FrequencyUnit.MONTH:  # the usual case, without a call per date
        if terms.first_due_date is None:
            return _monthly(terms.start_date, 1, terms.term, terms.frequency.every)
        return _monthly(terms.first_due_date, 0, terms.term, terms.frequency.every)
    if terms.first_due_date is None:
        # Count from the start date so that a 31st keeps falling on month ends (Jan 31 → Feb 28 → Mar 31).
        return tuple(nth_due_date(terms.start_date, k + 1, terms.frequency) for k in range(terms.term))
    return tuple(nth_due_date(terms.first_due_date, k, terms.frequency) for k in range(terms.term))


def _monthly(anchor: date, first: int, count: int, every: int) -> tuple[date, ...]:
    """``add_months(anchor, k * every)`` for k in first .. first + count - 1 (``nth_due_date`` of a monthly loan)."""
    base = anchor.year * 12 + anchor.month - 1
    day = anchor.day
    out = []
    for k in range(first, first + count):
        year, month = divmod(base + k * every, 12)
        month += 1
        out.append(
            date(year, month, day)
            if day <= 28
            else date(year, month, min(day, calendar.monthrange(year, month)[1]))
        )
    return tuple(out)


# --- day counts and rates -------------------------------------------------------------------------------------


def days_30_360(a: date, b: date) -> int:
    """30/360 (US/NASD style) day count: every month counts 30 days."""
    d1 = min(a.day, 30)
    d2 = b.day
    if d1 == 30 and d2 == 31:
        d2 = 30
    return (b.year - a.year) * 360 + (b.month - a.month) * 30 + (d2 - d1)


def day_count(terms: LoanTerms, a: date, b: date) -> int:
    """Days between ``a`` and ``b`` under the terms' days-in-month convention."""
    return days_30_360(a, b) if terms.days_in_month == 30 else (b - a).days


def year_fraction(terms: LoanTerms, a: date, b: date) -> Decimal:
    """The fraction of a year between ``a`` and ``b`` under the terms' day-count conventions."""
    if b <= a:
        return _ZERO
    if terms.days_in_month == 30:
        return Decimal(days_30_360(a, b)) / Decimal(terms.days_in_year or 360)
    if terms.days_in_year is not None:
        return Decimal((b - a).days) / Decimal(terms.days_in_year)
    # actual/actual: each day in (a, b] over the length of its own calendar year (as Apache Fineract counts).
    frac = _ZERO
    cur = a
    while cur < b:
        seg_end = min(b, date(cur.year, 12, 31))
        if seg_end == cur:  # cur is 31 December: the next days belong to the next year
            seg_end = min(b, date(cur.year + 1, 12, 31))
        frac += Decimal((seg_end - cur).days) / Decimal(366 if calendar.isleap(seg_end.year) else 365)
        cur = seg_end
    return frac


def periodic_rate(terms: LoanTerms) -> Decimal:
    """Annual rate / periods per year (every N days: annual × N / days-in-year)."""
    f = terms.frequency
    if f.unit is FrequencyUnit.DAY:
        return terms.annual_rate * Decimal(f.every) / Decimal(terms.days_in_year or 365)
    return terms.annual_rate / f.periods_per_year


def period_rate(terms: LoanTerms, a: date, b: date) -> Decimal:
    """The interest rate for the whole period ``(a, b]``."""
    if terms.interest_basis is InterestBasis.PERIODIC:
        return periodic_rate(terms)
    return terms.annual_rate * year_fraction(terms, a, b)


def partial_rate(terms: LoanTerms, a: date, b: date, since: date) -> Decimal:
    """The rate earned from ``since`` to ``b`` inside the period ``(a, b]`` (a tranche paid mid-period)."""
    if since <= a:
        return period_rate(terms, a, b)
    if terms.interest_basis is InterestBasis.PERIODIC:
        total = day_count(terms, a, b)
        return periodic_rate(terms) * Decimal(day_count(terms, since, b)) / Decimal(total) if total else _ZERO
    return terms.annual_rate * year_fraction(terms, since, b)


def annuity(balance: Decimal | int, rates: Sequence[Decimal]) -> Decimal:
    """The level payment that repays ``balance`` over periods with the given rates (unrounded)."""
    if not rates:
        return Decimal(balance)
    # Backward accumulation: S = Σ_j Π_{k>j}(1+r_k); P = Π(1+r_k).
    growth = _ONE
    s = _ZERO
    for r in reversed(rates):
        s += growth
        growth *= _ONE + r
    return Decimal(balance) * growth / s


def round_instalment(amount: Decimal, terms: LoanTerms) -> int:
    """Round an instalment to the minor unit, or to the terms' instalment multiple (nearest or up)."""
    m = terms.instalment_multiple_minor
    if m <= 1:
        return round_minor(amount, terms.rounding)
    mode = ROUND_CEILING if terms.instalment_rounding == "up" else ROUND_HALF_UP
    return int((amount / m).quantize(_ONE, rounding=mode)) * m


# --- fees -----------------------------------------------------------------------------------------------------


def fee_amount(terms: LoanTerms, basis: FeeBasis, amount_minor: int, rate: Decimal) -> int:
    if basis is FeeBasis.FIXED:
        return amount_minor
    return round_minor(Decimal(terms.principal_minor) * rate, terms.rounding)


def per_period_fees(terms: LoanTerms) -> int:
    """Fees collected with every instalment."""
    return sum(
        fee_amount(terms, f.basis, f.amount_minor, f.rate)
        for f in terms.fees
        if f.kind is FeeKind.PER_PERIOD and f.collection is FeeCollection.WITH_INSTALMENTS
    )


def upfront_fees_with_first(terms: LoanTerms) -> int:
    """Upfront fees added to the first instalment."""
    return sum(
        fee_amount(terms, f.basis, f.amount_minor, f.rate)
        for f in terms.fees
        if f.kind is FeeKind.UPFRONT and f.collection is FeeCollection.WITH_INSTALMENTS
    )


def deducted_fees(terms: LoanTerms) -> int:
    """Fees taken out of the disbursement (upfront) or out of each tranche's proceeds (per-period deducted fees
    are treated as deducted once per instalment at disbursement, i.e. prepaid)."""
    total = 0
    for f in terms.fees:
        if f.collection is FeeCollection.DEDUCTED:
            amt = fee_amount(terms, f.basis, f.amount_minor, f.rate)
            total += amt * (len(due_dates(terms)) if f.kind is FeeKind.PER_PERIOD else 1)
    return total


# --- the amortisation engine ----------------------------------------------------------------------------------


def amortise(
    terms: LoanTerms,
    *,
    dates: Sequence[date],
    period_start: date,
    balance: int,
    tranches: Sequence[Disbursement] = (),
    first_number: int = 1,
    grace_periods: int = 0,
    fixed_instalment: int | None = None,
    fixed_principal: int | None = None,
    flat_principal: int | None = None,
    fees_first: int = 0,
) -> list[Instalment]:
    """Amortise ``balance`` (plus later ``tranches``) over ``dates`` from ``period_start``.

    ``fixed_instalment`` (equal instalment) or ``fixed_principal`` (equal principal, flat) keeps a given level
    payment (prepayment that reduces the term: the schedule simply ends early). ``flat_principal`` is the principal flat interest is charged on (default: disbursed so far).
    """
    method = terms.method
    rounding = terms.rounding
    pending = sorted(tranches, key=lambda t: t.date)
    n = len(dates)
    if terms.interest_basis is InterestBasis.PERIODIC:
        rates = [periodic_rate(terms)] * n
    else:
        rates = []
        prev = period_start
        for d in dates:
            rates.append(period_rate(terms, prev, d))
            prev = d
    mode = Rounding(rounding).decimal_mode

    def rnd(x: Decimal) -> int:
        return int(x.quantize(_ONE, rounding=mode))

    fee_each = per_period_fees(terms)
    out: list[Instalment] = []
    emi: int | None = fixed_instalment
    level_principal: int | None = fixed_principal
    keep_level = fixed_instalment is not None or fixed_principal is not None
    recalc = not keep_level
    flat_base = flat_principal if flat_principal is not None else balance
    bullet_interest = 0
    prev = period_start
    ti = 0
    for idx, due in enumerate(dates):
        r = rates[idx]
        interest_dec = _ZERO
        # Tranches that start on or before this period's start earn the full period; mid-period ones pro rata.
        while ti < len(pending) and pending[ti].date < due:
            t = pending[ti]
            if t.date <= prev:
                balance += t.amount_minor
            else:
                interest_dec += Decimal(t.amount_minor) * partial_rate(terms, prev, due, t.date)
                balance += t.amount_minor
                interest_dec -= Decimal(t.amount_minor) * r  # offset: added to balance below at full rate
            flat_base += t.amount_minor if flat_principal is None else 0
            recalc = not keep_level
            ti += 1
        last = idx == n - 1
        if last:
            # Money lent on or after the last due date (TERMS.json refuses it; a booked tranche may still be late)
            # earns nothing here but is repaid with the last instalment: principal always sums to what was lent.
            for t in pending[ti:]:
                balance += t.amount_minor
                flat_base += t.amount_minor if flat_principal is None else 0
            ti = len(pending)
        interest_dec += Decimal(balance) * r
        interest = rnd(Decimal(flat_base) * r) if method is Method.FLAT else rnd(interest_dec)
        in_grace = idx < grace_periods
        principal = 0
        if method is Method.EQUAL_INSTALMENT:
            if last:
                principal = balance
            elif not in_grace:
                if recalc or emi is None:
                    emi = round_instalment(annuity(balance, rates[idx:]), terms)
                    recalc = False
                principal = min(max(emi - interest, 0), balance)
        elif method is Method.EQUAL_PRINCIPAL or method is Method.FLAT:
            if last:
                principal = balance
            elif not in_grace:
                if recalc or level_principal is None:
                    level_principal = rnd(Decimal(balance) / Decimal(n - idx))
                    recalc = False
                principal = min(level_principal, balance)
                if method is Method.FLAT and terms.instalment_multiple_minor > 1:
                    total = round_instalment(Decimal(principal + interest), terms)
                    principal = min(max(total - interest, 0), balance)
        elif method is Method.INTEREST_ONLY:
            principal = balance if last else 0
        elif method is Method.BULLET:
            bullet_interest += interest
            if not last:
                prev = due
                continue
            interest = bullet_interest
            principal = balance
        balance -= principal
        number = first_number + len(out)
        fees = fee_each * (n if method is Method.BULLET else 1) + (fees_first if not out else 0)
        out.append(Instalment(number, due, principal, interest, fees, balance))
        prev = due
        if keep_level and balance == 0:
            break  # reduce-term prepayment: the loan ends early
    return out


@functools.lru_cache(maxsize=4096)
def build_schedule(terms: LoanTerms) -> Schedule:
    """The repayment schedule for ``terms``; principal sums exactly to the disbursed amount.

    Pure and immutable in and out, so it is memoised: the cost-cap check and the replay of one loan (and loans
    with equal terms) build the schedule once."""
    dates = due_dates(terms)
    opening = sum(d.amount_minor for d in terms.disbursements if d.date <= terms.start_date)
    later_tranches = [d for d in terms.disbursements if d.date > terms.start_date]
    instalments = amortise(
        terms,
        dates=dates,
        period_start=terms.start_date,
        balance=opening,
        tranches=later_tranches,
        grace_periods=terms.grace_on_principal,
        fees_first=upfront_fees_with_first(terms),
    )
    return Schedule(terms.currency, tuple(instalments))


def naive_equal_instalment(terms: LoanTerms) -> Schedule:
    """Baseline for the benchmark: the textbook 等额本息 loop recomputing ``(1+r)^n`` with Decimal powers each
    period (no fees, tranches or grace). Same results as ``build_schedule`` for plain periodic loans."""
    dates = due_dates(terms)
    r = periodic_rate(terms)
    balance = terms.principal_minor
    n = len(dates)
    out = []
    for idx, due in enumerate(dates):
        remaining = n - idx
        payment = (
            Decimal(terms.principal_minor) * r * (_ONE + r) ** n / ((_ONE + r) ** n - _ONE)
            if r
            else Decimal(terms.principal_minor) / n
        )
        emi = round_minor(payment, Rounding(terms.rounding))
        interest = round_minor(Decimal(balance) * r, Rounding(terms.rounding))
        principal = balance if remaining == 1 else min(emi - interest, balance)
        balance -= principal
        out.append(Instalment(idx + 1, due, principal, interest, 0, balance))
    return Schedule(terms.currency, tuple(out))
