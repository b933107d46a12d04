"""Plural forms come from the locale's catalog: Chinese has one form, so "5 rows" is "5 行", not the English."""

from __future__ import annotations

import pytest

from faircollect.web import i18n


@pytest.mark.parametrize(
    ("locale", "n", "expected"),
    [
        ("zh_CN", 5, "%(num)s 行"),
        ("zh_CN", 1, "%(num)s 行"),
        ("en", 5, "%(num)s rows"),
        ("en", 1, "%(num)s row"),
    ],
)
def test_ngettext_uses_the_catalogs_plural_rule(locale: str, n: int, expected: str) -> None:
    assert i18n.translations(locale).ngettext("%(num)s row", "%(num)s rows", n) == expected
