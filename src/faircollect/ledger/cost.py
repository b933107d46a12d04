"""Cost of credit: IRR per unit period, nominal annual (单利法: IRR × periods per year), effective annual, and the US
Regulation Z Appendix J APR (actuarial method).

Time is measured as Appendix J (12 CFR 1026, App. J (b)(3)–(5)) says: from the beginning of the term (the first
advance) to each advance or payment, count **full unit-periods back from the later date**, then the **remaining
fractional unit-period** forward from the earlier date — days ÷ 30 for monthly units (÷ 30·N for N-month units,
leftover whole months counting 30 days each), days ÷ 15 for semi-months, days ÷ 7·N for N-week units, days ÷ N for
N-day units, days ÷ 365 for years. All months are equal; a payment on a month's last day is measured last day to
last day. The general equation (b)(8) is then solved for the unit-period rate ``i``::

    Σ Aₖ / ((1 + fₖ·i)(1 + i)^tₖ) = Σ Pⱼ / ((1 + fⱼ·i)(1 + i)^tⱼ)

by safeguarded Newton iteration in ``Decimal`` (never float). APR = ``i`` × unit-periods per year, stated as a
percentage to two decimal places (Appendix J (b)(9) and its examples give the APR "correct to two decimal
places"), rounded half up.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any

from faircollect.kit.errors import ValidationError
from faircollect.kit.money import check_currency, format_minor, to_minor
from faircollect.kit.time import parse_date
from faircollect.ledger.schedule import add_months

_ZERO = Decimal(0)
_ONE = Decimal(1)


@dataclass(frozen=True, slots=True)
class UnitPeriod:
    """A unit-period: ``kind`` in month | semimonth | week | day | year, ``n`` of them."""

    kind: str
    n: int = 1

    @property
    def per_year(self) -> Decimal:
        base = {"month": 12, "semimonth": 24, "week": 52, "day": 365, "year": 1}[self.kind]
        return Decimal(base) / Decimal(self.n)

    @property
    def label(self) -> str:
        names = {
            ("month", 1): "month",
            ("semimonth", 1): "semimonth",
            ("week", 1): "week",
            ("week", 2): "2weeks",
            ("week", 4): "4weeks",
            ("month", 2): "2months",
            ("month", 3): "quarter",
            ("year", 1): "year",
        }
        if (self.kind, self.n) in names:
            return names[(self.kind, self.n)]
        return {"month": "months", "week": "weeks", "day": "days"}[self.kind] + f":{self.n}"


_UNIT_NAMES = {
    "month": UnitPeriod("month"),
    "semimonth": UnitPeriod("semimonth"),
    "week": UnitPeriod("week"),
    "2weeks": UnitPeriod("week", 2),
    "4weeks": UnitPeriod("week", 4),
    "2months": UnitPeriod("month", 2),
    "quarter": UnitPeriod("month", 3),
    "year": UnitPeriod("year"),
}


def parse_unit_period(text: Any, *, field: str = "unit_period") -> UnitPeriod:
    """``month|semimonth|week|2weeks|4weeks|2months|quarter|year|days:N`` (also ``months:N``, ``weeks:N``), or
    any frequency TERMS.json accepts (``monthly``, ``biweekly``, ``every_n_days:N`` …), so the loan's own
    frequency can be given as it is."""
    from faircollect.ledger.terms_json import parse_frequency
    from faircollect.ledger.types import FrequencyUnit

    raw = str(text).strip().lower() if isinstance(text, str) else ""
    if raw in _UNIT_NAMES:
        return _UNIT_NAMES[raw]
    head, sep, tail = raw.partition(":")
    kinds = {"days": "day", "weeks": "week", "months": "month"}
    if sep and head in kinds and tail.isdigit() and int(tail) >= 1:
        return UnitPeriod(kinds[head], int(tail))
    try:
        freq = parse_frequency(text, where="flows", name=field)
    except ValidationError:
        raise ValidationError(
            f"unknown unit period {text!r}; expected month|semimonth|week|2weeks|4weeks|2months|quarter|year|"
            "days:N, or a TERMS.json frequency (monthly, biweekly, quarterly, every_n_days:N …)",
            field=field,
        ) from None
    kind = {
        FrequencyUnit.MONTH: "month",
        FrequencyUnit.SEMI_MONTH: "semimonth",
        FrequencyUnit.WEEK: "week",
        FrequencyUnit.DAY: "day",
    }[freq.unit]
    if kind == "semimonth" and freq.every != 1:
        raise ValidationError(f"unit period {text!r}: only one semimonth per unit", field=field)
    return UnitPeriod(kind, freq.every)


# --- Appendix J time measurement ------------------------------------------------------------------------------


def _is_month_end(d: date) -> bool:
    return d.day == calendar.monthrange(d.year, d.month)[1]


def _back(d: date, months: int) -> date:
    """``d`` moved back ``months`` months; a month-end date stays on month ends (App. J (b)(3)(iv))."""
    moved = add_months(d, -months)
    if _is_month_end(d):
        return moved.replace(day=calendar.monthrange(moved.year, moved.month)[1])
    return moved


def _full_months_back(start: date, d: date) -> int:
    """The largest k with ``_back(d, k) >= start``."""
    k = (d.year - start.year) * 12 + (d.month - start.month)
    k = max(k, 0)
    while k > 0 and _back(d, k) < start:
        k -= 1
    return k


def unit_periods(start: date, d: date, unit: UnitPeriod) -> tuple[int, Decimal]:
    """(full unit-periods t, fractional unit-period f) from ``start`` to ``d`` per Appendix J (b)(5)."""
    if d < start:
        raise ValidationError(f"{d} is before the beginning of the term {start}", field="date")
    if unit.kind in ("week", "day"):
        length = unit.n * (7 if unit.kind == "week" else 1)
        days = (d - start).days
        return days // length, Decimal(days % length) / Decimal(length)
    if unit.kind == "year":
        k = _full_months_back(start, d) // 12
        return k, Decimal((_back(d, 12 * k) - start).days) / Decimal(365)
    k = _full_months_back(start, d)
    odd_days = (_back(d, k) - start).days
    if unit.kind == "semimonth":
        t = 2 * k
        if odd_days >= 15:
            t, odd_days = t + 1, odd_days - 15
        return t, Decimal(odd_days) / Decimal(15)
    t, left_months = divmod(k, unit.n)
    return t, Decimal(left_months * 30 + odd_days) / Decimal(30 * unit.n)


# --- solving ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Flow:
    date: date
    amount_minor: int


@dataclass(frozen=True, slots=True)
class CostResult:
    """Cost of credit of one set of flows. Rates are fractions (0.0969 = 9.69 %)."""

    unit_period: UnitPeriod
    irr_per_period: Decimal
    annual_nominal: Decimal  # irr × unit-periods per year (单利法 / App. J APR before rounding)
    annual_effective: Decimal  # (1 + irr)^(periods per year) − 1
    apr_regz: Decimal  # annual_nominal as a percentage rounded to 2 decimals, as a fraction (0.0969)
    finance_charge_minor: int

    @property
    def apr_regz_percent(self) -> str:
        return str((self.apr_regz * 100).quantize(Decimal("0.01")))


def _npv(i: Decimal, terms: Sequence[tuple[Decimal, int, Decimal]]) -> tuple[Decimal, Decimal]:
    """Σ amount / ((1+f i)(1+i)^t) and its derivative in i (amounts signed: payments +, advances −)."""
    total = _ZERO
    deriv = _ZERO
    one_i = _ONE + i
    for amount, t, f in terms:
        a = _ONE + f * i
        g = one_i**t
        v = amount / (a * g)
        total += v
        # d/di [1/(a g)] = -(f/a + t/(1+i)) / (a g)
        deriv -= v * (f / a + Decimal(t) / one_i)
    return total, deriv


def solve_rate(terms: Sequence[tuple[Decimal, int, Decimal]]) -> Decimal:
    """The unit-period rate i making the signed, discounted flows sum to zero (safeguarded Newton)."""
    lo, hi = Decimal("-0.99"), Decimal("0.1")
    f_lo, _ = _npv(lo, terms)
    f_hi, _ = _npv(hi, terms)
    tries = 0
    while f_lo * f_hi > 0:
        hi *= 4
        f_hi, _ = _npv(hi, terms)
        tries += 1
        if tries > 30:
            raise ValidationError(
                "no rate solves these cash flows (do payments repay the advances?)", field="payments"
            )
    x = hi / 10 if f_hi < 0 < f_lo or f_lo < 0 < f_hi else hi
    x = max(min(x, hi), lo)
    tol = Decimal("1e-16")
    for _ in range(200):
        fx, dfx = _npv(x, terms)
        if fx == 0:
            return x
        if (fx > 0) == (f_lo > 0):
            lo, f_lo = x, fx
        else:
            hi, f_hi = x, fx
        step = fx / dfx if dfx != 0 else _ZERO
        nxt = x - step
        if dfx == 0 or not (lo < nxt < hi):
            nxt = (lo + hi) / 2
        if abs(nxt - x) < tol:
            return nxt
        x = nxt
    return x


def cost_of_credit(
    advances: Sequence[Flow], payments: Sequence[Flow], unit_period: UnitPeriod | str
) -> CostResult:
    """IRR per unit period, nominal and effective annual rates, and the App. J APR of these flows."""
    unit = parse_unit_period(unit_period) if isinstance(unit_period, str) else unit_period
    if not advances:
        raise ValidationError("at least one advance is needed", field="advances")
    if not payments:
        raise ValidationError("at least one payment is needed", field="payments")
    for name, flows in (("advances", advances), ("payments", payments)):
        for k, fl in enumerate(flows):
            if fl.amount_minor <= 0:
                raise ValidationError("amounts must be greater than zero", field=f"{name}[{k}].amount")
    start = min(a.date for a in advances)
    with localcontext() as ctx:
        ctx.prec = 40
        terms: list[tuple[Decimal, int, Decimal]] = []
        for a in advances:
            t, f = unit_periods(start, a.date, unit)
            terms.append((-Decimal(a.amount_minor), t, f))
        for k, p in enumerate(payments):
            if p.date < start:
                raise ValidationError(
                    f"payment on {p.date} precedes the first advance on {start}", field=f"payments[{k}].date"
                )
            t, f = unit_periods(start, p.date, unit)
            terms.append((Decimal(p.amount_minor), t, f))
        i = solve_rate(terms)
        per_year = unit.per_year
        nominal = i * per_year
        effective = (
            (_ONE + i) ** per_year - _ONE
            if per_year == per_year.to_integral_value()
            else ((_ONE + i).ln() * per_year).exp() - _ONE
        )
    q = Decimal("1e-10")
    apr = (nominal * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) / 100
    return CostResult(
        unit_period=unit,
        irr_per_period=i.quantize(q),
        annual_nominal=nominal.quantize(q),
        annual_effective=effective.quantize(q),
        apr_regz=apr,
        finance_charge_minor=sum(p.amount_minor for p in payments) - sum(a.amount_minor for a in advances),
    )


# --- FLOWS.json -----------------------------------------------------------------------------------------------


def _flows(obj: Mapping[str, Any], name: str, currency: str) -> list[Flow]:
    items = obj.get(name)
    if not isinstance(items, list) or not items:
        raise ValidationError("must be a non-empty list of {date, amount}", field=name)
    out = []
    for k, item in enumerate(items):
        where = f"{name}[{k}]"
        if not isinstance(item, Mapping):
            raise ValidationError("must be an object {date, amount}", field=where)
        raw = item.get("amount")
        if isinstance(raw, float) or raw is None:
            raise ValidationError(f"amounts must be decimal strings, got {raw!r}", field=f"{where}.amount")
        try:
            minor = to_minor(raw, currency, field=f"{where}.amount")
            when = parse_date(item.get("date", ""), field=f"{where}.date")
        except ValidationError as exc:
            raise ValidationError(exc.message, field=exc.field) from exc
        if minor <= 0:
            raise ValidationError(f"must be greater than zero, got {raw!r}", field=f"{where}.amount")
        out.append(Flow(when, minor))
    return out


def parse_flows(obj: Mapping[str, Any]) -> tuple[list[Flow], list[Flow], UnitPeriod, str]:
    """FLOWS.json: ``{"currency"?, "advances": [{date, amount}], "payments": [...], "unit_period": "month"}``."""
    if not isinstance(obj, Mapping):
        raise ValidationError("FLOWS must be a JSON object", field="flows")
    try:
        currency = check_currency(str(obj.get("currency", "CNY")))
    except ValidationError as exc:
        raise ValidationError(exc.message, field="currency") from exc
    if obj.get("unit_period") in (None, ""):
        # Guessing months would silently give a wrong APR for a weekly or daily loan.
        raise ValidationError(
            "unit_period is required: the loan's payment frequency (month, week, 2weeks, monthly, biweekly, "
            "days:N …), which Regulation Z Appendix J uses as the unit-period",
            field="unit_period",
        )
    unit = parse_unit_period(obj["unit_period"])
    return _flows(obj, "advances", currency), _flows(obj, "payments", currency), unit, currency


def cost_to_json(result: CostResult, currency: str = "CNY") -> dict[str, str]:
    return {
        "unit_period": result.unit_period.label,
        "unit_periods_per_year": str(result.unit_period.per_year.normalize()),
        "irr_per_period": str(result.irr_per_period),
        "annual_nominal": str(result.annual_nominal),
        "annual_effective": str(result.annual_effective),
        "apr_regz": str(result.apr_regz),
        "apr_regz_percent": result.apr_regz_percent,
        "finance_charge": format_minor(result.finance_charge_minor, currency),
    }
