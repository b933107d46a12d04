"""Field types for the API's request shapes, declared once: every schema that takes a jurisdiction, a language,
a time zone, a currency, a money string or a one-line name uses these, so the OpenAPI document tells callers (and
the fuzzer) exactly what is accepted, and nothing else is."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Annotated, Literal
from zoneinfo import available_timezones

from pydantic import AfterValidator, Field, StringConstraints

from faircollect.kit.text import text_problem
from faircollect.kit.time import EARLIEST_DATE, LATEST_DATE

#: Jurisdictions with a rulebook (compliance/rulebooks/*.yaml). The UK is "UK" everywhere, never "GB".
Jurisdiction = Literal["CN", "US", "UK"]

#: Languages with message catalogs and templates.
Language = Literal["zh-CN", "zh-TW", "en"]

#: Currencies with a known minor unit (kit.money.CURRENCY_EXPONENT), upper case only.
CurrencyCode = Literal["CNY", "USD", "GBP", "EUR", "HKD", "JPY"]


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def _known_zone(value: str) -> str:
    if value not in _zones():
        raise ValueError(f"unknown IANA time zone {value!r} (e.g. Asia/Shanghai, America/New_York)")
    return value


def _one_line(value: str) -> str:
    problem = text_problem(value, single_line=True)
    if problem:
        raise ValueError(problem)
    return value


#: An IANA time zone name from the system's zone database.
TimeZone = Annotated[str, StringConstraints(min_length=1, max_length=64), AfterValidator(_known_zone)]

#: A money amount: ASCII digits with at most one decimal point (kit.money.to_minor says the same, for every path).
MoneyString = Annotated[
    str,
    StringConstraints(min_length=1, max_length=20, pattern=r"^-?[0-9]+(\.[0-9]+)?$"),
    Field(description='Decimal string in major units ("1234.50"), never a float', examples=["1234.50"]),
]


def _within_business_limit(value: str) -> str:
    from faircollect.config import get_settings  # the limit is configuration; read it when validating

    limit = get_settings().max_amount
    if abs(Decimal(value)) > limit:
        raise ValueError(f"{value} is above the largest amount accepted ({limit}; FAIRCOLLECT_MAX_AMOUNT)")
    return value


#: A money amount within the lender's business limit (``FAIRCOLLECT_MAX_AMOUNT`` major units).
BusinessAmount = Annotated[MoneyString, AfterValidator(_within_business_limit)]

#: A business date within sane bounds (no year 9999, no year 1): ``kit.time.EARLIEST_DATE`` … ``LATEST_DATE``.
BusinessDate = Annotated[date, Field(ge=EARLIEST_DATE, le=LATEST_DATE)]


#: The longest message text the linter and the gate read in one request (a long letter is ~2,000 characters).
MAX_MESSAGE_CHARS = 20_000

#: The largest offset a listing accepts.
MAX_OFFSET = 1_000_000_000

Name = Annotated[str, StringConstraints(min_length=1, max_length=200), AfterValidator(_one_line)]
Ref = Annotated[str, StringConstraints(min_length=1, max_length=80), AfterValidator(_one_line)]
Key = Annotated[str, StringConstraints(min_length=1, max_length=120), AfterValidator(_one_line)]
Phone = Annotated[str, StringConstraints(min_length=3, max_length=40), AfterValidator(_one_line)]
Email = Annotated[str, StringConstraints(min_length=3, max_length=200), AfterValidator(_one_line)]
IdNumber = Annotated[str, StringConstraints(min_length=1, max_length=40), AfterValidator(_one_line)]
Note = Annotated[str, StringConstraints(max_length=4000)]


def _address_text(value: str) -> str:
    problem = text_problem(value, single_line=False)
    if problem:
        raise ValueError(problem)
    if len([ln for ln in value.splitlines() if ln.strip()]) > 6:
        raise ValueError("a postal address has at most 6 lines")
    return value


#: A postal address for letters: up to 6 lines, 300 characters (sealed at rest like every personal field).
PostalAddress = Annotated[
    str, StringConstraints(min_length=3, max_length=300, strip_whitespace=True), AfterValidator(_address_text)
]
