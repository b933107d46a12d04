"""Verification codes: every outgoing message carries one, so whoever holds a message can check it is genuine.

A code is 8 characters of Crockford base32 (no I, L, O or U: nothing to misread), never two letters side by side
(so it cannot spell an abbreviation the linter flags), never a code the linter flags at all (digits read as letters
spell words: ``5H170G0S`` reads "shitogos" and was blocked as an insult, so the message carrying it was refused at
send time — the text the gate lints is the text sent, code included), about 35 random bits, unique.
``verify`` (public: the API's ``GET /v1/verify/{code}``, the portal's verify page, ``faircollect verify``) says
only: genuine or not, the lender, the channel, the date, the lender's official channels and the anti-scam reminder.
Never the name, the loan, an amount, the text or even a masked phone number: whoever holds a code learns nothing
about the debt. Reading the message itself needs the borrower signed in (``message_for_borrower``, called by the
portal). There is no proof to guess, so there is nothing a stranger can lock: a stranger's failed look-ups throttle
the stranger (per client address, in the API), never the borrower.
Collection scams are common; this lets a borrower check a message without calling a number the message gave.
"""

from __future__ import annotations

import itertools
import re
import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from faircollect.compliance.audit import service as audit
from faircollect.kit.errors import NotFound
from faircollect.kit.masking import mask_phone
from faircollect.kit.time import business_date
from faircollect.messaging.models import DEAD, FAILED, LEFT_US, SENDING, OutboxMessage

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32
CODE_LENGTH = 8
_CODE_RE = re.compile(rf"^[{ALPHABET}]{{{CODE_LENGTH}}}$")
_READ_AS = str.maketrans({"I": "1", "L": "1", "O": "0", "U": "V"})


def acceptable_code(code: str) -> bool:
    """May ``code`` be sent? Not when two letters stand side by side, nor when the message linter blocks it.

    Letter pairs read as pinyin abbreviations (SB, BG = 曝光, CP …) that the linter rightly flags; digits read as
    letters (5 → S, 1 → I, 0 → O …) can spell words it flags too (``5H170G0S``). The linter's text rules are the
    same in every jurisdiction, so one check covers all."""
    if any(a.isalpha() and b.isalpha() for a, b in itertools.pairwise(code)):
        return False
    from faircollect.compliance.linter import LintContext, lint  # the linter loads its model once per process

    return lint(code, LintContext(), jurisdiction="CN").verdict != "block"


def new_code() -> str:
    """A fresh random code that ``acceptable_code`` accepts (uniqueness: see ``unique_code``).

    About 35 bits remain (≈ 3·10¹⁰ codes); the linter rejects about one in 30,000 of those with no letter pair."""
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        if acceptable_code(code):
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


#: Said with every answer, genuine or not (zh and en).
ANTI_SCAM_REMINDER = (
    "协商还款不收取任何费用；只通过本机构的官方渠道还款或联系；切勿向任何个人账户转账；"
    "警惕收费的“反催收”“代理维权”“债务优化”机构。 / Negotiating your repayment is free; pay and contact us only "
    "through our official channels; never pay into a personal account; beware of anyone charging fees to "
    "'stop collection' or 'negotiate for you'."
)

_NOT_OURS = (
    "No message with this code was sent by us. Treat the message as a possible scam: do not pay, do not call "
    "numbers it gives; contact the lender through its official channels. / 查无此核验码：该消息并非本机构发送，"
    "可能是诈骗，请勿付款或回拨其中号码，请通过官方渠道联系。"
)
_MALFORMED = "Not a valid code: codes are 8 letters and digits. / 核验码格式不正确（8位字母数字）。"


@dataclass(frozen=True, slots=True)
class Verification:
    """The public answer about a code: everything here may be shown to anyone holding it."""

    code: str
    genuine: bool
    message: str
    lender: str
    official_channels: tuple[str, ...]
    reminder: str = ANTI_SCAM_REMINDER
    channel: str | None = None
    sent_on: date | None = None
    delivery_confirmed: bool | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "genuine": self.genuine,
            "message": self.message,
            "lender": self.lender,
            "channel": self.channel,
            "sent_on": self.sent_on.isoformat() if self.sent_on else None,
            "delivery_confirmed": self.delivery_confirmed,
            "official_channels": list(self.official_channels),
            "reminder": self.reminder,
        }


def _find(session: Session, norm: str) -> OutboxMessage | None:
    """The message with this code if it left us (or may have: a send attempted but not confirmed)."""
    msg = session.execute(
        select(OutboxMessage).where(OutboxMessage.verification_code == norm)
    ).scalar_one_or_none()
    if msg is None:
        return None
    confirmed_sent = msg.status in LEFT_US and msg.sent_at is not None
    # A send was attempted but not confirmed (a worker died mid-send, a failure after the provider took it): the
    # message may have reached someone, and only we could have issued the code.
    maybe_sent = msg.attempts > 0 and msg.status in (SENDING, FAILED, DEAD)
    # A planned or blocked message never left us: as far as a holder is concerned it is not ours.
    return msg if confirmed_sent or maybe_sent else None


def verify(
    session: Session,
    code: str,
    *,
    lender: str,
    official_channels: tuple[str, ...] = (),
    business_timezone: str = "Asia/Shanghai",
) -> Verification:
    """Is the message carrying ``code`` genuine? Reads only; says nothing about the borrower or the debt.

    ``lender`` and ``official_channels`` are the deployment's (shown with every answer, so that a holder of a
    forged message learns where to turn).
    """
    norm = normalise_code(code)
    if norm is None:
        return Verification(
            code=code[:40],
            genuine=False,
            message=_MALFORMED,
            lender=lender,
            official_channels=official_channels,
        )
    msg = _find(session, norm)
    if msg is None:
        return Verification(
            code=norm, genuine=False, message=_NOT_OURS, lender=lender, official_channels=official_channels
        )
    confirmed = msg.status in LEFT_US and msg.sent_at is not None
    when = msg.sent_at or msg.created_at
    sent_on = business_date(when, business_timezone)
    text = (
        f"Genuine: {msg.lender} sent this {msg.channel} message on {sent_on:%Y-%m-%d}. / "
        f"真实消息：由{msg.lender}于{sent_on:%Y-%m-%d}通过{msg.channel}发送。"
        if confirmed
        else f"Genuine code issued by {msg.lender} for a {msg.channel} message on {sent_on:%Y-%m-%d}; its "
        f"delivery was not confirmed. / 该核验码由{msg.lender}签发，投递未确认。"
    )
    return Verification(
        code=norm,
        genuine=True,
        message=text,
        lender=msg.lender,
        official_channels=official_channels,
        channel=msg.channel,
        sent_on=sent_on,
        delivery_confirmed=confirmed,
    )


def record_failed_attempt(session: Session, *, code: str, client: str, actor: str, reason: str) -> None:
    """Audit a look-up of an unknown or malformed code (who asked, from where; the code as typed, cut short)."""
    audit.record(
        session,
        actor=actor,
        action="messaging.verify_failed",
        subject_type="verification",
        subject_id=(normalise_code(code) or code.strip())[:40] or "-",
        payload={"client": client, "reason": reason},
    )


@dataclass(frozen=True, slots=True)
class BorrowerMessage:
    """A message as its signed-in recipient may read it, with the debt it names."""

    code: str
    lender: str
    channel: str
    sent_on: date | None
    body: str
    loan_id: str | None

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "lender": self.lender,
            "channel": self.channel,
            "sent_on": self.sent_on.isoformat() if self.sent_on else None,
            "body": self.body,
            "loan_id": self.loan_id,
        }


def message_for_borrower(
    session: Session, code: str, *, borrower_id: str, business_timezone: str = "Asia/Shanghai"
) -> BorrowerMessage:
    """The text of a message sent to ``borrower_id`` (the portal's signed-in borrower), audited as read by them.

    NotFound — the same answer as for an unknown code — when the code is not of a message that left us to this
    borrower themself (a message to their guarantor or contact is not theirs to read here)."""
    norm = normalise_code(code)
    msg = _find(session, norm) if norm else None
    if msg is None or msg.borrower_id != borrower_id or msg.recipient_role != "borrower":
        raise NotFound("no message with this code was sent to you", field="code")
    audit.record(
        session,
        actor=f"borrower:{borrower_id}",
        action="messaging.message_read",
        subject_type="outbox_message",
        subject_id=msg.id,
    )
    when = msg.sent_at or msg.created_at
    return BorrowerMessage(
        code=msg.verification_code,
        lender=msg.lender,
        channel=msg.channel,
        sent_on=business_date(when, business_timezone) if when else None,
        body=msg.body,
        loan_id=msg.loan_id,
    )
