"""Cost of credit reproduces Regulation Z Appendix J's worked APR examples to the hundredth of a percent.

Source: 12 CFR Part 1026, Appendix J, paragraph (c) "Examples for the actuarial method"
(https://www.consumerfinance.gov/rules-policy/regulations/1026/j/). The inputs and published APRs are also encoded
as tests in the public repository simontreanor/FSharp.Finance.Personal, file tests/AprUsActuarialTests.fs, which we
cross-checked.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from faircollect.kit.errors import ValidationError
from faircollect.ledger.cost import Flow, cost_of_credit, parse_unit_period, unit_periods
from faircollect.ledger.schedule import add_months


def _monthly(first: date, n: int, amount: int, step: int = 1) -> list[Flow]:
    return [Flow(add_months(first, step * k), amount) for k in range(n)]


def _weekly(first: date, n: int, amount: int, weeks: int) -> list[Flow]:
    return [Flow(first + timedelta(days=7 * weeks * k), amount) for k in range(n)]


def _semimonthly_1st_16th(first: date, n: int, amount: int) -> list[Flow]:
    out = []
    for k in range(n):
        base = add_months(first, k // 2)
        out.append(Flow(base if k % 2 == 0 else base.replace(day=16), amount))
    return out


APPENDIX_J = [
    # (c)(1)(i) Monthly payments (regular first period)
    ("c1i", [Flow(date(1978, 1, 10), 500000)], _monthly(date(1978, 2, 10), 24, 23000), "month", "9.69"),
    # (c)(1)(ii) Monthly payments (long first period)
    ("c1ii", [Flow(date(1978, 2, 10), 600000)], _monthly(date(1978, 4, 1), 36, 20000), "month", "11.82"),
    # (c)(1)(iii) Semimonthly payments (short first period)
    (
        "c1iii",
        [Flow(date(1978, 2, 23), 500000)],
        _semimonthly_1st_16th(date(1978, 3, 1), 24, 21917),
        "semimonth",
        "10.34",
    ),
    # (c)(1)(iv) Quarterly payments (long first period)
    (
        "c1iv",
        [Flow(date(1978, 5, 23), 1000000)],
        _monthly(date(1978, 10, 1), 40, 38500, 3),
        "quarter",
        "8.97",
    ),
    # (c)(1)(v) Weekly payments (long first period)
    ("c1v", [Flow(date(1978, 3, 20), 50000)], _weekly(date(1978, 4, 21), 30, 1760, 1), "week", "14.96"),
    # (c)(2)(i) Monthly payments (regular first period and irregular first payment)
    (
        "c2i",
        [Flow(date(1978, 1, 10), 500000)],
        [Flow(date(1978, 2, 10), 25000), *_monthly(date(1978, 3, 10), 23, 23000)],
        "month",
        "10.08",
    ),
    # (c)(2)(ii) Payments every 4 weeks (long first period and irregular first payment)
    (
        "c2ii",
        [Flow(date(1978, 3, 18), 40000)],
        [Flow(date(1978, 4, 20), 3950), *_weekly(date(1978, 5, 18), 11, 3831, 4)],
        "4weeks",
        "28.50",
    ),
    # (c)(3)(i) Monthly payments (regular first period and irregular final payment)
    (
        "c3i",
        [Flow(date(1978, 1, 10), 500000)],
        [*_monthly(date(1978, 2, 10), 23, 23000), Flow(date(1980, 1, 10), 28000)],
        "month",
        "10.50",
    ),
    # (c)(3)(ii) Payments every 2 weeks (short first period and irregular final payment)
    (
        "c3ii",
        [Flow(date(1978, 4, 3), 20000)],
        [*_weekly(date(1978, 4, 11), 19, 950, 2), Flow(date(1978, 4, 11) + timedelta(days=14 * 19), 3000)],
        "2weeks",
        "12.22",
    ),
    # (c)(4)(i) Monthly payments (regular first period, irregular first payment, irregular final payment)
    (
        "c4i",
        [Flow(date(1978, 1, 10), 500000)],
        [
            Flow(date(1978, 2, 10), 25000),
            *_monthly(date(1978, 3, 10), 22, 23000),
            Flow(date(1980, 1, 10), 28000),
        ],
        "month",
        "10.90",
    ),
    # (c)(4)(ii) Payments every two months (short first period, irregular first and final payments)
    (
        "c4ii",
        [Flow(date(1978, 1, 10), 800000)],
        [
            Flow(date(1978, 3, 1), 44936),
            *_monthly(date(1978, 5, 1), 18, 46500, 2),
            Flow(date(1981, 5, 1), 20000),
        ],
        "2months",
        "7.30",
    ),
    # (c)(5)(i) Single advance, single payment (term of less than 1 year, measured in days: 255 days)
    ("c5i", [Flow(date(1978, 1, 3), 100000)], [Flow(date(1978, 9, 15), 108000)], "days:255", "11.45"),
]


@pytest.mark.parametrize(
    ("name", "advances", "payments", "unit", "apr"), APPENDIX_J, ids=[c[0] for c in APPENDIX_J]
)
def test_regz_appendix_j_worked_example(
    name: str, advances: list[Flow], payments: list[Flow], unit: str, apr: str
) -> None:
    result = cost_of_credit(advances, payments, unit)
    assert result.apr_regz_percent == apr
    # The nominal annual rate is exactly the unit-period rate times unit-periods per year (单利法).
    assert abs(result.annual_nominal - result.irr_per_period * result.unit_period.per_year) < Decimal("1e-8")
    assert result.annual_effective > result.annual_nominal


def test_unit_periods_count_back_from_the_later_date_with_30_day_odd_days() -> None:
    # App. J (b)(5): full months counted back from the payment, odd days forward from the advance ÷ 30.
    assert unit_periods(date(1978, 2, 10), date(1978, 4, 1), parse_unit_period("month")) == (
        1,
        Decimal(19) / 30,
    )
    # Month ends measured last day to last day.
    assert unit_periods(date(2026, 1, 31), date(2026, 2, 28), parse_unit_period("month")) == (1, Decimal(0))


def test_equal_instalment_loan_irr_equals_its_contract_rate() -> None:
    # 1,000,000 over 360 months at 4.9 % → 5,307.27 a month: the IRR per month is 0.049/12 (to rounding).
    start = date(2026, 1, 1)
    payments = [Flow(add_months(date(2026, 2, 1), k), 530727) for k in range(360)]
    result = cost_of_credit([Flow(start, 100_000_000)], payments, "month")
    assert abs(result.annual_nominal - Decimal("0.049")) < Decimal("0.00001")
    assert result.apr_regz_percent == "4.90"


def test_unknown_unit_period_is_refused() -> None:
    with pytest.raises(ValidationError) as info:
        parse_unit_period("fortnight")
    assert info.value.field == "unit_period"
