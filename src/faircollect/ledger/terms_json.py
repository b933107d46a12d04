"""TERMS.json ⇄ ``LoanTerms``: the shape of ``faircollect schedule --terms`` and of loan terms stored as JSON.

Grammar (amounts are decimal strings in major units; rates are decimal strings; floats are refused)::

    {
      "currency": "CNY",                         # default CNY; ISO 4217 code known to kit.money
      "principal": "10000.00",                   # or "disbursements": [{"date": "2026-01-01", "amount": "6000"}, ...]
      "annual_rate": "0.049",
      "method": "equal_instalment",              # equal_instalment | equal_principal | interest_only | bullet | flat
      "term": 12,                                # number of instalments (optional when due_dates is given)
      "frequency": "monthly",                    # see FREQUENCY GRAMMAR below
      "start_date": "2026-01-01",                # default: the first disbursement's date
      "first_due_date": "2026-02-01",            # optional; default start_date + one period
      "due_dates": ["2026-02-01", ...],          # optional explicit due dates (override frequency)
      "interest_basis": "periodic",              # periodic | daily
      "days_in_year": 365,                       # 360 | 364 | 365 | "actual"  (daily basis; default actual)
      "days_in_month": "actual",                 # 30 | "actual"
      "rounding": "half_up",                     # half_up | half_even
      "instalment_multiple": "0.01",             # instalments rounded to a multiple of this amount ("1.00" = whole yuan)
      "instalment_rounding": "nearest",          # nearest | up
      "grace_on_principal": 0,                   # periods of interest only before principal amortises
      "fees": [{"name": "service", "kind": "per_period", "basis": "percent_of_principal", "rate": "0.003",
                "collection": "with_instalments"},
               {"name": "arrangement", "kind": "upfront", "basis": "fixed", "amount": "100.00",
                "collection": "deducted"}],
      "penalty": {"basis": "contract_rate_multiple", "multiple": "1.5", "grace_days": 3, "late_fee": "20.00"}
                 # or {"basis": "daily_rate", "daily_rate": "0.0005", ...}
    }

FREQUENCY GRAMMAR: a name — ``monthly``, ``semimonthly``, ``weekly``, ``biweekly`` / ``fortnightly`` (2 weeks),
``four_weekly``, ``bimonthly`` (2 months), ``quarterly``, ``semiannually``, ``annually``, ``daily`` — or
``every_n_days:N``, ``every_n_weeks:N``, ``every_n_months:N``, or an object ``{"unit": "month|semimonth|week|day",
"every": N}``. ``terms_to_json`` always writes the object form.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from faircollect.kit.errors import ValidationError
from faircollect.kit.money import Rounding, check_currency, format_minor, to_minor
from faircollect.kit.time import LATEST_DATE, check_date_range, parse_date
from faircollect.ledger.types import (
    Disbursement,
    Fee,
    FeeBasis,
    FeeCollection,
    FeeKind,
    Frequency,
    FrequencyUnit,
    InterestBasis,
    LoanTerms,
    Method,
    PenaltyBasis,
    PenaltyRule,
)

_NAMED_FREQUENCIES: dict[str, Frequency] = {
    "monthly": Frequency(FrequencyUnit.MONTH, 1),
    "semimonthly": Frequency(FrequencyUnit.SEMI_MONTH, 1),
    "semi_monthly": Frequency(FrequencyUnit.SEMI_MONTH, 1),
    "weekly": Frequency(FrequencyUnit.WEEK, 1),
    "biweekly": Frequency(FrequencyUnit.WEEK, 2),
    "fortnightly": Frequency(FrequencyUnit.WEEK, 2),
    "four_weekly": Frequency(FrequencyUnit.WEEK, 4),
    "bimonthly": Frequency(FrequencyUnit.MONTH, 2),
    "quarterly": Frequency(FrequencyUnit.MONTH, 3),
    "semiannually": Frequency(FrequencyUnit.MONTH, 6),
    "annually": Frequency(FrequencyUnit.MONTH, 12),
    "daily": Frequency(FrequencyUnit.DAY, 1),
}
_EVERY_N = {
    "every_n_days": FrequencyUnit.DAY,
    "every_n_weeks": FrequencyUnit.WEEK,
    "every_n_months": FrequencyUnit.MONTH,
}
_KNOWN_KEYS = {
    "currency",
    "principal",
    "disbursements",
    "annual_rate",
    "method",
    "term",
    "frequency",
    "start_date",
    "first_due_date",
    "due_dates",
    "interest_basis",
    "days_in_year",
    "days_in_month",
    "rounding",
    "instalment_multiple",
    "instalment_rounding",
    "grace_on_principal",
    "fees",
    "penalty",
}
#: A sanity ceiling: rates above 1000 % a year are certainly typos (caps are checked separately in ``caps``).
MAX_ANNUAL_RATE = Decimal(10)
#: The same for the penalty's multiple of the contract rate.
MAX_PENALTY_MULTIPLE = Decimal(10)
#: Days in one period of each unit, rounded up: bounds a schedule's span without generating it.
_MAX_DAYS_PER_UNIT = {
    FrequencyUnit.DAY: 1,
    FrequencyUnit.WEEK: 7,
    FrequencyUnit.SEMI_MONTH: 16,
    FrequencyUnit.MONTH: 31,
}


def max_amount_minor(currency: str) -> int:
    """The lender's business limit (``FAIRCOLLECT_MAX_AMOUNT`` major units) in minor units of ``currency``."""
    from faircollect.config import get_settings  # configuration, read when parsing (as ``kit.types`` does)
    from faircollect.kit.money import exponent

    return get_settings().max_amount * 10 ** exponent(currency)


def _err(where: str, name: str, message: str) -> ValidationError:
    return ValidationError(message, field=f"{where}.{name}" if where else name)


def _decimal(value: Any, where: str, name: str) -> Decimal:
    if isinstance(value, float):
        raise _err(where, name, f'must be a decimal string such as "0.049", not the float {value!r}')
    if isinstance(value, bool) or value is None:
        raise _err(where, name, f"must be a decimal string, got {value!r}")
    try:
        dec = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise _err(where, name, f"not a decimal number: {value!r}") from exc
    if not dec.is_finite():
        raise _err(where, name, f"not a finite number: {value!r}")
    return dec


#: Upper bound for any whole-number term field: 1,200 instalments is 100 years monthly, or 3 years daily.
MAX_WHOLE_NUMBER = 1_200
#: Upper bound for grace days (a year and a bit).
MAX_GRACE_DAYS = 400


def _int(
    value: Any, where: str, name: str, *, minimum: int | None = None, maximum: int = MAX_WHOLE_NUMBER
) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            value = int(value.strip())
        else:
            raise _err(where, name, f"must be a whole number, got {value!r}")
    if minimum is not None and value < minimum:
        raise _err(where, name, f"must be ≥ {minimum}, got {value}")
    if value > maximum:
        raise _err(where, name, f"must be ≤ {maximum}, got {value}")
    return int(value)


def _date(value: Any, where: str, name: str) -> date:
    if not isinstance(value, str | date):
        raise _err(where, name, f"must be an ISO date string (YYYY-MM-DD), got {value!r}")
    try:
        return check_date_range(parse_date(value, field=name), field=name)
    except ValidationError as exc:
        raise _err(where, name, exc.message) from exc


def _amount(value: Any, currency: str, where: str, name: str, *, positive: bool = True) -> int:
    if isinstance(value, float):
        raise _err(where, name, f'amounts must be decimal strings such as "100.00", not the float {value!r}')
    if isinstance(value, bool) or value is None:
        raise _err(where, name, f"must be a decimal amount string, got {value!r}")
    try:
        minor = to_minor(value, currency, field=name)
    except ValidationError as exc:
        raise _err(where, name, exc.message) from exc
    if positive and minor <= 0:
        raise _err(where, name, f"must be greater than zero, got {value!r}")
    if minor > max_amount_minor(currency):
        from faircollect.config import get_settings

        raise _err(
            where,
            name,
            f"{value} is above the largest amount accepted ({get_settings().max_amount}; FAIRCOLLECT_MAX_AMOUNT)",
        )
    if not positive and minor < 0:
        raise _err(where, name, f"must not be negative, got {value!r}")
    return minor


def _enum(enum_cls: Any, value: Any, where: str, name: str) -> Any:
    try:
        return enum_cls(value)
    except ValueError as exc:
        allowed = " | ".join(m.value for m in enum_cls)
        raise _err(where, name, f"unknown value {value!r}; expected {allowed}") from exc


def parse_frequency(value: Any, *, where: str = "terms", name: str = "frequency") -> Frequency:
    """Parse the frequency grammar described in the module docstring."""
    if isinstance(value, Mapping):
        unit = _enum(FrequencyUnit, value.get("unit"), where, f"{name}.unit")
        every = _int(value.get("every", 1), where, f"{name}.every", minimum=1)
        return Frequency(unit, every)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _NAMED_FREQUENCIES:
            return _NAMED_FREQUENCIES[text]
        if ":" in text:
            head, _, tail = text.partition(":")
            if head in _EVERY_N:
                return Frequency(_EVERY_N[head], _int(tail, where, name, minimum=1))
    allowed = ", ".join(sorted(_NAMED_FREQUENCIES))
    raise _err(
        where,
        name,
        f"unknown frequency {value!r}; use one of {allowed}, every_n_days:N, every_n_weeks:N, "
        'every_n_months:N or {"unit": "month|semimonth|week|day", "every": N}',
    )


def _parse_fee(obj: Any, currency: str, where: str) -> Fee:
    if not isinstance(obj, Mapping):
        raise ValidationError("each fee must be an object", field=where)
    name = str(obj.get("name") or "fee")
    kind = _enum(FeeKind, obj.get("kind", "upfront"), where, "kind")
    basis = _enum(FeeBasis, obj.get("basis", "fixed"), where, "basis")
    collection = _enum(FeeCollection, obj.get("collection", "with_instalments"), where, "collection")
    if basis is FeeBasis.FIXED:
        if "amount" not in obj:
            raise _err(where, "amount", "a fixed fee needs an amount")
        return Fee(
            name,
            kind,
            basis,
            amount_minor=_amount(obj["amount"], currency, where, "amount"),
            collection=collection,
        )
    if "rate" not in obj:
        raise _err(where, "rate", 'a percent_of_principal fee needs a rate (e.g. "0.01" = 1 %)')
    rate = _decimal(obj["rate"], where, "rate")
    if rate <= 0 or rate >= 1:
        raise _err(where, "rate", f"must be between 0 and 1 (exclusive), got {rate}")
    return Fee(name, kind, basis, rate=rate, collection=collection)


def _parse_penalty(obj: Any, currency: str, where: str) -> PenaltyRule:
    if obj is None:
        return PenaltyRule()
    if not isinstance(obj, Mapping):
        raise ValidationError("penalty must be an object", field=where)
    basis = _enum(PenaltyBasis, obj.get("basis", PenaltyBasis.CONTRACT_RATE_MULTIPLE.value), where, "basis")
    multiple = _decimal(obj.get("multiple", "1.5"), where, "multiple")
    if multiple < 0 or multiple > MAX_PENALTY_MULTIPLE:
        raise _err(where, "multiple", f"must be between 0 and {MAX_PENALTY_MULTIPLE}, got {multiple}")
    daily_rate = _decimal(obj.get("daily_rate", "0"), where, "daily_rate")
    if daily_rate < 0 or daily_rate >= 1:
        raise _err(where, "daily_rate", f"must be in [0, 1), got {daily_rate}")
    if basis is PenaltyBasis.DAILY_RATE and daily_rate == 0:
        raise _err(where, "daily_rate", "basis daily_rate needs a daily_rate greater than zero")
    grace = _int(obj.get("grace_days", 0), where, "grace_days", minimum=0, maximum=MAX_GRACE_DAYS)
    late_fee = (
        _amount(obj["late_fee"], currency, where, "late_fee", positive=False) if "late_fee" in obj else 0
    )
    return PenaltyRule(
        basis=basis, multiple=multiple, daily_rate=daily_rate, grace_days=grace, late_fee_minor=late_fee
    )


def _parse_days_in_year(value: Any, where: str) -> int | None:
    if value is None or value == "actual":
        return None
    n = _int(value, where, "days_in_year")
    if n not in (360, 364, 365):
        raise _err(where, "days_in_year", f'must be 360, 364, 365 or "actual", got {value!r}')
    return n


def _parse_days_in_month(value: Any, where: str) -> int | None:
    if value is None or value == "actual":
        return None
    n = _int(value, where, "days_in_month")
    if n != 30:
        raise _err(where, "days_in_month", f'must be 30 or "actual", got {value!r}')
    return n


def parse_terms(obj: Mapping[str, Any], *, where: str = "terms") -> LoanTerms:
    """Parse and validate a TERMS.json object; every error names the offending field (``terms.annual_rate``)."""
    if not isinstance(obj, Mapping):
        raise ValidationError("terms must be a JSON object", field=where)
    unknown = sorted(set(obj) - _KNOWN_KEYS)
    if unknown:
        raise _err(where, unknown[0], f"unknown field; known fields: {', '.join(sorted(_KNOWN_KEYS))}")
    try:
        currency = check_currency(str(obj.get("currency", "CNY")))
    except ValidationError as exc:
        raise _err(where, "currency", exc.message) from exc

    # Disbursements: one "principal" on start_date, or explicit tranches in date order.
    has_principal, has_tranches = "principal" in obj, "disbursements" in obj
    if has_principal == has_tranches:
        raise _err(where, "principal", "give exactly one of principal or disbursements")
    start_raw = obj.get("start_date")
    start = _date(start_raw, where, "start_date") if start_raw is not None else None
    if has_principal:
        if start is None:
            raise _err(where, "start_date", "required with principal")
        disbursements: tuple[Disbursement, ...] = (
            Disbursement(start, _amount(obj["principal"], currency, where, "principal")),
        )
    else:
        items = obj["disbursements"]
        if not isinstance(items, Sequence) or isinstance(items, str) or not items:
            raise _err(where, "disbursements", "must be a non-empty list of {date, amount}")
        tranches = []
        for i, item in enumerate(items):
            w = f"{where}.disbursements[{i}]"
            if not isinstance(item, Mapping):
                raise ValidationError("must be an object {date, amount}", field=w)
            tranches.append(
                Disbursement(
                    _date(item.get("date"), w, "date"), _amount(item.get("amount"), currency, w, "amount")
                )
            )
            if i and tranches[i].date < tranches[i - 1].date:
                raise _err(
                    w, "date", f"tranches must be in date order ({tranches[i].date} < {tranches[i - 1].date})"
                )
        disbursements = tuple(tranches)
        if start is None:
            start = disbursements[0].date
        elif disbursements[0].date < start:
            raise _err(
                where,
                "disbursements[0].date",
                f"the first tranche ({disbursements[0].date}) is before start_date ({start})",
            )

    if "annual_rate" not in obj:
        raise _err(where, "annual_rate", 'required (decimal string, e.g. "0.049")')
    rate = _decimal(obj["annual_rate"], where, "annual_rate")
    if rate < 0 or rate > MAX_ANNUAL_RATE:
        raise _err(
            where,
            "annual_rate",
            f"must be between 0 and {MAX_ANNUAL_RATE} (a fraction: 0.049 = 4.9 %), got {rate}",
        )
    if "method" not in obj:
        raise _err(where, "method", "required")
    method = _enum(Method, obj["method"], where, "method")
    frequency = parse_frequency(obj.get("frequency", "monthly"), where=where)

    due_dates: tuple[date, ...] | None = None
    if obj.get("due_dates") is not None:
        raw = obj["due_dates"]
        if not isinstance(raw, Sequence) or isinstance(raw, str) or not raw:
            raise _err(where, "due_dates", "must be a non-empty list of ISO dates")
        parsed = [_date(d, where, f"due_dates[{i}]") for i, d in enumerate(raw)]
        prev = start
        for i, d in enumerate(parsed):
            if d <= prev:
                raise _err(
                    where,
                    f"due_dates[{i}]",
                    f"{d} must be after {prev} (due dates strictly increase after start_date)",
                )
            prev = d
        due_dates = tuple(parsed)
    if "term" in obj:
        term = _int(obj["term"], where, "term", minimum=1)
        if due_dates is not None and term != len(due_dates):
            raise _err(where, "term", f"term {term} does not match {len(due_dates)} due_dates")
    elif due_dates is not None:
        term = len(due_dates)
    else:
        raise _err(where, "term", "required (number of instalments, ≥ 1) unless due_dates is given")
    first_due = None
    if obj.get("first_due_date") is not None:
        first_due = _date(obj["first_due_date"], where, "first_due_date")
        if first_due <= start:
            raise _err(where, "first_due_date", f"{first_due} must be after start_date {start}")
        if due_dates is not None and due_dates[0] != first_due:
            raise _err(where, "first_due_date", "contradicts due_dates[0]")
    last_tranche = disbursements[-1].date
    if due_dates is not None and last_tranche >= due_dates[-1]:
        raise _err(
            where,
            "disbursements",
            f"a tranche on {last_tranche} is not before the last due date {due_dates[-1]}",
        )

    basis = _enum(InterestBasis, obj.get("interest_basis", "periodic"), where, "interest_basis")
    rounding = _enum(Rounding, obj.get("rounding", "half_up"), where, "rounding")
    if rounding not in (Rounding.HALF_UP, Rounding.HALF_EVEN):
        raise _err(where, "rounding", "must be half_up or half_even")
    multiple = 1
    if obj.get("instalment_multiple") is not None:
        multiple = _amount(obj["instalment_multiple"], currency, where, "instalment_multiple")
    inst_rounding = str(obj.get("instalment_rounding", "nearest"))
    if inst_rounding not in ("nearest", "up"):
        raise _err(where, "instalment_rounding", f"must be nearest or up, got {inst_rounding!r}")
    grace = _int(obj.get("grace_on_principal", 0), where, "grace_on_principal", minimum=0)
    if grace >= term and method in (Method.EQUAL_INSTALMENT, Method.EQUAL_PRINCIPAL, Method.FLAT):
        raise _err(
            where, "grace_on_principal", f"{grace} periods of grace leave no period to repay in (term {term})"
        )
    fees_raw = obj.get("fees") or []
    if not isinstance(fees_raw, Sequence) or isinstance(fees_raw, str):
        raise _err(where, "fees", "must be a list of fee objects")
    fees = tuple(_parse_fee(f, currency, f"{where}.fees[{i}]") for i, f in enumerate(fees_raw))
    penalty = _parse_penalty(obj.get("penalty"), currency, f"{where}.penalty")

    terms = LoanTerms(
        currency=currency,
        annual_rate=rate,
        method=method,
        term=term,
        start_date=start,
        disbursements=disbursements,
        frequency=frequency,
        first_due_date=first_due,
        due_dates=due_dates,
        interest_basis=basis,
        days_in_year=_parse_days_in_year(obj.get("days_in_year"), where),
        days_in_month=_parse_days_in_month(obj.get("days_in_month"), where),
        rounding=rounding.value,
        instalment_multiple_minor=multiple,
        instalment_rounding=inst_rounding,
        grace_on_principal=grace,
        fees=fees,
        penalty=penalty,
    )
    if due_dates is None:
        _check_schedule_span(terms, where)
    if due_dates is None and len(disbursements) > 1:
        # The same rule as for explicit due dates above: every tranche is lent before the last instalment falls due.
        from faircollect.ledger.schedule import due_dates as generated_due_dates

        last_due = generated_due_dates(terms)[-1]
        if last_tranche >= last_due:
            raise _err(
                where,
                f"disbursements[{len(disbursements) - 1}].date",
                f"a tranche on {last_tranche} is not before the last due date {last_due}",
            )
    return terms


def _check_schedule_span(terms: LoanTerms, where: str) -> None:
    """The generated due dates end by ``LATEST_DATE``: a long term at a long frequency (1,200 periods of 1,200
    months) would run past the year 9999 that dates can hold. Bounded first without generating them."""
    start = terms.first_due_date or terms.start_date
    periods = (terms.term + 1) * terms.frequency.every
    if (LATEST_DATE - start).days >= periods * _MAX_DAYS_PER_UNIT[terms.frequency.unit]:
        return
    from faircollect.ledger.schedule import due_dates as generated_due_dates

    try:
        last = generated_due_dates(terms)[-1]
    except (OverflowError, ValueError):
        last = None
    if last is None or last > LATEST_DATE:
        raise _err(
            where,
            "term",
            f"{terms.term} instalments every {terms.frequency.every} {terms.frequency.unit.value}(s) from "
            f"{terms.start_date} run past {LATEST_DATE}",
        )


def _fee_to_json(fee: Fee, currency: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": fee.name,
        "kind": fee.kind.value,
        "basis": fee.basis.value,
        "collection": fee.collection.value,
    }
    if fee.basis is FeeBasis.FIXED:
        out["amount"] = format_minor(fee.amount_minor, currency)
    else:
        out["rate"] = str(fee.rate)
    return out


def terms_to_json(terms: LoanTerms) -> dict[str, Any]:
    """The canonical JSON form of ``terms``; ``parse_terms(terms_to_json(t)) == t``."""
    cur = terms.currency
    out: dict[str, Any] = {
        "currency": cur,
        "disbursements": [
            {"date": d.date.isoformat(), "amount": format_minor(d.amount_minor, cur)}
            for d in terms.disbursements
        ],
        "annual_rate": str(terms.annual_rate),
        "method": terms.method.value,
        "term": terms.term,
        "frequency": {"unit": terms.frequency.unit.value, "every": terms.frequency.every},
        "start_date": terms.start_date.isoformat(),
        "interest_basis": terms.interest_basis.value,
        "days_in_year": terms.days_in_year if terms.days_in_year is not None else "actual",
        "days_in_month": terms.days_in_month if terms.days_in_month is not None else "actual",
        "rounding": terms.rounding,
        "instalment_multiple": format_minor(terms.instalment_multiple_minor, cur),
        "instalment_rounding": terms.instalment_rounding,
        "grace_on_principal": terms.grace_on_principal,
        "fees": [_fee_to_json(f, cur) for f in terms.fees],
        "penalty": {
            "basis": terms.penalty.basis.value,
            "multiple": str(terms.penalty.multiple),
            "daily_rate": str(terms.penalty.daily_rate),
            "grace_days": terms.penalty.grace_days,
            "late_fee": format_minor(terms.penalty.late_fee_minor, cur),
        },
    }
    if terms.first_due_date is not None:
        out["first_due_date"] = terms.first_due_date.isoformat()
    if terms.due_dates is not None:
        out["due_dates"] = [d.isoformat() for d in terms.due_dates]
    return out
