"""Recording many contact attempts at once, for the dispatcher's write burst.

The same rows and the same audit records as ``compliance.facts.record_attempt`` (a test holds the two equal), but
inserted together and audited through ``audit.record_many``: the audit chain's head, which every writer locks, is
held for a few round trips per batch instead of four per message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from faircollect.compliance.contact import Channel, Outcome, Purpose, RecipientRole
from faircollect.compliance.facts import mask_address
from faircollect.compliance.models import ContactAttempt
from faircollect.kit.ids import new_id
from faircollect.kit.time import ensure_aware, utc_now


@dataclass(frozen=True, slots=True)
class AttemptIn:
    borrower_id: str
    loan_id: str | None
    channel: Channel | str
    recipient_role: RecipientRole | str
    address: str | None
    at: datetime
    outcome: Outcome | str
    actor: str
    agency_id: str | None = None
    purpose: Purpose | str = Purpose.COLLECT
    decision_ref: str | None = None


def add_attempts(session: Session, items: Sequence[AttemptIn]) -> tuple[list[str], list[dict[str, Any]]]:
    """Insert the attempts (flushed) and return their ids and the audit entries to append for them."""
    rows = []
    entries = []
    for a in items:
        row = ContactAttempt(
            id=new_id("att"),
            borrower_id=a.borrower_id,
            loan_id=a.loan_id,
            channel=Channel(a.channel).value,
            recipient_role=RecipientRole(a.recipient_role).value,
            purpose=Purpose(a.purpose).value,
            address=a.address,
            at=ensure_aware(a.at),
            outcome=Outcome(a.outcome).value,
            agency_id=a.agency_id,
            actor=a.actor,
            decision_ref=a.decision_ref,
            created_at=utc_now(),
        )
        rows.append(row)
        entries.append(
            {
                "actor": a.actor,
                "action": "contact.attempt_recorded",
                "subject_type": "borrower",
                "subject_id": a.borrower_id,
                "payload": {
                    "attempt_id": row.id,
                    "loan_id": a.loan_id,
                    "channel": row.channel,
                    "recipient_role": row.recipient_role,
                    "purpose": row.purpose,
                    "address": mask_address(a.address),
                    "at": row.at.isoformat(),
                    "outcome": row.outcome,
                    "agency_id": a.agency_id,
                    "decision_ref": a.decision_ref,
                },
            }
        )
    session.add_all(rows)
    session.flush()
    return [r.id for r in rows], entries
