"""Applicants to test with: a good and a poor one (German-credit attributes) and the product they apply for."""

from __future__ import annotations

from typing import Any

PRODUCT_TERMS = {
    "annual_rate": "0.18",
    "method": "equal_instalment",
    "term": 12,
    "frequency": "monthly",
    "penalty": {"basis": "contract_rate_multiple", "multiple": "1.3", "grace_days": 3},
}

GOOD_ATTRIBUTES = {
    "status_of_existing_checking_account": "no checking account",
    "credit_history": "critical account/ other credits existing (not at this bank)",
    "purpose": "car (used)",
    "savings_account_and_bonds": "... >= 1000 DM",
    "present_employment_since": "... >= 7 years",
    "property": "real estate",
    "other_installment_plans": "none",
    "housing": "own",
}
POOR_ATTRIBUTES = {
    "status_of_existing_checking_account": "... < 0 DM",
    "credit_history": "no credits taken/ all credits paid back duly",
    "purpose": "education",
    "savings_account_and_bonds": "... < 100 DM",
    "present_employment_since": "unemployed",
    "property": "unknown / no property",
    "other_installment_plans": "bank",
    "housing": "for free",
}


def application_body(n: int = 1, *, poor: bool = False, **over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "amount": "6000.00",
        "currency": "CNY",
        "term": 12,
        "monthly_income": "9000.00",
        "monthly_obligations": "500.00",
        "applicant": {
            "name": "王小明",
            "phone": f"1380013{n:04d}",
            "id_number": f"11010119900101{n:04d}",
            "birth_date": "1990-01-01" if not poor else "2003-05-01",
            "language": "zh-CN",
        },
        "consents": [{"purpose": "credit_assessment", "given_at": "2026-06-01T10:00:00+08:00"}],
        "attributes": POOR_ATTRIBUTES if poor else GOOD_ATTRIBUTES,
    }
    body.update(over)
    return body
