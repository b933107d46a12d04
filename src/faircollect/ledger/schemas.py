"""API shapes of the ledger. Amounts are decimal strings in major units beside their currency; never floats."""

from __future__ import annotations

from datetime import date, datetime
from datetime import date as _Date  # PaymentIn has a field named date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from faircollect.config import get_settings
from faircollect.kit.masking import mask_id_number, mask_name, mask_phone, mask_postal_address
from faircollect.kit.money import format_minor
from faircollect.kit.time import business_date, utc_now
from faircollect.kit.types import (
    BusinessAmount,
    BusinessDate,
    CurrencyCode,
    Email,
    IdNumber,
    Jurisdiction,
    Key,
    Language,
    Name,
    Phone,
    PostalAddress,
    Ref,
    TimeZone,
)
from faircollect.ledger.models import (
    Borrower,
    BorrowerContact,
    BucketHistory,
    LedgerEntry,
    Loan,
    Product,
    ProductVersion,
)
from faircollect.ledger.service import Booking
from faircollect.ledger.types import Component, LoanState, Schedule

Amount = Field(description='Decimal string in major units ("1234.50"), never a float', examples=["1234.50"])


#: Third-party contacts one borrower may register in one request (guarantors, joint debtors, contacts).
MAX_CONTACTS = 20


def not_after_today(value: date) -> date:
    """A received payment cannot be dated after today in the lender's business zone."""
    today = business_date(utc_now(), get_settings().business_timezone)
    if value > today:
        raise ValueError(f"{value} is after today ({today}); a payment is recorded when it is received")
    return value


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- products ---------------------------------------------------------------------------------------------


class ProductIn(_In):
    code: str = Field(min_length=1, max_length=60)
    name: Name
    currency: CurrencyCode = Field(examples=["CNY"])
    jurisdiction: Jurisdiction = "CN"
    terms: dict[str, Any] = Field(
        description="Default TERMS.json fields (see docs/ledger.md); principal and dates come with each loan"
    )


class ProductVersionIn(_In):
    terms: dict[str, Any]


class ProductVersionOut(BaseModel):
    id: str
    version: int
    terms: dict[str, Any]
    created_at: datetime

    @classmethod
    def of(cls, v: ProductVersion) -> ProductVersionOut:
        return cls(id=v.id, version=v.version, terms=v.terms, created_at=v.created_at)


class ProductOut(BaseModel):
    id: str
    code: str
    name: str
    currency: str
    jurisdiction: str
    versions: list[ProductVersionOut]

    @classmethod
    def of(cls, p: Product, versions: list[ProductVersion]) -> ProductOut:
        return cls(
            id=p.id,
            code=p.code,
            name=p.name,
            currency=p.currency,
            jurisdiction=p.jurisdiction,
            versions=[ProductVersionOut.of(v) for v in versions],
        )


# --- borrowers --------------------------------------------------------------------------------------------


class ContactIn(_In):
    role: Literal["guarantor", "joint_debtor", "registered_contact"] = Field(
        description="guarantor | joint_debtor | registered_contact (there is no address book)"
    )
    name: Name
    phone: Phone | None = None
    email: Email | None = None
    loan_id: Ref | None = None


class BorrowerIn(_In):
    name: Name
    phone: Phone | None = None
    email: Email | None = None
    id_number: IdNumber | None = None
    address: PostalAddress | None = Field(
        default=None, description="Postal address for letters (up to 6 lines)"
    )
    timezone: TimeZone | None = Field(default=None, description="IANA zone, e.g. Asia/Shanghai")
    jurisdiction: Jurisdiction = "CN"
    language: Language = "zh-CN"
    external_ref: Ref | None = None
    contacts: list[ContactIn] = Field(default=[], max_length=MAX_CONTACTS)


class AddressIn(_In):
    address: PostalAddress | None = Field(
        description="Postal address for letters (up to 6 lines); null clears it"
    )


class AddressRowIn(_In):
    borrower_ref: Ref | None = None
    borrower_id: Ref | None = None
    address: PostalAddress | None = None


class AddressImportIn(_In):
    rows: list[AddressRowIn] = Field(max_length=10_000)


class AddressImportOut(BaseModel):
    changed: int
    unchanged: int


def _mask_email(value: str) -> str:
    local, _, domain = value.partition("@")
    return (local[:1] + "***@" + domain) if domain else "***"


class ContactOut(BaseModel):
    id: str
    role: str
    name: str | None = Field(description="None once the borrower's personal data was erased")
    phone: str | None
    email: str | None
    loan_id: str | None

    @classmethod
    def of(cls, c: BorrowerContact, *, reveal: bool) -> ContactOut:
        return cls(
            id=c.id,
            role=c.role,
            name=(c.name if reveal else mask_name(c.name)) if c.name is not None else None,
            phone=(c.phone if reveal else mask_phone(c.phone)) if c.phone else None,
            email=(c.email if reveal else _mask_email(c.email)) if c.email else None,
            loan_id=c.loan_id,
        )


class BorrowerOut(BaseModel):
    id: str
    external_ref: str | None
    name: str | None = Field(description="None once the borrower's personal data was erased")
    phone: str | None
    email: str | None
    id_number: str | None
    address: str | None = Field(default=None, description="Postal address; masked unless revealed")
    timezone: str | None
    jurisdiction: str
    language: str
    masked: bool = Field(description="True unless the caller asked with reveal=true")
    contacts: list[ContactOut] = []

    @classmethod
    def of(cls, b: Borrower, contacts: list[BorrowerContact], *, reveal: bool = False) -> BorrowerOut:
        return cls(
            id=b.id,
            external_ref=b.external_ref,
            name=(b.name if reveal else mask_name(b.name)) if b.name is not None else None,
            phone=(b.phone if reveal else mask_phone(b.phone)) if b.phone else None,
            email=(b.email if reveal else _mask_email(b.email)) if b.email else None,
            id_number=(b.id_number if reveal else mask_id_number(b.id_number)) if b.id_number else None,
            address=(b.address if reveal else mask_postal_address(b.address)) if b.address else None,
            timezone=b.timezone,
            jurisdiction=b.jurisdiction,
            language=b.language,
            masked=not reveal,
            contacts=[ContactOut.of(c, reveal=reveal) for c in contacts],
        )


# --- loans ------------------------------------------------------------------------------------------------


class LoanIn(_In):
    borrower_id: str
    product_version_id: str | None = None
    product_code: str | None = Field(default=None, description="Uses the product's latest version")
    terms: dict[str, Any] = Field(
        description='TERMS.json fields overriding the product\'s defaults, plus an optional "waterfall" '
        '(a name such as "principal_interest_penalty_fees" or {"order": [...], "style": ...})'
    )
    external_ref: Ref | None = None
    bucket_set: Literal["cn", "fineract"] = "cn"
    approve: bool = False


class LoanOut(BaseModel):
    id: str
    external_ref: str | None
    borrower_id: str
    product_version_id: str | None
    status: str
    currency: str
    principal: str = Amount
    jurisdiction: str
    bucket: str | None
    terms: dict[str, Any]
    waterfall: dict[str, Any] | None = Field(
        description="Allocation order; null = penalty, fees, interest, principal"
    )
    created_at: datetime

    @classmethod
    def of(cls, ln: Loan) -> LoanOut:
        return cls(
            id=ln.id,
            external_ref=ln.external_ref,
            borrower_id=ln.borrower_id,
            product_version_id=ln.product_version_id,
            status=ln.status,
            currency=ln.currency,
            principal=format_minor(ln.principal_minor, ln.currency),
            jurisdiction=ln.jurisdiction,
            bucket=ln.bucket,
            terms=ln.terms,
            waterfall=ln.waterfall,
            created_at=ln.created_at,
        )


class DisburseIn(_In):
    date: BusinessDate
    amount: BusinessAmount | None = Field(default=None, description="Default: the next planned tranche")
    key: Key | None = None


class PaymentIn(_In):
    date: BusinessDate = Field(
        description="The day the money was received; never after today (business zone)"
    )
    amount: BusinessAmount
    currency: CurrencyCode
    key: Key | None = Field(default=None, description="Idempotency key (or the Idempotency-Key header)")
    prepayment: Literal["reduce_term", "reduce_instalment"] | None = Field(
        default=None, description="reduce_term | reduce_instalment"
    )

    @field_validator("date")
    @classmethod
    def _not_in_the_future(cls, value: _Date) -> _Date:
        return not_after_today(value)


class ReversalIn(_In):
    date: BusinessDate
    key: Key | None = None


class WaiverIn(_In):
    key: Key
    date: BusinessDate
    component: Literal["penalty", "fees", "interest", "principal"] = Field(
        description="penalty | fees | interest | principal"
    )
    amount: BusinessAmount


class PauseIn(_In):
    key: Key
    start: BusinessDate
    end: BusinessDate


class WriteOffIn(_In):
    key: Key
    date: BusinessDate


class AllocationOut(BaseModel):
    instalment_number: int | None
    kind: str
    component: str
    amount: str = Amount


class BookingOut(BaseModel):
    event_id: str
    loan_id: str
    key: str
    type: str
    date: date
    amount: str | None
    currency: str
    created: bool = Field(description="False when this key was already booked with the same content")
    allocations: list[AllocationOut]

    @classmethod
    def of(cls, b: Booking) -> BookingOut:
        return cls(
            event_id=b.event_id,
            loan_id=b.loan_id,
            key=b.key,
            type=b.type,
            date=b.date,
            amount=format_minor(b.amount_minor, b.currency) if b.amount_minor is not None else None,
            currency=b.currency,
            created=b.created,
            allocations=[
                AllocationOut(
                    instalment_number=a.instalment_number,
                    kind=a.kind,
                    component=a.component,
                    amount=format_minor(a.amount_minor, b.currency),
                )
                for a in b.allocations
            ],
        )


def _components(values: dict[Component, int], currency: str) -> dict[str, str]:
    return {c.value: format_minor(values.get(c, 0), currency) for c in Component}


class InstalmentStateOut(BaseModel):
    number: int
    due_date: date
    due: dict[str, str]
    paid: dict[str, str]
    waived: dict[str, str]
    outstanding: str
    days_past_due: int


class LoanStateOut(BaseModel):
    loan_id: str
    as_of: date
    currency: str
    days_past_due: int
    delinquent_days: int
    bucket: str
    overdue: str
    overdue_by_component: dict[str, str]
    principal_outstanding: str
    unallocated: str
    written_off: bool
    closed: bool
    instalments: list[InstalmentStateOut]

    @classmethod
    def of(cls, loan_id: str, s: LoanState) -> LoanStateOut:
        cur = s.currency
        return cls(
            loan_id=loan_id,
            as_of=s.as_of,
            currency=cur,
            days_past_due=s.days_past_due,
            delinquent_days=s.delinquent_days,
            bucket=s.bucket,
            overdue=format_minor(s.overdue_minor, cur),
            overdue_by_component=_components(s.overdue_by_component, cur),
            principal_outstanding=format_minor(s.principal_outstanding_minor, cur),
            unallocated=format_minor(s.unallocated_minor, cur),
            written_off=s.written_off,
            closed=s.closed,
            instalments=[
                InstalmentStateOut(
                    number=i.number,
                    due_date=i.due_date,
                    due=_components(i.due, cur),
                    paid=_components(i.paid, cur),
                    waived=_components(i.waived, cur),
                    outstanding=format_minor(i.outstanding_total, cur),
                    days_past_due=i.days_past_due,
                )
                for i in s.instalments
            ],
        )


class InstalmentOut(BaseModel):
    number: int
    due_date: date
    principal: str
    interest: str
    fees: str
    total: str
    balance: str


class ScheduleOut(BaseModel):
    currency: str
    instalments: list[InstalmentOut]
    total_interest: str
    total_repayment: str

    @classmethod
    def of(cls, s: Schedule) -> ScheduleOut:
        cur = s.currency
        return cls(
            currency=cur,
            instalments=[
                InstalmentOut(
                    number=i.number,
                    due_date=i.due_date,
                    principal=format_minor(i.principal_minor, cur),
                    interest=format_minor(i.interest_minor, cur),
                    fees=format_minor(i.fees_minor, cur),
                    total=format_minor(i.total_minor, cur),
                    balance=format_minor(i.balance_minor, cur),
                )
                for i in s.instalments
            ],
            total_interest=format_minor(s.total_interest_minor, cur),
            total_repayment=format_minor(s.total_repayment_minor, cur),
        )


class EntryOut(BaseModel):
    id: str
    event_id: str | None
    kind: str
    instalment_number: int | None
    component: str
    amount: str = Amount
    currency: str
    value_date: date
    booked_at: datetime

    @classmethod
    def of(cls, e: LedgerEntry) -> EntryOut:
        return cls(
            id=e.id,
            event_id=e.event_id,
            kind=e.kind,
            instalment_number=e.instalment_number,
            component=e.component,
            amount=format_minor(e.amount_minor, e.currency),
            currency=e.currency,
            value_date=e.value_date,
            booked_at=e.booked_at,
        )


class BucketHistoryOut(BaseModel):
    date: date
    from_bucket: str | None
    to_bucket: str
    days_past_due: int
    bucket_set: str

    @classmethod
    def of(cls, h: BucketHistory) -> BucketHistoryOut:
        return cls(
            date=h.date,
            from_bucket=h.from_bucket,
            to_bucket=h.to_bucket,
            days_past_due=h.days_past_due,
            bucket_set=h.bucket_set,
        )


class CollectableOut(BaseModel):
    """Of what is overdue, how much may lawfully be demanded (ledger.caps.lawfully_collectable)."""

    loan_id: str
    as_of: date
    currency: str
    collectable: str = Amount
    collectable_by_component: dict[str, str]
    excluded_by_component: dict[str, str]
    reasons: list[str]
    cap_rule_id: str | None
    legal_review: bool
