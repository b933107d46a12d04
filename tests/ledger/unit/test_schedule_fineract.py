"""Schedules reproduce Apache Fineract's expected progressive (EMI) schedules to the cent.

Sources (public code of apache/fineract):
* fineract-e2e-tests-runner/src/test/resources/features/EMICalculation.feature — scenarios C3152, C3153 ("EMI
  calculation with Actual/Actual setup"), C3154, C3155 ("EMI calculation with 360/30 setup").
* fineract-progressive-loan/src/test/java/org/apache/fineract/portfolio/loanproduct/calc/ProgressiveEMICalculatorTest.java
  — test_disbursedAmt100_dayInYears365_daysInMonthActual_repayEvery1Month (15.678 %, 365/actual) and
  test_multi_disbursedAmt200_2ndOnDueDate_dayInYears360_daysInMonth30_repayEvery1Month (second tranche on a due
  date re-amortises the remaining periods).
Fineract rounds HALF_EVEN; the rows below are (total, interest, principal, balance) in minor units.
"""

from __future__ import annotations

from typing import Any

import pytest

from faircollect.ledger.schedule import build_schedule
from faircollect.ledger.terms_json import parse_terms

DAILY_360_30 = {"interest_basis": "daily", "days_in_year": 360, "days_in_month": 30, "rounding": "half_even"}
DAILY_ACTUAL = {
    "interest_basis": "daily",
    "days_in_year": "actual",
    "days_in_month": "actual",
    "rounding": "half_even",
}
DAILY_365 = {
    "interest_basis": "daily",
    "days_in_year": 365,
    "days_in_month": "actual",
    "rounding": "half_even",
}

CASES: list[tuple[str, dict[str, Any], list[tuple[int, int, int, int]]]] = [
    (
        "C3154 360/30 integer rate: 100 at 12% over 6 months",
        {**DAILY_360_30, "principal": "100", "annual_rate": "0.12", "start_date": "2024-01-01"},
        [
            (1725, 100, 1625, 8375),
            (1725, 84, 1641, 6734),
            (1725, 67, 1658, 5076),
            (1725, 51, 1674, 3402),
            (1725, 34, 1691, 1711),
            (1728, 17, 1711, 0),
        ],
    ),
    (
        "C3155 360/30 decimal rate: 100 at 9.4822% over 6 months",
        {**DAILY_360_30, "principal": "100", "annual_rate": "0.094822", "start_date": "2024-01-01"},
        [
            (1713, 79, 1634, 8366),
            (1713, 66, 1647, 6719),
            (1713, 53, 1660, 5059),
            (1713, 40, 1673, 3386),
            (1713, 27, 1686, 1700),
            (1713, 13, 1700, 0),
        ],
    ),
    (
        "C3152 actual/actual integer rate: 10000 at 12% from 2023-12-12 (crosses a year end)",
        {**DAILY_ACTUAL, "principal": "10000", "annual_rate": "0.12", "start_date": "2023-12-12"},
        [
            (172556, 10181, 162375, 837625),
            (172556, 8514, 164042, 673583),
            (172556, 6405, 166151, 507432),
            (172556, 5158, 167398, 340034),
            (172556, 3345, 169211, 170823),
            (172559, 1736, 170823, 0),
        ],
    ),
    (
        "C3153 actual/actual decimal rate: 10000 at 9.4822% from 2023-12-12",
        {**DAILY_ACTUAL, "principal": "10000", "annual_rate": "0.094822", "start_date": "2023-12-12"},
        [
            (171312, 8045, 163267, 836733),
            (171312, 6720, 164592, 672141),
            (171312, 5050, 166262, 505879),
            (171312, 4063, 167249, 338630),
            (171312, 2632, 168680, 169950),
            (171315, 1365, 169950, 0),
        ],
    ),
    (
        "ProgressiveEMICalculatorTest 365/actual: 100 at 15.678%",
        {**DAILY_365, "principal": "100", "annual_rate": "0.15678", "start_date": "2024-01-01"},
        [
            (1743, 133, 1610, 8390),
            (1743, 105, 1638, 6752),
            (1743, 90, 1653, 5099),
            (1743, 66, 1677, 3422),
            (1743, 46, 1697, 1725),
            (1747, 22, 1725, 0),
        ],
    ),
    (
        "ProgressiveEMICalculatorTest multi-tranche: 100 on 2024-01-01 + 100 on the 2024-03-01 due date",
        {
            **DAILY_360_30,
            "disbursements": [
                {"date": "2024-01-01", "amount": "100"},
                {"date": "2024-03-01", "amount": "100"},
            ],
            "annual_rate": "0.094822",
        },
        [
            (1713, 79, 1634, 8366),
            (1713, 66, 1647, 6719),
            (4263, 132, 4131, 12588),
            (4263, 99, 4164, 8424),
            (4263, 67, 4196, 4228),
            (4261, 33, 4228, 0),
        ],
    ),
]


@pytest.mark.parametrize(("name", "terms", "rows"), CASES, ids=[c[0].split(":")[0] for c in CASES])
def test_fineract_progressive_schedule(
    name: str, terms: dict[str, Any], rows: list[tuple[int, int, int, int]]
) -> None:
    schedule = build_schedule(
        parse_terms(
            {"currency": "EUR", "method": "equal_instalment", "term": 6, "frequency": "monthly", **terms}
        )
    )
    got = [
        (i.total_minor, i.interest_minor, i.principal_minor, i.balance_minor) for i in schedule.instalments
    ]
    assert got == rows
