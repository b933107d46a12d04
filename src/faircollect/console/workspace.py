"""The agent's workspace as services: the gate's verdict before an action, a message composed by an agent, the
case card. Keyword-only, never commit; every action goes through the same gate and services as the API.

- ``preview`` asks the gate what it *would* decide now (nothing recorded): the page shows it before every action.
- ``send_message`` decides again with the text (audited) and, only when allowed, writes the outbox in the same
  transaction; the dispatcher decides a third time at send time. A blocked text is never written to the outbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from faircollect.collections import service as collections_service
from faircollect.collections.contacts import facts_for
from faircollect.collections.models import CaseEvent, CollectionCase
from faircollect.compliance import facts as compliance_facts
from faircollect.compliance import gate
from faircollect.compliance import service as compliance_service
from faircollect.compliance.contact import Channel, ContactRequest, Decision, RecipientRole
from faircollect.compliance.facts_load import lender_rulebook
from faircollect.compliance.models import ContactAttempt
from faircollect.console.call_scripts import CallScript, script_for
from faircollect.kit.errors import ValidationError
from faircollect.kit.masking import mask_postal_address
from faircollect.kit.time import ensure_aware
from faircollect.ledger import caps
from faircollect.ledger import repository as ledger_repo
from faircollect.ledger import service as ledger_service
from faircollect.ledger.models import Borrower

#: Channels an agent may compose a message for in the console.
COMPOSE_CHANNELS = (Channel.SMS, Channel.EMAIL, Channel.LETTER)


def _address(borrower: Borrower, channel: Channel) -> str | None:
    if channel == Channel.EMAIL:
        return borrower.email
    if channel in (Channel.SMS, Channel.CALL, Channel.IM, Channel.VOICEMAIL):
        return borrower.phone
    return borrower.address  # letters: the postal address on file (ledger.addresses), sealed at rest


def postal_address(session: Session, borrower_id: str, *, unmasked: bool = False) -> str | None:
    """The borrower's postal address for letters, masked unless revealed (None when none is on file)."""
    b = ledger_repo.get_borrower(session, borrower_id)
    if b is None or not b.address:
        return None
    return b.address if unmasked else mask_postal_address(b.address)


def _case_and_borrower(session: Session, case_id: str) -> tuple[CollectionCase, Borrower]:
    case = collections_service.get_case(session, case_id)
    borrower = ledger_repo.get_borrower(session, case.borrower_id)
    assert borrower is not None  # a case's borrower row is a foreign key
    return case, borrower


def _to_borrower(
    borrower: Borrower, channel: Channel, at: datetime, address: str | None, text: str | None
) -> ContactRequest:
    """The gate's question for a contact with the borrower themself, under their jurisdiction."""
    return ContactRequest(
        jurisdiction=borrower.jurisdiction,
        channel=channel,
        recipient_role=RecipientRole.BORROWER,
        at=at,
        address=address,
        text=text,
    )


def preview(
    session: Session, *, case_id: str, channel: Channel, at: datetime, text: str | None = None
) -> Decision:
    """What the gate would decide for this contact now (with the lender's rulebook); records nothing."""
    case, borrower = _case_and_borrower(session, case_id)
    at = ensure_aware(at)
    address = _address(borrower, channel)
    facts = facts_for(session, case.borrower_id, at, address)
    request = _to_borrower(borrower, channel, at, address, text)
    return gate.decide(request, facts, rulebook=lender_rulebook(session, borrower.jurisdiction))


@dataclass(frozen=True, slots=True)
class Sent:
    decision: Decision
    outbox_id: str | None  # None: the gate refused it and nothing was written to the outbox


def send_message(
    session: Session,
    *,
    case_id: str,
    channel: Channel,
    body: str,
    at: datetime,
    actor: str,
    language: str | None = None,
) -> Sent:
    """An agent's message: decided by the gate with its text (audited); enqueued only when allowed."""
    from faircollect.messaging import outbox

    if channel not in COMPOSE_CHANNELS:
        raise ValidationError(f"a message cannot go by {channel.value}", field="channel")
    if not body.strip():
        raise ValidationError("the message is empty", field="body")
    case, borrower = _case_and_borrower(session, case_id)
    if case.status != "open":
        raise ValidationError(f"case {case.id} is {case.status}", field="case_id")
    address = _address(borrower, channel)
    if not address:
        raise ValidationError(f"the borrower has no {channel.value} address on file", field="channel")
    at = ensure_aware(at)
    compliance_facts.lock_borrower(session, case.borrower_id)
    facts = facts_for(session, case.borrower_id, at, address)
    request = _to_borrower(borrower, channel, at, address, body)
    decision = compliance_service.decide_and_audit(
        session, request, facts, actor=actor, borrower_id=case.borrower_id
    )
    if not decision.allowed:
        collections_service.record_change(
            session,
            case,
            type="message_denied",
            actor=actor,
            payload={"channel": channel.value, "rules": list(decision.rule_ids)},
        )
        return Sent(decision, None)
    outbox_id = outbox.enqueue(
        session,
        borrower_id=case.borrower_id,
        loan_id=case.loan_id,
        case_id=case.id,
        channel=channel,
        recipient_role=RecipientRole.BORROWER,
        address=address,
        body=body,
        template_key=None,
        planned_for=at,
        decision=decision,
        actor=actor,
        language=language,
    )
    collections_service.record_change(
        session, case, type="message", actor=actor, payload={"channel": channel.value, "outbox_id": outbox_id}
    )
    return Sent(decision, outbox_id)


@dataclass(frozen=True, slots=True)
class CaseCard:
    """What the borrower view shows about one case (amounts in minor units; the page formats them)."""

    case: CollectionCase
    currency: str
    days_past_due: int
    bucket: str
    overdue_minor: int
    collectable_minor: int
    excluded_minor: int
    cap_reasons: tuple[str, ...]
    principal_outstanding_minor: int
    script: CallScript | None
    events: tuple[CaseEvent, ...]
    contacts: tuple[ContactAttempt, ...]  # the latest attempts by the lender and its agencies
    messages: tuple[Any, ...]  # the latest outbox messages to this borrower (messaging.models.OutboxMessage)
    plans: tuple[Any, ...]  # relief applications on this loan (portal.models.ReliefApplication)


def _latest(
    session: Session, model: Any, where: Any, newest_by: Any, limit: int | None = None
) -> tuple[Any, ...]:
    """Rows of ``model`` matching ``where``, newest first by ``newest_by`` (at most ``limit``)."""
    q = select(model).where(where).order_by(newest_by.desc())
    return tuple(session.execute(q if limit is None else q.limit(limit)).scalars())


def case_card(session: Session, *, case_id: str, as_of: date) -> CaseCard:
    """The case's loan state and lawfully collectable amount on ``as_of``, its script and its history."""
    case, borrower = _case_and_borrower(session, case_id)
    state = ledger_service.loan_state(session, case.loan_id, as_of)
    c: caps.Collectable = ledger_service.collectable(session, case.loan_id, as_of)
    from faircollect.messaging.models import OutboxMessage
    from faircollect.portal.models import ReliefApplication

    events = _latest(session, CaseEvent, CaseEvent.case_id == case.id, CaseEvent.at, 50)
    contacts = _latest(
        session, ContactAttempt, ContactAttempt.borrower_id == case.borrower_id, ContactAttempt.at, 20
    )
    messages = _latest(
        session, OutboxMessage, OutboxMessage.borrower_id == case.borrower_id, OutboxMessage.planned_for, 20
    )
    plans = _latest(
        session, ReliefApplication, ReliefApplication.loan_id == case.loan_id, ReliefApplication.created_at
    )
    return CaseCard(
        case=case,
        currency=state.currency,
        days_past_due=state.days_past_due,
        bucket=state.bucket,
        overdue_minor=state.overdue_minor,
        collectable_minor=c.collectable_minor,
        excluded_minor=c.excluded_minor,
        cap_reasons=c.reasons,
        principal_outstanding_minor=state.principal_outstanding_minor,
        script=script_for(borrower.jurisdiction, state.bucket),
        events=events,
        contacts=contacts,
        messages=messages,
        plans=plans,
    )


def verdict_json(decision: Decision) -> dict[str, Any]:
    """The gate's verdict as the page shows it: allowed, each rule with zh + en, the next allowed time."""
    return {
        "allowed": decision.allowed,
        "reasons": [
            {"rule": r.rule, "en": r.message_en, "zh": r.message_zh, "timing_only": r.timing_only}
            for r in decision.reasons
        ],
        "next_allowed_at": decision.next_allowed_at.isoformat() if decision.next_allowed_at else None,
    }
