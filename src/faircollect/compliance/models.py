"""Contact facts the gate decides on: attempts (across lender and agencies), holds, channel preferences,
lender rule overrides, and one lock row per borrower that serialises cap checks.

There is deliberately no table for a borrower's phone contacts (CN-NO-CONTACT-LIST).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from faircollect.db import Base
from faircollect.kit.time import utc_now
from faircollect.privacy.sealed import Sealed

#: Kinds of channel_preference rows. ``opt_out``/``consent`` are per channel; ``third_party_stop`` is a third
#: party's request not to be contacted again (per address); ``agreed_window`` is a contact window the borrower
#: agreed to (value = {"start": "HH:MM", "end": "HH:MM"}).
PREFERENCE_KINDS = ("opt_out", "consent", "third_party_stop", "agreed_window")


class ContactAttempt(Base):
    """One contact attempt by the lender or any of its agencies (the cross-agency counter, CN-FREQ-*)."""

    __tablename__ = "contact_attempt"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    borrower_id: Mapped[str] = mapped_column(ForeignKey("borrower.id"))
    loan_id: Mapped[str | None] = mapped_column(ForeignKey("loan.id"))
    channel: Mapped[str] = mapped_column(String(16))
    recipient_role: Mapped[str] = mapped_column(String(24))
    purpose: Mapped[str] = mapped_column(String(16), default="collect")
    # Sealed under the borrower's key; address_bidx counts attempts per address (CN-FREQ-*).
    address_enc: Mapped[str | None] = mapped_column(Text)
    address_bidx: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime]
    outcome: Mapped[str] = mapped_column(String(24))
    agency_id: Mapped[str | None] = mapped_column(String(40))  # None = the lender's own staff
    actor: Mapped[str] = mapped_column(String(120))
    decision_ref: Mapped[str | None] = mapped_column(String(80))  # e.g. "audit:1234", the gate decision
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    __table_args__ = (Index("ix_contact_attempt_borrower_at", "borrower_id", "at"),)

    address = Sealed(subject="borrower_id", index="address")


class Hold(Base):
    """A hold that stops (some) contact: dispute, complaint, cease-contact, hardship, bankruptcy, deceased, ..."""

    __tablename__ = "hold"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    borrower_id: Mapped[str] = mapped_column(ForeignKey("borrower.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    # Why (often what the person told us: a dispute, an illness): sealed under the borrower's data key.
    reason_enc: Mapped[str | None] = mapped_column(Text)
    set_by: Mapped[str] = mapped_column(String(120))
    set_at: Mapped[datetime] = mapped_column(default=utc_now)
    until: Mapped[datetime | None]
    released_at: Mapped[datetime | None]
    released_by: Mapped[str | None] = mapped_column(String(120))
    release_reason_enc: Mapped[str | None] = mapped_column(Text)

    reason = Sealed(subject="borrower_id")
    release_reason = Sealed(subject="borrower_id")


class ChannelPreference(Base):
    """Opt-outs and consents per channel, third-party stop requests, agreed contact windows (with source)."""

    __tablename__ = "channel_preference"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    borrower_id: Mapped[str] = mapped_column(ForeignKey("borrower.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    channel: Mapped[str | None] = mapped_column(String(16))  # None = every channel
    address_enc: Mapped[str | None] = mapped_column(Text)  # sealed; None = every address
    address_bidx: Mapped[str | None] = mapped_column(String(64))
    value: Mapped[dict[str, Any] | None]
    at: Mapped[datetime]
    source: Mapped[str] = mapped_column(
        String(120)
    )  # e.g. "sms reply STOP", "call recording 2026-…", "letter"
    actor: Mapped[str] = mapped_column(String(120))
    revoked_at: Mapped[datetime | None]

    address = Sealed(subject="borrower_id", index="address")


class RuleOverride(Base):
    """A lender's change to a rule's parameters, with the reason and who made it (see compliance.rulebook)."""

    __tablename__ = "rule_override"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    jurisdiction: Mapped[str] = mapped_column(String(8))
    rule_id: Mapped[str] = mapped_column(String(60))
    params: Mapped[dict[str, Any]]
    reason: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    __table_args__ = (Index("ix_rule_override_jurisdiction_rule_id", "jurisdiction", "rule_id"),)


class BorrowerContactLock(Base):
    """One row per borrower; ``SELECT … FOR UPDATE`` on it serialises decide + record for that borrower."""

    __tablename__ = "borrower_contact_lock"

    borrower_id: Mapped[str] = mapped_column(ForeignKey("borrower.id"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
