"""Ledger tables: borrowers, their registered contacts, products (versioned), loans, events, entries, buckets.

Money is ``BigInteger`` minor units beside a ``String(3)`` currency; timestamps are aware UTC. Balances are never
stored: a loan's state is replayed from its terms and events; ``ledger_entry`` rows are derived from that replay
and only ever appended (a correction is a new, opposite entry).
"""

from __future__ import annotations

import datetime as dt
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from faircollect.db import Base
from faircollect.kit.time import utc_now
from faircollect.privacy.sealed import Sealed

#: Who a borrower_contact may be. There is deliberately no address-book role: third parties are only the
#: guarantor, a joint debtor, or a contact the borrower registered themselves.
CONTACT_ROLES = ("guarantor", "joint_debtor", "registered_contact")

LOAN_STATUSES = ("application", "approved", "active", "closed", "written_off")

EVENT_TYPES = ("disbursement", "payment", "reversal", "waiver", "pause", "write_off", "restructure")


class Borrower(Base):
    __tablename__ = "borrower"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    external_ref: Mapped[str | None] = mapped_column(String(80), unique=True)
    # Personal data is stored sealed under the borrower's data key (privacy/); *_bidx are keyed blind indexes.
    name_enc: Mapped[str | None] = mapped_column(Text)
    phone_enc: Mapped[str | None] = mapped_column(Text)
    phone_bidx: Mapped[str | None] = mapped_column(String(64), index=True)
    email_enc: Mapped[str | None] = mapped_column(Text)
    email_bidx: Mapped[str | None] = mapped_column(String(64), index=True)
    id_number_enc: Mapped[str | None] = mapped_column(Text)
    id_number_bidx: Mapped[str | None] = mapped_column(String(64), index=True)
    address_enc: Mapped[str | None] = mapped_column(Text)  # postal address for letters (no blind index)
    timezone: Mapped[str | None] = mapped_column(String(64))  # IANA; None = unknown (strictest rules apply)
    jurisdiction: Mapped[str] = mapped_column(String(8), default="CN")
    language: Mapped[str] = mapped_column(String(16), default="zh-CN")
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    name = Sealed(subject="id")
    phone = Sealed(subject="id", index="phone")
    email = Sealed(subject="id", index="email")
    id_number = Sealed(subject="id", index="id_number")
    address = Sealed(subject="id")


class BorrowerContact(Base):
    """A third party the lender may contact about a loan: guarantor, joint debtor or registered contact."""

    __tablename__ = "borrower_contact"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    borrower_id: Mapped[str] = mapped_column(ForeignKey("borrower.id"), index=True)
    loan_id: Mapped[str | None] = mapped_column(ForeignKey("loan.id"))
    role: Mapped[str] = mapped_column(String(20))
    # Sealed under the borrower's data key: erasing the borrower erases their contacts too.
    name_enc: Mapped[str | None] = mapped_column(Text)
    phone_enc: Mapped[str | None] = mapped_column(Text)
    phone_bidx: Mapped[str | None] = mapped_column(String(64), index=True)
    email_enc: Mapped[str | None] = mapped_column(Text)
    email_bidx: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    name = Sealed(subject="borrower_id")
    phone = Sealed(subject="borrower_id", index="phone")
    email = Sealed(subject="borrower_id", index="email")

    __table_args__ = (
        CheckConstraint("role IN ('guarantor', 'joint_debtor', 'registered_contact')", name="role"),
    )


class Product(Base):
    __tablename__ = "product"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    currency: Mapped[str] = mapped_column(String(3))
    jurisdiction: Mapped[str] = mapped_column(String(8), default="CN")
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class ProductVersion(Base):
    """An immutable version of a product's default terms. A loan keeps the version it was made on."""

    __tablename__ = "product_version"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    product_id: Mapped[str] = mapped_column(ForeignKey("product.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    terms: Mapped[dict[str, Any]]  # default TERMS.json fields (no principal / dates)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    __table_args__ = (
        UniqueConstraint("product_id", "version", name="uq_product_version_product_id_version"),
    )


class Loan(Base):
    __tablename__ = "loan"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    external_ref: Mapped[str | None] = mapped_column(String(80), unique=True)
    borrower_id: Mapped[str] = mapped_column(ForeignKey("borrower.id"), index=True)
    product_version_id: Mapped[str | None] = mapped_column(ForeignKey("product_version.id"))
    terms: Mapped[dict[str, Any]]  # the resolved TERMS.json (ledger.terms_json)
    currency: Mapped[str] = mapped_column(String(3))
    principal_minor: Mapped[int] = mapped_column(BigInteger)
    jurisdiction: Mapped[str] = mapped_column(String(8), default="CN")
    status: Mapped[str] = mapped_column(String(20), default="application")
    bucket_set: Mapped[str] = mapped_column(String(20), default="cn")
    #: The allocation waterfall ``{"order": [...], "style": ...}``; None = penalty → fees → interest → principal.
    waterfall: Mapped[dict[str, Any] | None]
    #: The last bucket written to bucket_history (a pointer for ageing; the state itself is always replayed).
    bucket: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    approved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]

    __table_args__ = (
        CheckConstraint(
            "status IN ('application', 'approved', 'active', 'closed', 'written_off')", name="status"
        ),
        Index("ix_loan_status", "status"),
    )


class LoanEvent(Base):
    """Something that happened to a loan. ``key`` is the idempotency key, unique per loan."""

    __tablename__ = "loan_event"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    loan_id: Mapped[str] = mapped_column(ForeignKey("loan.id"))
    key: Mapped[str] = mapped_column(String(120))
    type: Mapped[str] = mapped_column(String(20))
    date: Mapped[dt.date] = mapped_column(Date)
    amount_minor: Mapped[int | None] = mapped_column(BigInteger)
    payload: Mapped[dict[str, Any]]  # the event as ledger.events_json writes it
    actor: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[datetime] = mapped_column(default=utc_now)

    __table_args__ = (
        UniqueConstraint("loan_id", "key", name="uq_loan_event_loan_id_key"),
        CheckConstraint(
            "type IN ('disbursement', 'payment', 'reversal', 'waiver', 'pause', 'write_off', 'restructure')",
            name="type",
        ),
    )


class LedgerEntry(Base):
    """One money movement: a tranche paid out, or an amount applied to / taken back from one component of one
    instalment.

    ``amount_minor`` is signed: positive applies money, negative undoes an earlier application (a reversal, a
    back-dated payment that moved allocations). Summing a loan's entries per (kind, instalment, component) gives
    exactly the replay's postings; summing its payment-side kinds gives exactly the payments not reversed.
    """

    __tablename__ = "ledger_entry"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    loan_id: Mapped[str] = mapped_column(ForeignKey("loan.id"))
    event_id: Mapped[str | None] = mapped_column(ForeignKey("loan_event.id"))
    #: disbursement | written_off, or a replay posting: payment | waiver | prepayment | reallocated | credit
    kind: Mapped[str] = mapped_column(String(20))
    instalment_number: Mapped[int | None] = mapped_column(Integer)
    component: Mapped[str] = mapped_column(String(20))  # principal | interest | fees | penalty | credit
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    value_date: Mapped[dt.date] = mapped_column(Date)
    booked_at: Mapped[datetime] = mapped_column(default=utc_now)

    __table_args__ = (Index("ix_ledger_entry_loan_id", "loan_id"),)


class BucketHistory(Base):
    """Every change of a loan's delinquency bucket (M0 → M1 → ...), written by ``age_loans``."""

    __tablename__ = "bucket_history"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    loan_id: Mapped[str] = mapped_column(ForeignKey("loan.id"))
    date: Mapped[dt.date] = mapped_column(Date)
    from_bucket: Mapped[str | None] = mapped_column(String(20))
    to_bucket: Mapped[str] = mapped_column(String(20))
    days_past_due: Mapped[int] = mapped_column(Integer)
    bucket_set: Mapped[str] = mapped_column(String(20))
    recorded_at: Mapped[datetime] = mapped_column(default=utc_now)

    __table_args__ = (Index("ix_bucket_history_loan_id_date", "loan_id", "date"),)
