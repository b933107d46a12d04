"""API shapes of origination. Amounts are decimal strings in major units with a currency, never floats."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, Field

from faircollect.kit.money import to_minor
from faircollect.kit.types import BusinessAmount, CurrencyCode, IdNumber, Language, Name, Phone, Ref
from faircollect.origination.service import ApplicationData


def _not_negative(value: str) -> str:
    if value.startswith("-"):
        raise ValueError("must not be negative")
    return value


#: An amount in major units within the business limit, never negative.
Amount = Annotated[BusinessAmount, AfterValidator(_not_negative)]
#: A scorecard input from the application form: a short one-line text or a finite number.
Attribute = Name | int | Annotated[float, Field(allow_inf_nan=False)] | None


class ApplicantIn(BaseModel):
    name: Name
    phone: Phone = Field(description="E.164 or a national number of the jurisdiction")
    id_number: IdNumber
    birth_date: date = Field(ge=date(1900, 1, 1), le=date(2199, 12, 31))
    language: Language = Field("zh-CN", description="The notice's first language")


class ConsentIn(BaseModel):
    purpose: Ref = Field(description="credit_assessment is required")
    given_at: Ref = Field(description="ISO-8601 time the applicant agreed")


class ApplicationIn(BaseModel):
    external_ref: Ref | None = None
    product: Ref | None = Field(None, description="Product code; default: the policy's product")
    amount: Amount = Field(description='Amount requested, major units ("5000.00")')
    currency: CurrencyCode = "CNY"
    term: int = Field(ge=1, le=360, description="Number of instalments")
    monthly_income: Amount = Field(description="Declared monthly income, major units")
    monthly_obligations: Amount = Field("0", description="Declared monthly repayments elsewhere")
    applicant: ApplicantIn
    consents: list[ConsentIn] = Field(max_length=20)
    attributes: dict[Ref, Attribute] = Field(
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


class NoticeSentOut(BaseModel):
    allowed: bool
    rule_ids: list[str]
    outbox_id: str | None
    borrower_id: str
