"""Delivery receipts and inbound replies: what providers tell us after a send, and what recipients answer.

A receipt moves a message ``sent → delivered`` (or ``dead`` when the provider reports it undeliverable) and updates
the contact attempt's outcome in the shared counters. A reply that asks to stop (回T退订, TD, T, STOP, UNSUBSCRIBE …)
is recorded as an opt-out for that channel through ``compliance.facts.record_opt_out``; the gate honours it from
then on (at plan time and at send time).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from faircollect.compliance import facts as facts_service
from faircollect.compliance.audit import service as audit
from faircollect.compliance.contact import Channel, Outcome
from faircollect.kit.ids import new_id
from faircollect.kit.time import utc_now
from faircollect.ledger.models import Borrower
from faircollect.messaging.models import (
    DEAD,
    DELIVERED,
    SENT,
    DeliveryReceipt,
    InboundReply,
    OutboxMessage,
)
from faircollect.messaging.providers.base import InboundMessage, Receipt

#: A reply that is exactly one of these (after normalising width, case, spaces and punctuation) is an opt-out.
OPT_OUT_EXACT = frozenset(
    {"T", "TD", "STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "回T退订", "回T退訂"}
)
#: A reply containing any of these is an opt-out too (honour a request made "by any reasonable means").
OPT_OUT_CONTAINS = (
    "退订",
    "退訂",
    "UNSUBSCRIBE",
    "OPTOUT",
    "STOP",
    "取消订阅",
    "取消訂閱",
    "不要再发",
    "不要再發",
)


def is_opt_out(text: str) -> bool:
    """Does this reply ask us to stop using the channel it came in on?"""
    norm = unicodedata.normalize("NFKC", text or "").upper()
    squashed = re.sub(r"[\s\W_]+", "", norm)
    if squashed in OPT_OUT_EXACT:
        return True
    return any(word in squashed for word in OPT_OUT_CONTAINS)


def _address_variants(address: str) -> list[str]:
    raw = address.strip()
    if "@" in raw:
        return [raw, raw.lower()]
    digits = re.sub(r"\D", "", raw)
    variants = {raw, digits, "+" + digits}
    if digits.startswith("86") and len(digits) == 13:  # +86 138…: also the bare 11-digit mobile number
        variants |= {digits[2:]}
    if len(digits) == 11 and digits.startswith("1"):
        variants |= {"86" + digits, "+86" + digits}
    return sorted(v for v in variants if v)


def _find_message_to(session: Session, address: str) -> OutboxMessage | None:
    return (
        session.execute(
            select(OutboxMessage)
            .where(OutboxMessage.address.lookup_any(_address_variants(address)))
            .order_by(OutboxMessage.created_at.desc())
            .limit(1)
        )
        .scalars()
        .first()
    )


def apply_receipts(
    session: Session, *, provider: str, receipts: list[Receipt], actor: str, at: datetime | None = None
) -> list[dict[str, Any]]:
    """Store each receipt and apply it to its message and contact attempt. Unknown ids are stored unmatched (and
    applied when the dispatcher records that id: a fast provider may report before we do)."""
    now = at or utc_now()
    out = []
    for r in receipts:
        rcpt = DeliveryReceipt(
            id=new_id("rcpt"),
            outbox_message_id=None,
            provider=provider,
            provider_message_id=r.provider_message_id,
            status=r.status,
            provider_status=r.provider_status,
            error_code=r.error_code,
            raw={"status": r.provider_status, "error_code": r.error_code},
            received_at=now,
        )
        session.add(rcpt)
        msg, applied = _apply(session, rcpt, actor=actor, at=now)
        if msg is None:  # kept unmatched (applied when the dispatcher records the id): audited as received
            audit.record(
                session,
                actor=actor,
                action="messaging.receipt.unmatched",
                subject_type="delivery_receipt",
                subject_id=rcpt.id,
                payload={
                    "provider": provider,
                    "provider_message_id": r.provider_message_id,
                    "status": r.status,
                    "provider_status": r.provider_status,
                    "error_code": r.error_code,
                },
                at=now,
            )
        out.append(
            {
                "provider_message_id": r.provider_message_id,
                "message_id": msg.id if msg else None,
                "status": msg.status if msg else None,
                "applied": applied,
            }
        )
    session.flush()
    return out


def _apply(
    session: Session, rcpt: DeliveryReceipt, *, actor: str, at: datetime
) -> tuple[OutboxMessage | None, bool]:
    """Match a stored receipt to its message and apply it: sent → delivered, or sent → dead when undeliverable."""
    msg = (
        session.execute(
            select(OutboxMessage).where(OutboxMessage.provider_message_id == rcpt.provider_message_id)
        )
        .scalars()
        .first()
    )
    if msg is None:
        return None, False
    rcpt.outbox_message_id = msg.id
    applied = False
    if rcpt.status == "delivered" and msg.status == SENT:
        msg.status, msg.delivered_at = DELIVERED, at
        applied = True
        if msg.contact_attempt_id:
            facts_service.update_attempt_outcome(
                session, msg.contact_attempt_id, Outcome.DELIVERED, actor=actor
            )
    elif rcpt.status == "failed" and msg.status == SENT:
        # Undeliverable: give up on this message (resending is a new contact, planned and gated anew).
        msg.status = DEAD
        msg.last_error = f"provider reported failed delivery ({rcpt.provider_status}, code {rcpt.error_code})"
        applied = True
        if msg.contact_attempt_id:
            facts_service.update_attempt_outcome(session, msg.contact_attempt_id, Outcome.FAILED, actor=actor)
    audit.record(
        session,
        actor=actor,
        action="messaging.receipt",
        subject_type="outbox_message",
        subject_id=msg.id,
        payload={
            "provider": rcpt.provider,
            "provider_status": rcpt.provider_status,
            "status": msg.status,
            "applied": applied,
            "error_code": rcpt.error_code,
        },
        at=at,
    )
    return msg, applied


def apply_early_receipts(session: Session, provider_message_ids: list[str], *, actor: str) -> int:
    """Apply receipts that arrived before their message was recorded as sent (stored unmatched); returns how many."""
    early = list(
        session.execute(
            select(DeliveryReceipt)
            .where(
                DeliveryReceipt.provider_message_id.in_(provider_message_ids),
                DeliveryReceipt.outbox_message_id.is_(None),
            )
            .order_by(DeliveryReceipt.received_at)
        ).scalars()
    )
    for rcpt in early:
        _apply(session, rcpt, actor=actor, at=rcpt.received_at)
    return len(early)


def handle_inbound(
    session: Session,
    *,
    provider: str,
    channel: Channel | str,
    messages: list[InboundMessage],
    actor: str,
    at: datetime | None = None,
) -> list[dict[str, Any]]:
    """Store replies; an opt-out reply from a known recipient becomes an opt-out for that channel."""

    channel = Channel(channel)
    now = at or utc_now()
    out = []
    for m in messages:
        msg = _find_message_to(session, m.from_address)
        borrower_id = msg.borrower_id if msg else None
        if borrower_id is None:
            variants = _address_variants(m.from_address)
            borrower_id = (
                session.execute(
                    select(Borrower.id)
                    .where(or_(Borrower.phone.lookup_any(variants), Borrower.email.lookup_any(variants)))
                    .limit(1)
                )
                .scalars()
                .first()
            )
        opt_out = is_opt_out(m.body)
        reply = InboundReply(
            id=new_id("reply"),
            provider=provider,
            channel=channel.value,
            from_address=m.from_address,
            to_address=m.to_address,
            body=m.body,
            borrower_id=borrower_id,
            outbox_message_id=msg.id if msg else None,
            is_opt_out=opt_out,
            provider_message_id=m.provider_message_id,
            received_at=now,
        )
        session.add(reply)
        session.flush()
        if opt_out and borrower_id:
            facts_service.record_opt_out(
                session,
                borrower_id=borrower_id,
                channel=channel,
                at=now,
                source=f"{channel.value} reply {m.body.strip()[:60]!r} via {provider}",
                actor=actor,
            )
        audit.record(
            session,
            actor=actor,
            action="messaging.inbound_reply",
            subject_type="inbound_reply",
            subject_id=reply.id,
            payload={
                "provider": provider,
                "channel": channel.value,
                "borrower_id": borrower_id,
                "opt_out": opt_out,
                "matched_message": msg.id if msg else None,
            },
            at=now,
        )
        out.append(
            {
                "id": reply.id,
                "borrower_id": borrower_id,
                "opt_out": opt_out,
                "opt_out_recorded": bool(opt_out and borrower_id),
            }
        )
    return out
