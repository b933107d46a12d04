"""Verification codes: every outgoing message carries one, so whoever holds a message can check it is genuine.

A code is 8 characters of Crockford base32 (no I, L, O or U: nothing to misread), never two letters side by side
(so it cannot spell an abbreviation the linter flags), about 35 random bits, unique.
``verify`` says whether a message with that code really left the lender, from which lender, on which channel and
when, and to a *masked* recipient. It never reveals the debt, the amount or the text to someone who is not the
borrower: the text is shown only to a holder who proves they are the recipient (the last four digits of the phone
number, or the full e-mail address, the message went to). Five wrong proofs lock the text of that message for good.
Collection scams are common; this lets a borrower check a message without calling a number the message gave.
"""

from __future__ import annotations

import hmac
import itertools
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from faircollect.kit.masking import mask_phone
from faircollect.messaging.models import DEAD, FAILED, LEFT_US, SENDING, OutboxMessage

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32
CODE_LENGTH = 8
MAX_PROOF_FAILURES = 5
_CODE_RE = re.compile(rf"^[{ALPHABET}]{{{CODE_LENGTH}}}$")
_READ_AS = str.maketrans({"I": "1", "L": "1", "O": "0", "U": "V"})


def new_code() -> str:
    """A fresh random code with no two letters side by side (uniqueness: see ``unique_code``).

    Letter pairs read as pinyin abbreviations (SB, BG = 曝光, CP …) that the message linter rightly flags, so a
    random code must never form one. About 35 bits remain (≈ 3·10¹⁰ codes)."""
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        if not any(a.isalpha() and b.isalpha() for a, b in itertools.pairwise(code)):
            return code


def unique_code(session: Session) -> str:
    """A code not used by any stored message (40 bits: a collision is rare; we check anyway)."""
    while True:
        code = new_code()
        hit = session.execute(select(OutboxMessage.id).where(OutboxMessage.verification_code == code)).first()
        if hit is None:
            return code


def normalise_code(text: str) -> str | None:
    """Read a code as a person types it: any case, spaces or hyphens, I/L for 1, O for 0. None if malformed."""
    cleaned = re.sub(r"[\s\-_.]", "", text or "").upper().translate(_READ_AS)
    return cleaned if _CODE_RE.match(cleaned) else None


def mask_address(channel: str, address: str) -> str:
    if "@" in address:
        local, _, domain = address.partition("@")
        return (local[:1] or "*") + "***@" + domain
    return mask_phone(address)


@dataclass(frozen=True, slots=True)
class VerificationResult:
    """What a verification lookup may say. ``body`` is set only for a holder who proved to be the recipient."""

    code: str
    genuine: bool
    message: str
    lender: str | None = None
    channel: str | None = None
    sent_at: datetime | None = None
    status: str | None = None
    recipient: str | None = None  # masked
    recipient_confirmed: bool = False
    body: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "genuine": self.genuine,
            "message": self.message,
            "lender": self.lender,
            "channel": self.channel,
            "sent_at": self.sent_at.isoformat() if self.sent_at else None,
            "status": self.status,
            "recipient": self.recipient,
            "recipient_confirmed": self.recipient_confirmed,
            "body": self.body,
        }


def _proof_matches(address: str, proof: str) -> bool:
    proof = proof.strip()
    if "@" in address:
        return hmac.compare_digest(proof.lower().encode(), address.strip().lower().encode())
    digits = re.sub(r"\D", "", address)
    given = re.sub(r"\D", "", proof)
    return len(given) == 4 and hmac.compare_digest(given.encode(), digits[-4:].encode())


_NOT_OURS = (
    "No message with this code was sent by us. Treat the message as a possible scam: do not pay, do not call "
    "numbers it gives; contact the lender through its official channels. / 查无此核验码：该消息并非本机构发送，"
    "可能是诈骗，请勿付款或回拨其中号码，请通过官方渠道联系。"
)


def verify(session: Session, code: str, *, proof: str | None = None) -> VerificationResult:
    """Is the message carrying ``code`` genuine? ``proof``: last 4 phone digits or the e-mail address it went to.

    Writes (counts a failed proof) only when ``proof`` is given and wrong; the caller's unit of work commits.
    """
    norm = normalise_code(code)
    if norm is None:
        return VerificationResult(
            code=code,
            genuine=False,
            message="Not a valid code: codes are 8 letters and digits. / 核验码格式不正确（8位字母数字）。",
        )
    msg = session.execute(
        select(OutboxMessage).where(OutboxMessage.verification_code == norm)
    ).scalar_one_or_none()
    confirmed_sent = msg is not None and msg.status in LEFT_US and msg.sent_at is not None
    # A send was attempted but not confirmed (a worker died mid-send, a failure after the provider took it): the
    # message may have reached someone, and only we could have issued the code.
    maybe_sent = msg is not None and msg.attempts > 0 and msg.status in (SENDING, FAILED, DEAD)
    if msg is None or not (confirmed_sent or maybe_sent):
        # A planned or blocked message never left us: as far as a holder is concerned it is not ours.
        return VerificationResult(code=norm, genuine=False, message=_NOT_OURS)
    confirmed = False
    note = ""
    if proof:
        if msg.verify_failures >= MAX_PROOF_FAILURES:
            note = " Too many wrong proofs: the text of this message can no longer be shown here."
        elif _proof_matches(msg.address, proof):
            confirmed = True
        else:
            msg.verify_failures += 1
            session.flush()
            note = " The proof did not match the recipient, so the text is not shown."
    return VerificationResult(
        code=norm,
        genuine=True,
        message=(
            (
                f"Genuine: sent by {msg.lender} by {msg.channel} on {msg.sent_at:%Y-%m-%d %H:%M} UTC to "
                f"{mask_address(msg.channel, msg.address)}. / 真实消息：由{msg.lender}发送。"
                if confirmed_sent and msg.sent_at is not None
                else f"Genuine code issued by {msg.lender} for a {msg.channel} message to "
                f"{mask_address(msg.channel, msg.address)}; its delivery was not confirmed. / "
                f"该核验码由{msg.lender}签发，投递未确认。"
            )
            + note
        ),
        lender=msg.lender,
        channel=msg.channel,
        sent_at=msg.sent_at,
        status=msg.status,
        recipient=mask_address(msg.channel, msg.address),
        recipient_confirmed=confirmed,
        body=msg.body if confirmed else None,
    )
