"""The outbox: a planned contact is written in the caller's transaction, next to the gate decision about it.

``enqueue`` never commits. A denied decision is stored as ``blocked`` (with the rule ids) so that the record shows
what was proposed and why it did not go; an allowed one is ``planned`` and waits for a dispatcher, which asks the
gate again at send time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from faircollect.compliance.audit import service as audit
from faircollect.compliance.contact import Channel, Decision, RecipientRole
from faircollect.config import get_settings
from faircollect.kit.errors import Conflict, ValidationError
from faircollect.kit.ids import new_id
from faircollect.kit.time import ensure_aware, utc_now, zone
from faircollect.messaging import validity
from faircollect.messaging.models import BLOCKED, PLANNED, OutboxMessage
from faircollect.messaging.settings import get_messaging_settings
from faircollect.messaging.templates import CODE_PLACEHOLDER
from faircollect.messaging.verification import new_code, normalise_code

_CODE_LABEL = {"zh": "核验码", "en": "Verification code"}


def _with_code(body: str, code: str) -> str:
    """Put the code where the template asked for it, or append it: every message carries its code."""
    if CODE_PLACEHOLDER in body:
        return body.replace(CODE_PLACEHOLDER, code)
    if code in body:
        return body
    cjk = any("\u4e00" <= ch <= "\u9fff" for ch in body)
    return f"{body}{'（' if cjk else ' ('}{_CODE_LABEL['zh' if cjk else 'en']} {code}{'）' if cjk else ')'}"


def with_code(body: str, code: str) -> str:
    """The message as it will be sent: ``body`` with its verification code (see ``_with_code``). The planner renders
    this before the gate decides, so the text the gate lints at plan time is the text sent."""
    return _with_code(body, code)


def _plan_lint(decision: Decision, planned: str, stored: str) -> dict[str, Any] | None:
    """The plan-time verdict to store with the message, if it was given on exactly the text stored."""
    if decision.lint_key is None or decision.lint_verdict is None or planned != stored:
        return None
    from faircollect.compliance.linter.io import finding_to_json

    return {
        "key": decision.lint_key,
        "verdict": decision.lint_verdict,
        "findings": [finding_to_json(f) for f in decision.findings],  # type: ignore[arg-type]
    }


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
    valid_until: datetime | None = None,
) -> str:
    """Write a planned contact to the outbox in the caller's transaction; return its id.

    Idempotent on ``idempotency_key`` (derived from the contact when not given): enqueueing the same contact again
    returns the existing id; the same key with a different contact raises ``Conflict``.
    """
    item = {k: v for k, v in locals().items() if k not in ("session", "actor")}
    return enqueue_many(session, [item], actor=actor)[0]


@dataclass(frozen=True)
class _Planned:
    borrower_id: str
    loan_id: str | None
    case_id: str | None
    channel: str
    recipient_role: str
    address: str
    body: str
    template_key: str | None
    planned_for: datetime
    decision: Decision
    experiment: str | None
    arm: str | None
    probability: Decimal | None
    key: str
    code: str | None
    language: str | None
    valid_until: datetime | None = None


def _prepare(item: Mapping[str, Any], where: str) -> _Planned:
    try:
        channel = Channel(item["channel"]).value
    except ValueError as exc:
        raise ValidationError(f"{where}: unknown channel {item['channel']!r}", field="channel") from exc
    try:
        role = RecipientRole(item["recipient_role"]).value
    except ValueError as exc:
        raise ValidationError(f"{where}: unknown recipient role", field="recipient_role") from exc
    planned_for = ensure_aware(item["planned_for"], field="planned_for")
    address = (item.get("address") or "").strip()
    if not address:
        raise ValidationError(
            f"{where}: a message needs an address (phone number or e-mail)", field="address"
        )
    body = item.get("body") or ""
    if not body.strip():
        raise ValidationError(f"{where}: a message needs a body", field="body")
    prob = None
    if item.get("assignment_probability") is not None:
        prob = Decimal(str(item["assignment_probability"]))
        if not (Decimal(0) < prob <= Decimal(1)):
            raise ValidationError(
                f"{where}: assignment_probability must be in (0, 1]", field="assignment_probability"
            )
    key = item.get("idempotency_key") or default_idempotency_key(
        borrower_id=item["borrower_id"],
        loan_id=item.get("loan_id"),
        case_id=item.get("case_id"),
        channel=channel,
        recipient_role=role,
        address=address,
        template_key=item.get("template_key"),
        planned_for=planned_for,
        body=body,
    )
    if len(key) > 120:
        raise ValidationError(f"{where}: idempotency key longer than 120 characters", field="idempotency_key")
    code = None
    if item.get("verification_code") is not None:
        code = normalise_code(item["verification_code"])
        if code is None:
            raise ValidationError(f"{where}: not a valid verification code", field="verification_code")
    decision = item["decision"]
    if not isinstance(decision, Decision):
        raise ValidationError(f"{where}: decision must be a compliance Decision", field="decision")
    return _Planned(
        borrower_id=item["borrower_id"],
        loan_id=item.get("loan_id"),
        case_id=item.get("case_id"),
        channel=channel,
        recipient_role=role,
        address=address,
        body=body,
        template_key=item.get("template_key"),
        planned_for=planned_for,
        decision=decision,
        experiment=item.get("experiment"),
        arm=item.get("arm"),
        probability=prob,
        key=key,
        code=code,
        language=item.get("language"),
        valid_until=ensure_aware(item["valid_until"], field="valid_until")
        if item.get("valid_until")
        else None,
    )


def _zones(session: Session, borrower_ids: set[str]) -> dict[str, ZoneInfo]:
    """Each borrower's zone (the lender's business zone when unknown) for the messages' validity."""
    from faircollect.ledger.models import Borrower

    fallback = get_settings().business_timezone
    out: dict[str, ZoneInfo] = {}
    ids = sorted(borrower_ids)
    for chunk in range(0, len(ids), 1000):
        rows = session.execute(
            select(Borrower.id, Borrower.timezone).where(Borrower.id.in_(ids[chunk : chunk + 1000]))
        )
        for bid, tz in rows:
            out[bid] = zone(tz or fallback)
    return out


def _message(
    p: _Planned, *, actor: str, now: datetime, lender: str, zones: Mapping[str, ZoneInfo] | None = None
) -> OutboxMessage:
    code = p.code or new_code()
    tz = (zones or {}).get(p.borrower_id) or zone(get_settings().business_timezone)
    until = p.valid_until or validity.valid_until(
        p.template_key, p.planned_for, tz, get_messaging_settings().validity
    )
    return OutboxMessage(
        id=new_id("msg"),
        borrower_id=p.borrower_id,
        loan_id=p.loan_id,
        case_id=p.case_id,
        channel=p.channel,
        recipient_role=p.recipient_role,
        address=p.address,
        language=p.language,
        body=_with_code(p.body, code),
        verification_code=code,
        lender=lender,
        template_key=p.template_key,
        planned_for=p.planned_for,
        valid_until=until,
        status=PLANNED if p.decision.allowed else BLOCKED,
        attempts=0,
        next_attempt_at=p.planned_for,
        idempotency_key=p.key,
        experiment=p.experiment,
        arm=p.arm,
        assignment_probability=p.probability,
        plan_rule_ids=list(p.decision.rule_ids),
        plan_lint=_plan_lint(p.decision, p.body, _with_code(p.body, code)),
        last_error=None if p.decision.allowed else "denied at plan time: " + ", ".join(p.decision.rule_ids),
        verify_failures=0,
        created_by=actor,
        created_at=now,
    )


def enqueue_many(session: Session, items: Sequence[Mapping[str, Any]], *, actor: str) -> list[str]:
    """``enqueue`` for many contacts at once (same arguments per item, same idempotency): one insert and one
    burst of audit records instead of a round trip per message. Returns the ids in the order given."""
    planned = [_prepare(item, f"item {n}") for n, item in enumerate(items)]
    ids: list[str | None] = [None] * len(planned)
    now = utc_now()
    lender = get_settings().lender_name
    zones = _zones(session, {p.borrower_id for p in planned})
    for _attempt in range(5):
        pending = [n for n, i in enumerate(ids) if i is None]
        keys = list({planned[n].key for n in pending})
        existing: dict[str, OutboxMessage] = {}
        for chunk in range(0, len(keys), 1000):
            for row in session.execute(
                select(OutboxMessage).where(OutboxMessage.idempotency_key.in_(keys[chunk : chunk + 1000]))
            ).scalars():
                existing[row.idempotency_key] = row
        fresh: dict[str, tuple[_Planned, OutboxMessage]] = {}
        for n in pending:
            p = planned[n]
            if p.key in existing:
                ids[n] = _same_or_conflict(
                    existing[p.key], borrower_id=p.borrower_id, channel=p.channel, address=p.address
                )
            elif p.key in fresh:
                first = fresh[p.key][1]
                ids[n] = _same_or_conflict(
                    first, borrower_id=p.borrower_id, channel=p.channel, address=p.address
                )
            else:
                fresh[p.key] = (p, _message(p, actor=actor, now=now, lender=lender, zones=zones))
        if not fresh:
            break
        msgs = [m for _, m in fresh.values()]
        # A savepoint: a code collision (40-odd bits, rare) or a concurrent enqueue of the same key only undoes
        # this insert, and the next round picks the winner's id or a new code.
        try:
            with session.begin_nested():
                session.add_all(msgs)
                session.flush()
        except IntegrityError:
            continue
        by_key = {m.idempotency_key: m.id for m in msgs}
        for n in pending:
            if ids[n] is None:
                ids[n] = by_key[planned[n].key]
        audit.record_many(
            session,
            [
                {
                    "actor": actor,
                    "action": "messaging.enqueued",
                    "subject_type": "outbox_message",
                    "subject_id": m.id,
                    "payload": {
                        "borrower_id": p.borrower_id,
                        "loan_id": p.loan_id,
                        "case_id": p.case_id,
                        "channel": p.channel,
                        "recipient_role": p.recipient_role,
                        "template_key": p.template_key,
                        "planned_for": p.planned_for.isoformat(),
                        "status": m.status,
                        "rule_ids": list(p.decision.rule_ids),
                        "experiment": p.experiment,
                        "arm": p.arm,
                        "assignment_probability": str(p.probability) if p.probability is not None else None,
                    },
                    "at": now,
                }
                for p, m in fresh.values()
            ],
        )
        break
    else:  # pragma: no cover - five collisions in a row
        raise Conflict("could not enqueue: repeated unique-key collisions")
    return [i for i in ids if i is not None]


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
