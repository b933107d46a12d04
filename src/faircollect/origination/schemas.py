"""API shapes of origination. Amounts are decimal strings in major units with a currency, never floats."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from faircollect.kit.money import to_minor
from faircollect.origination.service import ApplicationData

#: ASCII digits with at most one point: no sign, exponent, underscore or full-width digits.
MONEY = r"^[0-9]{1,15}(\.[0-9]{1,4})?$"


class ApplicantIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    phone: str = Field(
        min_length=3, max_length=40, description="E.164 or a national number of the jurisdiction"
    )
    id_number: str = Field(min_length=4, max_length=40)
    birth_date: date
    language: str = Field("zh-CN", max_length=16, description="zh-CN or en: the notice's first language")


class ConsentIn(BaseModel):
    purpose: str = Field(max_length=60, description="credit_assessment is required")
    given_at: str = Field(max_length=40, description="ISO-8601 time the applicant agreed")


class ApplicationIn(BaseModel):
    external_ref: str | None = Field(None, max_length=80)
    product: str | None = Field(
        None, max_length=60, description="Product code; default: the policy's product"
    )
    amount: str = Field(max_length=24, pattern=MONEY, description='Amount requested, major units ("5000.00")')
    currency: str = Field("CNY", min_length=3, max_length=3)
    term: int = Field(ge=1, le=360, description="Number of instalments")
    monthly_income: str = Field(
        max_length=24, pattern=MONEY, description="Declared monthly income, major units"
    )
    monthly_obligations: str = Field(
        "0", max_length=24, pattern=MONEY, description="Declared monthly repayments elsewhere"
    )
    applicant: ApplicantIn
    consents: list[ConsentIn] = Field(max_length=20)
    attributes: dict[str, str | int | float | None] = Field(
        default_factory=dict,
        max_length=100,
        description="Other inputs of the scorecard (application form fields)",
    )

    def to_data(self) -> ApplicationData:
        return ApplicationData(
            name=self.applicant.name,
            phone=self.applicant.phone,
            id_number=self.applicant.id_number,
            birth_date=self.applicant.birth_date,
            amount_minor=to_minor(self.amount, self.currency, field="amount"),
            term=self.term,
            monthly_income_minor=to_minor(self.monthly_income, self.currency, field="monthly_income"),
            monthly_obligations_minor=to_minor(
                self.monthly_obligations, self.currency, field="monthly_obligations"
            ),
            consents={c.purpose: c.given_at for c in self.consents},
            currency=self.currency,
            product=self.product,
            language=self.applicant.language,
            external_ref=self.external_ref,
            attributes=self.attributes,
        )


class DecisionOut(BaseModel):
    id: str
    outcome: str
    score: int | None
    offer: dict[str, Any] | None
    reasons: list[dict[str, Any]]
    rules: list[str]
    policy: str
    model: str
    inputs_hash: str
    loan_id: str | None
    borrower_id: str | None

    @classmethod
    def of(cls, row: Any) -> DecisionOut:
        d = row.decision
        return cls(
            id=row.id,
            outcome=row.outcome,
            score=row.score,
            offer=d.get("offer"),
            reasons=d.get("reasons", []),
            rules=d.get("rules", []),
            policy=row.policy_key,
            model=row.model_key,
            inputs_hash=row.inputs_hash,
            loan_id=row.loan_id,
            borrower_id=row.borrower_id,
        )


class NoticeOut(BaseModel):
    application_id: str
    outcome: str
    reasons: list[dict[str, Any]]
    text_zh: str
    text_en: str
    sms_zh: str
    sms_en: str
