"""One-time codes for the portal: sign-in and e-signature, sent through the messaging providers to the phone on file.

A code is 6 digits, valid ``TTL`` minutes, single-use, and dies after ``MAX_FAILED`` wrong tries. At most
``MAX_PER_WINDOW`` codes per borrower per ``WINDOW`` are issued (stored counts: the limit holds across processes
and restarts). Only SHA-256(id ‖ code) is stored. Every issue, success and failure is audited (never the code).
The code message names the lender and says what the code is for — never the debt.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from faircollect.compliance.audit import service as audit
from faircollect.kit.errors import FaircollectError, NotFound, ValidationError
from faircollect.kit.ids import new_id
from faircollect.kit.masking import mask_phone
from faircollect.kit.time import ensure_aware, utc_now
from faircollect.ledger.models import Borrower, Loan
from faircollect.messaging.providers.base import OutgoingMessage, Provider
from faircollect.portal.models import PortalOtp

TTL: Final = timedelta(minutes=10)
WINDOW: Final = timedelta(minutes=15)
MAX_PER_WINDOW: Final = 3
MAX_FAILED: Final = 5


class TooManyCodes(FaircollectError):
    status = 429


@dataclass(frozen=True)
class Issued:
    otp_id: str
    borrower_id: str
    masked_to: str


def _hash(otp_id: str, code: str) -> str:
    return hashlib.sha256(f"{otp_id}:{code}".encode()).hexdigest()


def find_borrower(session: Session, identifier: str) -> Borrower | None:
    """The borrower a sign-in identifier names: a loan reference (or id) or the phone number on file."""
    text = (identifier or "").strip()
    if not text or len(text) > 80:
        return None
    loan = session.scalar(select(Loan).where(or_(Loan.external_ref == text, Loan.id == text)))
    if loan is not None:
        return session.get(Borrower, loan.borrower_id)
    digits = "".join(ch for ch in text if ch.isdigit() or ch == "+")
    if len(digits) < 6:
        return None
    variants = {digits, digits.removeprefix("+86"), "+86" + digits.removeprefix("+86")}
    # Phones are sealed at rest: found through their keyed blind index (privacy.Sealed.lookup_any).
    return session.scalar(select(Borrower).where(Borrower.phone.lookup_any(sorted(variants))).limit(1))


def issue(
    session: Session,
    *,
    borrower_id: str,
    purpose: str,
    provider: Provider,
    lender: str,
    subject_id: str | None = None,
    now: datetime | None = None,
) -> Issued:
    """Create a code, commit-ready, and send it to the borrower's phone through ``provider``. Audited."""
    now = ensure_aware(now) if now else utc_now()
    borrower = session.get(Borrower, borrower_id)
    if borrower is None:
        raise NotFound(f"no borrower {borrower_id!r}", field="borrower_id")
    if not borrower.phone:
        raise ValidationError("no phone number on file to send a code to", field="phone")
    recent = session.scalar(
        select(func.count())
        .select_from(PortalOtp)
        .where(PortalOtp.borrower_id == borrower_id, PortalOtp.created_at > now - WINDOW)
    )
    if (recent or 0) >= MAX_PER_WINDOW:
        audit.record(
            session,
            actor=f"borrower:{borrower_id}",
            action="portal.otp_refused",
            subject_type="borrower",
            subject_id=borrower_id,
            payload={"purpose": purpose, "reason": "rate_limited"},
        )
        raise TooManyCodes(f"at most {MAX_PER_WINDOW} codes per {int(WINDOW.total_seconds() // 60)} minutes")
    code = f"{secrets.randbelow(1_000_000):06d}"
    row = PortalOtp(
        id=new_id("otp"),
        borrower_id=borrower_id,
        purpose=purpose,
        subject_id=subject_id,
        code_hash="",
        channel="sms",
        created_at=now,
        expires_at=now + TTL,
        failed_attempts=0,
    )
    row.code_hash = _hash(row.id, code)
    session.add(row)
    session.flush()
    what = {"sign_in": "登录 sign-in", "sign_plan": "签署还款协议 signing your plan"}[purpose]
    body = (
        f"【{lender}】验证码 {code}，用于{what}，{int(TTL.total_seconds() // 60)}分钟内有效。"
        f"请勿告诉任何人，我们不会索要验证码。 Your code {code} ({what}); never share it."
    )
    provider.send(
        OutgoingMessage(
            message_id=row.id,
            channel="sms",
            to=borrower.phone,
            body=body,
            idempotency_key=row.id,
            verification_code="",
            lender=lender,
        )
    )
    masked = mask_phone(borrower.phone)
    audit.record(
        session,
        actor=f"borrower:{borrower_id}",
        action="portal.otp_sent",
        subject_type="borrower",
        subject_id=borrower_id,
        payload={"otp_id": row.id, "purpose": purpose, "to": masked, "subject_id": subject_id},
    )
    return Issued(row.id, borrower_id, masked)


def verify(
    session: Session,
    *,
    borrower_id: str,
    purpose: str,
    code: str,
    subject_id: str | None = None,
    now: datetime | None = None,
) -> bool:
    """True once for the right code of a live, unused code of this purpose; every outcome is audited."""
    now = ensure_aware(now) if now else utc_now()
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    rows = session.scalars(
        select(PortalOtp)
        .where(
            PortalOtp.borrower_id == borrower_id,
            PortalOtp.purpose == purpose,
            PortalOtp.used_at.is_(None),
            PortalOtp.expires_at > now,
            PortalOtp.failed_attempts < MAX_FAILED,
        )
        .order_by(PortalOtp.created_at.desc())
        .with_for_update()
    ).all()
    rows = [r for r in rows if subject_id is None or r.subject_id == subject_id]
    for row in rows:
        if len(code) == 6 and hmac.compare_digest(row.code_hash, _hash(row.id, code)):
            row.used_at = now
            audit.record(
                session,
                actor=f"borrower:{borrower_id}",
                action="portal.otp_verified",
                subject_type="borrower",
                subject_id=borrower_id,
                payload={"otp_id": row.id, "purpose": purpose},
            )
            return True
    for (
        row
    ) in rows:  # a wrong guess counts against every live code: guessing among several codes gains nothing
        row.failed_attempts += 1
    audit.record(
        session,
        actor=f"borrower:{borrower_id}",
        action="portal.otp_failed",
        subject_type="borrower",
        subject_id=borrower_id,
        payload={"purpose": purpose, "live_codes": len(rows)},
    )
    return False
