"""Amounts and KPI names for people, not column names and minor units."""

from __future__ import annotations

from decimal import Decimal

from faircollect.console.humanise import kpi_label, kpi_rows, money, percent


def test_money_is_formatted_for_the_locale_from_integer_minor_units() -> None:
    assert money(123456, "CNY", "zh-CN") == "¥1,234.56"
    assert money(625038848, "CNY", "zh-CN") == "¥6,250,388.48"
    assert money(-5, "CNY", "zh-CN") == "-¥0.05"
    assert money(123456, "USD", "en") == "$1,234.56"


def test_percent_shows_a_dash_when_there_is_nobody_to_count() -> None:
    assert percent(Decimal("0.1234"), "en") == "12.3%"
    assert percent(None, "en") == "—"


def test_kpi_rows_name_every_kpi_in_words_and_format_amounts() -> None:
    rows = dict(
        kpi_rows({"recovered_today_minor": 585295830, "cured": 1234, "new_thing_minor": 1}, currency="CNY")
    )
    assert rows["Recovered today"] == "¥5,852,958.30"
    assert rows["Cured since yesterday"] == "1,234"
    assert rows["New thing"] == "¥0.01"
    assert not any("_" in k for k in rows)
    assert kpi_label("overdue_minor", {"Overdue": "逾期金额"}.get) == "逾期金额"
