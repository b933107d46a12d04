"""Sending an adverse-action notice through messaging: the same gate, outbox and dispatcher as every message.

The applicant becomes a person record in the ledger (a borrower with no loan; personal data sealed as every
borrower's), so that the outbox, the gate's facts (opt-outs, holds, hours in the person's zone, frequency) and the
verification code work as for any message. The notice is a servicing message (``Purpose.SERVICE``), never a
collection contact; the gate decides it with its text, and only an allowed notice is written to the outbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from faircollect.collections.contacts import facts_for
from faircollect.compliance import facts as compliance_facts
from faircollect.compliance import service as compliance_service
from faircollect.compliance.audit import service as audit
from faircollect.compliance.contact import Channel, ContactRequest, Decision, Purpose, RecipientRole
from faircollect.kit.errors import ValidationError
from faircollect.kit.time import ensure_aware
from faircollect.ledger import service as ledger_service
from faircollect.origination import service


@dataclass(frozen=True, slots=True)
class SentNotice:
    decision: Decision
    outbox_id: str | None  # None: the gate refused it; nothing was written to the outbox
    borrower_id: str


def send_notice(
    session: Session, *, application_id: str, at: datetime, actor: str, lender: str, channel: str = "sms"
) -> SentNotice:
    """Decide the notice with the gate and, when allowed, enqueue it (SMS in the applicant's language)."""
    from faircollect.messaging import outbox

    if channel != Channel.SMS.value:
        raise ValidationError(
            "notices go by sms (the applicant's phone is what the application holds)", field="channel"
        )
    row = service.get(session, application_id)
    notice = service.notice(session, application_id, lender=lender)
    body = notice.sms_en if row.language == "en" else notice.sms_zh
    if row.borrower_id is None:
        person = ledger_service.create_borrower(
            session,
            name=row.name or "",
            phone=row.phone,
            id_number=row.id_number,
            jurisdiction=row.jurisdiction,
            language=row.language,
            external_ref=f"applicant:{row.id}",
            actor=actor,
        )
        row.borrower_id = person.id
        session.flush()
    borrower_id = row.borrower_id
    at = ensure_aware(at)
    compliance_facts.lock_borrower(session, borrower_id)
    facts = facts_for(session, borrower_id, at, row.phone)
    request = ContactRequest(
        jurisdiction=row.jurisdiction,
        channel=Channel.SMS,
        recipient_role=RecipientRole.BORROWER,
        at=at,
        purpose=Purpose.SERVICE,
        address=row.phone,
        text=body,
    )
    decision = compliance_service.decide_and_audit(
        session, request, facts, actor=actor, borrower_id=borrower_id
    )
    outbox_id = None
    if decision.allowed:
        outbox_id = outbox.enqueue(
            session,
            borrower_id=borrower_id,
            loan_id=None,
            case_id=None,
            channel=Channel.SMS,
            recipient_role=RecipientRole.BORROWER,
            address=row.phone or "",
            body=body,
            template_key=None,
            planned_for=at,
            decision=decision,
            actor=actor,
            idempotency_key=f"adverse-action-notice:{row.id}:sms",
            language=row.language,
        )
    audit.record(
        session,
        actor=actor,
        action="origination.notice_sent" if outbox_id else "origination.notice_refused",
        subject_type="application",
        subject_id=row.id,
        payload={"channel": channel, "outbox_id": outbox_id, "rules": list(decision.rule_ids)},
    )
    return SentNotice(decision, outbox_id, borrower_id)
