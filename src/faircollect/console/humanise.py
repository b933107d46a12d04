"""Amounts, rates and KPI names for people: ``¥1,234.56`` and "Recovered today", never ``recovered_today_minor``.

Formatting is Babel's (CLDR data per locale); the KPI names are English message ids that the console's catalogs
translate (``gettext`` is passed in, so this module stays pure).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from babel.numbers import format_currency, format_decimal, format_percent

from faircollect.kit.money import format_minor

Gettext = Callable[[str], str]
NONE = "—"


def _identity(s: str) -> str:
    return s


def N_(message: str) -> str:
    """Mark a message id for extraction; translated where it is shown."""
    return message


def babel_locale(locale: str) -> str:
    """``zh-CN`` → ``zh_CN`` (Babel's spelling)."""
    return locale.replace("-", "_")


def money(minor: int, currency: str, locale: str = "zh-CN") -> str:
    """Minor units as a currency amount for ``locale`` (``123456, CNY, zh-CN`` → ``¥1,234.56``)."""
    return format_currency(Decimal(format_minor(minor, currency)), currency, locale=babel_locale(locale))


def number(n: int | Decimal, locale: str = "zh-CN") -> str:
    return format_decimal(n, locale=babel_locale(locale))


def percent(rate: Decimal | None, locale: str = "zh-CN", *, places: int = 1) -> str:
    """A share as a percentage (``0.1234`` → ``12.3%``); a dash when there is no rate (nobody to count)."""
    if rate is None:
        return NONE
    return format_percent(rate, format="#,##0." + "0" * places + "%", locale=babel_locale(locale))


#: The nightly run's KPI keys and what people call them. Keys ending ``_minor`` are amounts.
KPI_LABELS: Mapping[str, str] = {
    "loans": N_("Loans"),
    "open_loans": N_("Open loans"),
    "delinquent": N_("Loans overdue"),
    "delinquent_prev": N_("Loans overdue yesterday"),
    "cured": N_("Cured since yesterday"),
    "worsened": N_("Moved to a worse bucket"),
    "recovered_today_minor": N_("Recovered today"),
    "recovered_30d_minor": N_("Recovered in the last 30 days"),
    "overdue_minor": N_("Overdue"),
    "principal_outstanding_minor": N_("Principal outstanding"),
    "partial_prepayments": N_("Partial prepayments"),
    "penalised": N_("Loans charged penalty interest or a late fee"),
    "collectable_minor": N_("Lawfully collectable"),
    "excluded_by_cap_minor": N_("Charges above the legal cap (not owed)"),
    "capped_loans": N_("Loans with charges above the cap"),
    "legal_review": N_("Loans above the illegal line (legal review)"),
}


def kpi_label(key: str, gettext: Gettext = _identity) -> str:
    """The KPI's name in words (an unknown key is shown as words too, never as a column name)."""
    label = KPI_LABELS.get(key)
    if label is not None:
        return gettext(label)
    words = key.removesuffix("_minor").replace("_", " ")
    return words[:1].upper() + words[1:]


def kpi_rows(
    kpis: Mapping[str, Any], *, currency: str, locale: str = "zh-CN", gettext: Gettext = _identity
) -> list[tuple[str, str]]:
    """(name, value) per KPI in ``KPI_LABELS`` order, amounts formatted as money, counts with separators."""
    keys = [k for k in KPI_LABELS if k in kpis] + [k for k in kpis if k not in KPI_LABELS]
    out = []
    for k in keys:
        v = kpis[k]
        if v is None:
            shown = NONE
        elif k.endswith("_minor"):
            shown = money(int(v), currency, locale)
        else:
            shown = number(int(v), locale)
        out.append((kpi_label(k, gettext), shown))
    return out
