"""The outbox: a planned contact is written in the caller's transaction, next to the gate decision about it.

``enqueue`` never commits. A denied decision is stored as ``blocked`` (with the rule ids) so that the record shows
what was proposed and why it did not go; an allowed one is ``planned`` and waits for a dispatcher, which asks the
gate again at send time.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from faircollect.compliance.audit import service as audit
from faircollect.compliance.contact import Channel, Decision, RecipientRole
from faircollect.config import get_settings
from faircollect.kit.errors import Conflict, ValidationError
from faircollect.kit.ids import new_id
from faircollect.kit.time import ensure_aware, utc_now
from faircollect.messaging.models import BLOCKED, PLANNED, OutboxMessage
from faircollect.messaging.templates import CODE_PLACEHOLDER
from faircollect.messaging.verification import normalise_code, unique_code

_CODE_LABEL = {"zh": "核验码", "en": "Verification code"}


def _with_code(body: str, code: str) -> str:
    """Put the code where the template asked for it, or append it: every message carries its code."""
    if CODE_PLACEHOLDER in body:
        return body.replace(CODE_PLACEHOLDER, code)
    if code in body:
        return body
    cjk = any("\u4e00" <= ch <= "\u9fff" for ch in body)
    return f"{body}{'（' if cjk else ' ('}{_CODE_LABEL['zh' if cjk else 'en']} {code}{'）' if cjk else ')'}"


def default_idempotency_key(
    *,
    borrower_id: str,
    loan_id: str | None,
    case_id: str | None,
    channel: str,
    recipient_role: str,
    address: str,
    template_key: str | None,
    planned_for: datetime,
    body: str,
) -> str:
    """The same contact planned twice (same who, how, when, what) gets the same key."""
    raw = "\x1f".join(
        [
            borrower_id,
            loan_id or "",
            case_id or "",
            channel,
            recipient_role,
            address,
            template_key or "",
            planned_for.isoformat(),
            body,
        ]
    )
    return "auto:" + hashlib.sha256(raw.encode()).hexdigest()[:48]


def enqueue(
    session: Session,
    *,
    borrower_id: str,
    loan_id: str | None,
    case_id: str | None,
    channel: Channel | str,
    recipient_role: RecipientRole | str,
    address: str,
    body: str,
    template_key: str | None,
    planned_for: datetime,
    decision: Decision,
    experiment: str | None = None,
    arm: str | None = None,
    assignment_probability: Decimal | str | None = None,
    actor: str,
    idempotency_key: str | None = None,
    verification_code: str | None = None,
    language: str | None = None,
) -> str:
    """Write a planned contact to the outbox in the caller's transaction; return its id.

    Idempotent on ``idempotency_key`` (derived from the contact when not given): enqueueing the same contact again
    returns the existing id; the same key with a different contact raises ``Conflict``.
    """
    channel = Channel(channel).value
    recipient_role = RecipientRole(recipient_role).value
    planned_for = ensure_aware(planned_for, field="planned_for")
    if not address or not address.strip():
        raise ValidationError("a message needs an address (phone number or e-mail)", field="address")
    if not body or not body.strip():
        raise ValidationError("a message needs a body", field="body")
    prob = None
    if assignment_probability is not None:
        prob = Decimal(str(assignment_probability))
        if not (Decimal(0) < prob <= Decimal(1)):
            raise ValidationError("assignment_probability must be in (0, 1]", field="assignment_probability")
    key = idempotency_key or default_idempotency_key(
        borrower_id=borrower_id,
        loan_id=loan_id,
        case_id=case_id,
        channel=channel,
        recipient_role=recipient_role,
        address=address,
        template_key=template_key,
        planned_for=planned_for,
        body=body,
    )
    if len(key) > 120:
        raise ValidationError("idempotency key longer than 120 characters", field="idempotency_key")
    existing = session.execute(
        select(OutboxMessage).where(OutboxMessage.idempotency_key == key)
    ).scalar_one_or_none()
    if existing is not None:
        return _same_or_conflict(existing, borrower_id=borrower_id, channel=channel, address=address)
    if verification_code is not None:
        code = normalise_code(verification_code)
        if code is None:
            raise ValidationError("not a valid verification code", field="verification_code")
    else:
        code = unique_code(session)
    now = utc_now()
    msg = OutboxMessage(
        id=new_id("msg"),
        borrower_id=borrower_id,
        loan_id=loan_id,
        case_id=case_id,
        channel=channel,
        recipient_role=recipient_role,
        address=address.strip(),
        language=language,
        body=_with_code(body, code),
        verification_code=code,
        lender=get_settings().lender_name,
        template_key=template_key,
        planned_for=planned_for,
        status=PLANNED if decision.allowed else BLOCKED,
        attempts=0,
        next_attempt_at=planned_for,
        idempotency_key=key,
        experiment=experiment,
        arm=arm,
        assignment_probability=prob,
        plan_rule_ids=list(decision.rule_ids),
        last_error=None if decision.allowed else "denied at plan time: " + ", ".join(decision.rule_ids),
        verify_failures=0,
        created_by=actor,
        created_at=now,
    )
    # A savepoint, so that a concurrent enqueue of the same key loses cleanly and returns the winner's id.
    try:
        with session.begin_nested():
            session.add(msg)
            session.flush()
    except IntegrityError:
        existing = session.execute(
            select(OutboxMessage).where(OutboxMessage.idempotency_key == key)
        ).scalar_one_or_none()
        if existing is None:
            raise
        return _same_or_conflict(existing, borrower_id=borrower_id, channel=channel, address=address)
    audit.record(
        session,
        actor=actor,
        action="messaging.enqueued",
        subject_type="outbox_message",
        subject_id=msg.id,
        payload={
            "borrower_id": borrower_id,
            "loan_id": loan_id,
            "case_id": case_id,
            "channel": channel,
            "recipient_role": recipient_role,
            "template_key": template_key,
            "planned_for": planned_for.isoformat(),
            "status": msg.status,
            "rule_ids": list(decision.rule_ids),
            "experiment": experiment,
            "arm": arm,
            "assignment_probability": str(prob) if prob is not None else None,
        },
        at=now,
    )
    return msg.id


def _same_or_conflict(existing: OutboxMessage, *, borrower_id: str, channel: str, address: str) -> str:
    if (existing.borrower_id, existing.channel, existing.address) != (borrower_id, channel, address.strip()):
        raise Conflict("idempotency key already used for a different contact", field="idempotency_key")
    return existing.id


def list_messages(
    session: Session,
    *,
    status: str | None = None,
    borrower_id: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[OutboxMessage]:
    stmt = select(OutboxMessage)
    if status:
        stmt = stmt.where(OutboxMessage.status == status)
    if borrower_id:
        stmt = stmt.where(OutboxMessage.borrower_id == borrower_id)
    stmt = stmt.order_by(OutboxMessage.created_at.desc(), OutboxMessage.id).limit(limit).offset(offset)
    return list(session.execute(stmt).scalars().all())


def message_summary(msg: OutboxMessage) -> dict[str, Any]:
    """A row for listings: the address masked, the body left out (it names the debt)."""
    from faircollect.messaging.verification import mask_address

    return {
        "id": msg.id,
        "borrower_id": msg.borrower_id,
        "loan_id": msg.loan_id,
        "case_id": msg.case_id,
        "channel": msg.channel,
        "recipient_role": msg.recipient_role,
        "address": mask_address(msg.channel, msg.address),
        "template_key": msg.template_key,
        "verification_code": msg.verification_code,
        "status": msg.status,
        "attempts": msg.attempts,
        "planned_for": msg.planned_for.isoformat(),
        "next_attempt_at": msg.next_attempt_at.isoformat(),
        "sent_at": msg.sent_at.isoformat() if msg.sent_at else None,
        "delivered_at": msg.delivered_at.isoformat() if msg.delivered_at else None,
        "provider": msg.provider,
        "provider_message_id": msg.provider_message_id,
        "plan_rule_ids": msg.plan_rule_ids,
        "send_rule_ids": msg.send_rule_ids,
        "experiment": msg.experiment,
        "arm": msg.arm,
        "assignment_probability": str(msg.assignment_probability)
        if msg.assignment_probability is not None
        else None,
        "last_error": msg.last_error,
    }
