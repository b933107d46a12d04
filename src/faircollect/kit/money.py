"""Money as an integer count of minor units plus an ISO-4217 currency; rates as ``Decimal``.

Never ``float``. Rounding is explicit and named: ``half_up`` (the default, as Chinese lenders publish) or
``half_even`` (banker's rounding).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from fractions import Fraction
from typing import Final

from faircollect.kit.errors import ValidationError

#: Minor-unit exponent per supported currency (ISO 4217).
CURRENCY_EXPONENT: Final[dict[str, int]] = {
    "CNY": 2,
    "USD": 2,
    "GBP": 2,
    "EUR": 2,
    "HKD": 2,
    "JPY": 0,
}


class Rounding(StrEnum):
    """Named rounding modes to the minor unit."""

    HALF_UP = "half_up"
    HALF_EVEN = "half_even"
    UP = "up"  # towards +infinity
    DOWN = "down"  # towards -infinity

    @property
    def decimal_mode(self) -> str:
        return {
            Rounding.HALF_UP: ROUND_HALF_UP,
            Rounding.HALF_EVEN: ROUND_HALF_EVEN,
            Rounding.UP: ROUND_CEILING,
            Rounding.DOWN: ROUND_FLOOR,
        }[self]


def check_currency(code: str) -> str:
    """Return the upper-case ISO code or raise a ``ValidationError`` naming it."""
    if code not in CURRENCY_EXPONENT:
        raise ValidationError(
            f"unknown currency {code!r} (ISO 4217, upper case); supported: {', '.join(sorted(CURRENCY_EXPONENT))}",
            field="currency",
        )
    return code


def exponent(currency: str) -> int:
    return CURRENCY_EXPONENT[check_currency(currency)]


def round_minor(value: Decimal, rounding: Rounding | str = Rounding.HALF_UP) -> int:
    """Round a Decimal amount already expressed in minor units to an integer count of minor units."""
    mode = Rounding(rounding).decimal_mode
    return int(value.quantize(Decimal(1), rounding=mode))


def round_fraction(value: Fraction, rounding: Rounding | str = Rounding.HALF_UP) -> int:
    """Round an exact rational amount in minor units to an integer with a named mode (no intermediate rounding)."""
    return round_ratio(value.numerator, value.denominator, rounding)


def round_ratio(num: int, den: int, rounding: Rounding | str = Rounding.HALF_UP) -> int:
    """``round_fraction(Fraction(num, den), rounding)`` for ``den > 0`` without building (and reducing) the
    fraction: the result does not depend on the common factors of ``num`` and ``den``."""
    mode = rounding if rounding.__class__ is Rounding else Rounding(rounding)
    if mode is Rounding.UP:
        return -((-num) // den)
    if mode is Rounding.DOWN:
        return num // den
    sign = -1 if num < 0 else 1
    q, r = divmod(abs(num), den)
    if 2 * r > den or (2 * r == den and (mode is Rounding.HALF_UP or q % 2 == 1)):
        q += 1
    return sign * q


MONEY_PATTERN = re.compile(r"-?[0-9]+(?:\.[0-9]+)?", re.ASCII)


def to_minor(amount: str | int | Decimal, currency: str, *, field: str = "amount") -> int:
    """Parse a major-unit decimal string (``"12.34"``) into minor units.

    A money string is ASCII digits with at most one decimal point: no exponent (``1e3``), sign (``+100``),
    underscore (``1_000``), thousands separator or full-width / Arabic-Indic digits (``１００``, ``١٠٠``) — Python's
    ``Decimal`` accepts all of those, a ledger must not. A leading ``-`` parses, so that callers can say
    "must be greater than zero" where a negative amount is wrong. Floats and sub-minor precision are refused.
    """
    if isinstance(amount, (float, bool)):
        raise ValidationError("amounts must be decimal strings, not floats", field=field)
    text = format(amount, "f") if isinstance(amount, Decimal) else str(amount).strip()
    if not MONEY_PATTERN.fullmatch(text):
        raise ValidationError(
            f"not a money amount: {amount!r} (ASCII digits with at most one decimal point, e.g. '1234.56')",
            field=field,
        )
    try:
        dec = Decimal(text)
    except (InvalidOperation, ValueError) as exc:  # pragma: no cover - the pattern admits only valid decimals
        raise ValidationError(f"not a decimal amount: {amount!r}", field=field) from exc
    if not dec.is_finite():
        raise ValidationError(f"not a finite amount: {amount!r}", field=field)
    scaled = dec.scaleb(exponent(currency))
    if scaled != scaled.to_integral_value():
        raise ValidationError(
            f"{amount!r} has more decimals than {check_currency(currency)} allows", field=field
        )
    return int(scaled)


def format_minor(minor: int, currency: str) -> str:
    """Render minor units as a major-unit decimal string (``1234, 'CNY'`` → ``"12.34"``)."""
    exp = exponent(currency)
    if exp == 0:
        return str(minor)
    sign = "-" if minor < 0 else ""
    whole, frac = divmod(abs(minor), 10**exp)
    return f"{sign}{whole}.{frac:0{exp}d}"


@dataclass(frozen=True, slots=True, order=True)
class Money:
    """An amount of money: integer minor units plus currency."""

    minor: int
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.minor, int) or isinstance(self.minor, bool):
            raise TypeError("Money.minor must be an int count of minor units")
        object.__setattr__(self, "currency", check_currency(self.currency))

    @classmethod
    def parse(cls, amount: str | int | Decimal, currency: str) -> Money:
        return cls(to_minor(amount, currency), currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    def _same(self, other: Money) -> None:
        if self.currency != other.currency:
            raise ValidationError(f"currency mismatch: {self.currency} vs {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor - other.minor, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.minor, self.currency)

    def times(self, factor: Decimal, rounding: Rounding | str = Rounding.HALF_UP) -> Money:
        return Money(round_minor(Decimal(self.minor) * factor, rounding), self.currency)

    def __str__(self) -> str:
        return f"{format_minor(self.minor, self.currency)} {self.currency}"

    def as_decimal_string(self) -> str:
        return format_minor(self.minor, self.currency)
