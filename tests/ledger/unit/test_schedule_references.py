"""Schedules reproduce published references to the cent."""

from __future__ import annotations

from faircollect.kit.money import format_minor
from faircollect.ledger.schedule import build_schedule
from faircollect.ledger.terms_json import parse_terms


def _terms(**kw: object):  # type: ignore[no-untyped-def]
    base: dict[str, object] = {"start_date": "2026-01-01", "frequency": "monthly"}
    base.update(kw)
    return parse_terms(base)


def test_equal_instalment_1m_30y_4_9pct_is_5307_27_a_month() -> None:
    # Source: the standard Chinese bank mortgage example (商业贷款 100万元, 30年, 基准利率 4.9%, 等额本息):
    # monthly payment 5,307.27 yuan, as published by bank mortgage calculators (e.g. 中国建设银行/招商银行 房贷计算器)
    # and widely quoted ("贷款100万30年等额本息月供5307.27元").
    s = build_schedule(_terms(principal="1000000", annual_rate="0.049", method="equal_instalment", term=360))
    first = s.instalments[0]
    assert format_minor(first.total_minor, "CNY") == "5307.27"
    assert format_minor(first.interest_minor, "CNY") == "4083.33"
    assert all(i.total_minor == first.total_minor for i in s.instalments[:-1])
    assert sum(i.principal_minor for i in s.instalments) == 100_000_000


def test_equal_principal_1m_30y_4_9pct_first_6861_11_then_minus_11_34() -> None:
    # Source: same published example, 等额本金: first month 6,861.11 yuan, decreasing by 11.34 yuan a month
    # ("首月月供6861.11元，每月递减11.34元"; principal 2,777.78/month = 1,000,000/360).
    s = build_schedule(_terms(principal="1000000", annual_rate="0.049", method="equal_principal", term=360))
    totals = [i.total_minor for i in s.instalments]
    assert format_minor(totals[0], "CNY") == "6861.11"
    assert format_minor(totals[0] - totals[1], "CNY") == "11.34"
    assert format_minor(s.instalments[0].principal_minor, "CNY") == "2777.78"
    assert sum(i.principal_minor for i in s.instalments) == 100_000_000
    assert s.instalments[-1].balance_minor == 0
