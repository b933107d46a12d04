"""Messaging tables: templates, the outbox, delivery receipts and inbound replies.

The outbox row is the single record of a message's life: planned → sending → sent → delivered, or blocked (the gate
said no at send time), failed (retry pending, or outcome unknown), dead (gave up after N attempts), expired (its
validity passed and no fresh text could be made).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from faircollect.db import Base
from faircollect.privacy.sealed import Sealed

#: Outbox message states.
PLANNED = "planned"
SENDING = "sending"
SENT = "sent"
DELIVERED = "delivered"
FAILED = "failed"
DEAD = "dead"
BLOCKED = "blocked"
#: Its validity passed before it could be sent, and no fresh text could be made (messaging.validity).
EXPIRED = "expired"
STATUSES = (PLANNED, SENDING, SENT, DELIVERED, FAILED, DEAD, BLOCKED, EXPIRED)
#: States in which a message has left us (a verification lookup calls these genuine).
LEFT_US = (SENT, DELIVERED)
#: States a dispatcher never touches again.
TERMINAL = (SENT, DELIVERED, DEAD, BLOCKED, EXPIRED)


class MessageTemplate(Base):
    """One version of a message template (per key, channel and language). Saved only if the linter allows it."""

    __tablename__ = "message_template"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    key: Mapped[str] = mapped_column(String(80))
    channel: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(8))
    version: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    recipient_role: Mapped[str] = mapped_column(String(24), default="borrower")
    #: The template states a fact that is lawful only when true (a visit approved, a lawsuit filed); the linter
    #: is run with that context at save time and the gate lints the real text with the real facts at send time.
    requires_visit_approved: Mapped[bool] = mapped_column(Boolean, default=False)
    requires_lawsuit_filed: Mapped[bool] = mapped_column(Boolean, default=False)
    lint_verdict: Mapped[str] = mapped_column(String(8))
    lint_findings: Mapped[list[Any]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint("key", "channel", "language", "version", name="uq_message_template_version"),
    )


class OutboxMessage(Base):
    """A planned contact written in the same transaction as the gate decision that allowed (or denied) it."""

    __tablename__ = "outbox_message"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    borrower_id: Mapped[str] = mapped_column(String(40), ForeignKey("borrower.id"), index=True)
    loan_id: Mapped[str | None] = mapped_column(String(40), ForeignKey("loan.id"), nullable=True)
    case_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    channel: Mapped[str] = mapped_column(String(16))
    recipient_role: Mapped[str] = mapped_column(String(24))
    # The address and the text are sealed under the borrower's data key; address_bidx finds messages to an address.
    address_enc: Mapped[str | None] = mapped_column(Text)
    address_bidx: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(8), nullable=True)
    body_enc: Mapped[str | None] = mapped_column(Text)
    verification_code: Mapped[str] = mapped_column(String(16), unique=True)
    lender: Mapped[str] = mapped_column(String(120))
    template_key: Mapped[str | None] = mapped_column(String(80), nullable=True)
    planned_for: Mapped[datetime]
    #: Stale after this instant (messaging.validity): re-rendered with fresh facts, or expired.
    valid_until: Mapped[datetime | None] = mapped_column(nullable=True)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    lease_until: Mapped[datetime | None] = mapped_column(nullable=True)
    lease_owner: Mapped[str | None] = mapped_column(String(80), nullable=True)
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True)
    provider: Mapped[str | None] = mapped_column(String(40), nullable=True)
    provider_message_id: Mapped[str | None] = mapped_column(String(120), nullable=True, index=True)
    contact_attempt_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    experiment: Mapped[str | None] = mapped_column(String(80), nullable=True)
    arm: Mapped[str | None] = mapped_column(String(80), nullable=True)
    assignment_probability: Mapped[Decimal | None] = mapped_column(Numeric(12, 10), nullable=True)
    plan_rule_ids: Mapped[list[Any]] = mapped_column(JSON)
    #: The linter's verdict on ``body`` at plan time with its key (``compliance.linter.reuse``): the gate reuses it
    #: at send time when the key is unchanged (same text, context, jurisdiction and linter). None: not linted.
    plan_lint: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    send_rule_ids: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    verify_failures: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None] = mapped_column(nullable=True)
    delivered_at: Mapped[datetime | None] = mapped_column(nullable=True)

    __table_args__ = (
        Index("ix_outbox_message_due", "status", "next_attempt_at"),
        Index("ix_outbox_message_address_bidx", "address_bidx"),
    )

    address = Sealed(subject="borrower_id", index="address")
    body = Sealed(subject="borrower_id")


class DeliveryReceipt(Base):
    """A provider's report on a message (delivered, failed, …), as received."""

    __tablename__ = "delivery_receipt"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    outbox_message_id: Mapped[str | None] = mapped_column(
        String(40), ForeignKey("outbox_message.id"), nullable=True, index=True
    )
    provider: Mapped[str] = mapped_column(String(40))
    provider_message_id: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(16))
    provider_status: Mapped[str] = mapped_column(String(40))
    error_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    raw: Mapped[dict[str, Any]]
    received_at: Mapped[datetime]


class InboundReply(Base):
    """A reply a recipient sent us (e.g. 回T退订 / STOP), matched to a borrower when the address is known."""

    __tablename__ = "inbound_reply"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    provider: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(16))
    # Sealed under the matched borrower's key, or under a key of this reply alone when unmatched.
    from_address_enc: Mapped[str | None] = mapped_column(Text)
    from_address_bidx: Mapped[str | None] = mapped_column(String(64), index=True)
    to_address: Mapped[str | None] = mapped_column(String(200), nullable=True)  # the lender's own number
    body_enc: Mapped[str | None] = mapped_column(Text)
    borrower_id: Mapped[str | None] = mapped_column(
        String(40), ForeignKey("borrower.id"), nullable=True, index=True
    )
    outbox_message_id: Mapped[str | None] = mapped_column(
        String(40), ForeignKey("outbox_message.id"), nullable=True
    )
    is_opt_out: Mapped[bool] = mapped_column(Boolean)
    provider_message_id: Mapped[str | None] = mapped_column(String(120), nullable=True)
    received_at: Mapped[datetime]

    from_address = Sealed(subject="borrower_id", index="address")
    body = Sealed(subject="borrower_id")
