"""Borrower-portal tables: one-time sign-in and signing codes, relief applications, complaint attachments.

Codes are stored as SHA-256 of (id, code) only; attachments are stored encrypted (``privacy`` envelope keys when
that module is present). Money is ``BigInteger`` minor units beside ``String(3)`` currency; times are aware UTC.
"""

from __future__ import annotations

import datetime as dt
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from faircollect.db import Base
from faircollect.kit.time import utc_now
from faircollect.privacy.sealed import Sealed

OTP_PURPOSES = ("sign_in", "sign_plan")
RELIEF_STATUSES = ("pending_review", "approved", "declined", "signed", "broken", "completed", "withdrawn")


class PortalOtp(Base):
    """A one-time code sent to the phone on file: expiring, single-use, a few wrong tries at most."""

    __tablename__ = "portal_otp"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    borrower_id: Mapped[str] = mapped_column(ForeignKey("borrower.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(12))
    subject_id: Mapped[str | None] = mapped_column(String(40))  # what the code signs (a relief application)
    code_hash: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (CheckConstraint("purpose IN ('sign_in', 'sign_plan')", name="purpose"),)


class ReliefApplication(Base):
    """A borrower's request for relief: reason, income and expenditure, the option chosen, its review and signing."""

    __tablename__ = "relief_application"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    borrower_id: Mapped[str] = mapped_column(ForeignKey("borrower.id"), index=True)
    loan_id: Mapped[str] = mapped_column(ForeignKey("loan.id"), index=True)
    reason: Mapped[str] = mapped_column(String(20))
    distress: Mapped[bool] = mapped_column(Boolean, default=False)
    income_minor: Mapped[int] = mapped_column(BigInteger)
    expenditure_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    kind: Mapped[str] = mapped_column(String(20))  # relief.options.KINDS
    months: Mapped[int] = mapped_column(Integer)
    on_date: Mapped[dt.date] = mapped_column(Date)  # the plan's start (the day it was priced)
    plan: Mapped[dict[str, Any]]  # {"restructure": event JSON | null, "waivers": [...], "pause_days": n}
    total_minor: Mapped[int] = mapped_column(BigInteger)
    within_policy: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    decided_by: Mapped[str | None] = mapped_column(String(120))
    decided_at: Mapped[datetime | None]
    # The reviewer's note (the borrower is told), the name typed to sign and the signed agreement (name, loan,
    # amounts): sealed under the borrower's data key.
    decision_note_enc: Mapped[str | None] = mapped_column(Text)
    signed_name_enc: Mapped[str | None] = mapped_column(Text)
    signed_at: Mapped[datetime | None]
    agreement_sha256: Mapped[str | None] = mapped_column(String(64))
    agreement_pdf_enc: Mapped[str | None] = mapped_column(Text)
    schedule_version: Mapped[int | None] = mapped_column(Integer)
    hold_id: Mapped[str | None] = mapped_column(String(40))
    grace_days: Mapped[int] = mapped_column(Integer)
    tolerance_minor: Mapped[int] = mapped_column(BigInteger)
    appended: Mapped[int] = mapped_column(Integer, default=0)  # missed instalments moved to the end so far

    decision_note = Sealed(subject="borrower_id")
    signed_name = Sealed(subject="borrower_id")
    agreement_pdf = Sealed(subject="borrower_id", binary=True)

    __table_args__ = (
        CheckConstraint(
            "status IN ('pending_review', 'approved', 'declined', 'signed', 'broken', 'completed', 'withdrawn')",
            name="status",
        ),
        CheckConstraint("grace_days >= 3", name="grace_days"),
    )


class ComplaintAttachment(Base):
    """A file a borrower attached to a complaint or dispute (type and size limited), stored encrypted."""

    __tablename__ = "complaint_attachment"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    complaint_id: Mapped[str] = mapped_column(ForeignKey("complaint.id"), index=True)
    borrower_id: Mapped[str] = mapped_column(ForeignKey("borrower.id"))
    filename_enc: Mapped[str | None] = mapped_column(Text)  # a file name can name the person: sealed
    content_type: Mapped[str] = mapped_column(String(60))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    sealed: Mapped[str] = mapped_column(Text)  # the encrypted content (privacy.encrypt token)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    filename = Sealed(subject="borrower_id")


class ComplaintExtension(Base):
    """An extension of a complaint's regulator clock (``portal.clocks``): which step, the new deadline in days from
    receipt, the reason the complainant is told (sealed under the borrower's key, like the complaint's own text),
    who took it and when. One row per step."""

    __tablename__ = "complaint_extension"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    complaint_id: Mapped[str] = mapped_column(ForeignKey("complaint.id"), index=True)
    borrower_id: Mapped[str] = mapped_column(ForeignKey("borrower.id"))  # whose key seals the reason
    step: Mapped[int] = mapped_column(Integer)
    to_days: Mapped[int] = mapped_column(Integer)
    reason_enc: Mapped[str | None] = mapped_column(Text)
    extended_by: Mapped[str] = mapped_column(String(120))
    at: Mapped[datetime]

    reason = Sealed(subject="borrower_id")

    __table_args__ = (
        CheckConstraint("step >= 1", name="step"),
        Index("uq_complaint_extension_complaint_id_step", "complaint_id", "step", unique=True),
    )
