"""Languages of the web pages: message catalogs (Babel), the choice of locale, and formatting for people.

Catalogs are gettext ``.po`` files under ``web/locale/<locale>/LC_MESSAGES/<domain>.po`` — one domain per face
(``web`` for the shared layout, ``portal``, ``console``) so that streams editing different faces never touch the
same file. They are compiled in memory when the app starts (``babel.messages.mofile.write_mo``): no build step and
no compiled ``.mo`` file in the repository. English is the source language; an empty ``msgstr`` falls back to the
English ``msgid``.

The locale of a request: the ``lang`` cookie set by the language switch (``/lang``), else the best match of the
``Accept-Language`` header, else the default (zh-CN).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Final

from babel import Locale, dates, numbers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from faircollect.kit.money import exponent
from faircollect.kit.time import zone

LOCALE_DIR: Final = Path(__file__).parent / "locale"

#: The supported locales, in the order the switch shows them, with their name in their own language.
LOCALES: Final[tuple[tuple[str, str], ...]] = (
    ("zh_CN", "简体中文"),
    ("zh_TW", "繁體中文"),
    ("en", "English"),
)
DEFAULT_LOCALE: Final = "zh_CN"
LANG_COOKIE: Final = "lang"

#: The symbol people expect in front of an amount, whatever the page language (CLDR's narrow symbol for CNY).
_NARROW_SYMBOL: Final[dict[str, str]] = {
    "CNY": "¥",
    "GBP": "£",
    "USD": "US$",
    "EUR": "€",
    "HKD": "HK$",
    "JPY": "JP¥",
}


def supported(code: str | None) -> str | None:
    """The supported locale a code names (``zh-CN``, ``zh_cn``, ``zh-Hant``, ``en-GB`` …), or ``None``."""
    if not code:
        return None
    norm = code.strip().replace("-", "_")
    low = norm.lower()
    for name, _label in LOCALES:
        if low == name.lower():
            return name
    if low in ("zh_hant", "zh_hk", "zh_mo", "zh_hant_tw", "zh_hant_hk"):
        return "zh_TW"
    if low.startswith("zh"):
        return "zh_CN"
    if low.startswith("en"):
        return "en"
    return None


def negotiate(accept_language: str | None) -> str:
    """The best supported locale for an ``Accept-Language`` header (quality values honoured)."""
    if not accept_language:
        return DEFAULT_LOCALE
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate(accept_language.split(",")):
        bits = part.strip().split(";")
        tag = bits[0].strip()
        q = 1.0
        for b in bits[1:]:
            key, _, value = b.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)  # a header's quality weight, never money
                except ValueError:
                    q = 0.0
        if tag:
            ranked.append((-q, i, tag))
    for neg_q, _i, tag in sorted(ranked):
        if neg_q < 0 and (found := supported(tag)):
            return found
    return DEFAULT_LOCALE


@cache
def translations(locale: str) -> Translations:
    """All catalogs of one locale, compiled from their ``.po`` files and merged into one ``Translations``."""
    merged = Translations()
    folder = LOCALE_DIR / locale / "LC_MESSAGES"
    for po_path in sorted(folder.glob("*.po")) if folder.is_dir() else []:
        with po_path.open("rb") as fh:
            catalog = read_po(fh, locale=locale, domain=po_path.stem)
        buf = io.BytesIO()
        write_mo(buf, catalog, use_fuzzy=False)
        buf.seek(0)
        part = Translations(fp=buf, domain=po_path.stem)
        merged.merge(part)
        # merge() keeps the empty catalog's plural rule (n != 1, two forms); zh has one form (Plural-Forms:
        # nplurals=1), so without this every zh ngettext fell back to the English plural.
        merged.plural = part.plural
    return merged


@dataclass(frozen=True)
class Formatter:
    """Locale-aware formatting of money, dates, times and percentages for one page."""

    locale: str
    timezone: str = "Asia/Shanghai"

    @property
    def babel_locale(self) -> Locale:
        return Locale.parse(self.locale)

    def money(self, minor: int, currency: str = "CNY") -> str:
        """``¥1,234.56`` from 123456 minor units; negative amounts keep the sign before the symbol."""
        exp = exponent(currency)
        amount = Decimal(minor).scaleb(-exp)
        pattern = "#,##0" + ("." + "0" * exp if exp else "")
        body = numbers.format_decimal(abs(amount), format=pattern, locale=self.locale)
        symbol = _NARROW_SYMBOL.get(currency, currency + " ")
        return ("-" if minor < 0 else "") + symbol + body

    def percent(self, value: Decimal | str, digits: int = 2) -> str:
        """A rate as a percentage: ``Decimal('0.1825')`` → ``18.25%``."""
        pattern = "#,##0." + "0" * digits + "%" if digits else "#,##0%"
        return numbers.format_percent(Decimal(value), format=pattern, locale=self.locale)

    def number(self, value: int | Decimal) -> str:
        return numbers.format_decimal(value, locale=self.locale)

    def date(self, value: date | None, form: str = "medium") -> str:
        if value is None:
            return "—"
        if isinstance(value, datetime):
            value = value.astimezone(zone(self.timezone)).date()
        return dates.format_date(value, format=form, locale=self.locale)

    def datetime(self, value: datetime | None, form: str = "medium") -> str:
        if value is None:
            return "—"
        return dates.format_datetime(value, format=form, tzinfo=zone(self.timezone), locale=self.locale)
