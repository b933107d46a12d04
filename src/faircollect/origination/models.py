"""Origination tables: applications with their decisions, and the lender's block list.

Personal data (name, birth date, phone, ID number) is sealed (``privacy.Sealed``: AES-GCM under a per-application data key) with blind indexes on phone
and ID number, which is how duplicate and velocity checks find earlier applications of the same person without
the database holding a phone or ID in clear.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from faircollect.db import Base
from faircollect.kit.time import utc_now
from faircollect.privacy.sealed import Sealed

OUTCOMES = ("approve", "refer", "decline")


class Application(Base):
    __tablename__ = "application"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    external_ref: Mapped[str | None] = mapped_column(String(80), unique=True)
    received_at: Mapped[datetime] = mapped_column(default=utc_now, index=True)
    product_code: Mapped[str] = mapped_column(String(60))
    currency: Mapped[str] = mapped_column(String(3))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    term: Mapped[int] = mapped_column(Integer)
    jurisdiction: Mapped[str] = mapped_column(String(8))
    language: Mapped[str] = mapped_column(String(16))
    birth_date_enc: Mapped[str | None] = mapped_column(Text)
    #: Whole years on the decision date: what the scorecard read, kept in clear for monitoring (the date is sealed).
    age_at_application: Mapped[int] = mapped_column(Integer)
    monthly_income_minor: Mapped[int] = mapped_column(BigInteger)
    monthly_obligations_minor: Mapped[int] = mapped_column(BigInteger)
    attributes: Mapped[dict[str, Any]]
    consents: Mapped[dict[str, Any]]
    name_enc: Mapped[str | None] = mapped_column(Text)
    phone_enc: Mapped[str | None] = mapped_column(Text)
    phone_bidx: Mapped[str | None] = mapped_column(String(64), index=True)
    id_number_enc: Mapped[str | None] = mapped_column(Text)
    id_number_bidx: Mapped[str | None] = mapped_column(String(64), index=True)
    outcome: Mapped[str] = mapped_column(String(10))
    score: Mapped[int | None] = mapped_column(Integer)
    decision: Mapped[dict[str, Any]]
    policy_key: Mapped[str] = mapped_column(String(80))
    model_key: Mapped[str] = mapped_column(String(80))
    inputs_hash: Mapped[str] = mapped_column(String(64))
    borrower_id: Mapped[str | None] = mapped_column(String(40))
    loan_id: Mapped[str | None] = mapped_column(String(40))

    name = Sealed(subject="id")
    birth_date = Sealed(subject="id")  # ISO 8601 text, e.g. "1990-03-07"
    phone = Sealed(subject="id", index="phone")
    id_number = Sealed(subject="id", index="id_number")

    __table_args__ = (CheckConstraint("outcome IN ('approve', 'refer', 'decline')", name="outcome"),)


class BlockListEntry(Base):
    """A phone or ID number the lender will not lend to (fraud, a request not to be lent to).

    The value is sealed (AES-GCM under the entry's own data key) with a keyed blind index beside it, exactly as on
    ``application``: lookups compare blind indexes, and ``faircollect keys rotate`` re-computes the indexes under
    the new key from the sealed values (a bare hash could not be re-computed, and the entry would stop matching)."""

    __tablename__ = "application_block"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    phone_enc: Mapped[str | None] = mapped_column(Text)
    phone_bidx: Mapped[str | None] = mapped_column(String(64), index=True)
    id_number_enc: Mapped[str | None] = mapped_column(Text)
    id_number_bidx: Mapped[str | None] = mapped_column(String(64), index=True)
    reason: Mapped[str] = mapped_column(String(200))
    added_at: Mapped[datetime] = mapped_column(default=utc_now)
    added_by: Mapped[str] = mapped_column(String(120))

    phone = Sealed(subject="id", index="phone")
    id_number = Sealed(subject="id", index="id_number")

    __table_args__ = (CheckConstraint("kind IN ('phone', 'id_number')", name="kind"),)
