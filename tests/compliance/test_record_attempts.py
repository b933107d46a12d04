"""The dispatcher's bulk attempt recording writes what ``compliance.facts.record_attempt`` writes."""

from __future__ import annotations

from datetime import UTC, datetime

from msg_helpers import new_borrower
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from faircollect.compliance import facts as facts_service
from faircollect.compliance.audit import service as audit
from faircollect.compliance.audit.models import AuditRecord
from faircollect.compliance.models import ContactAttempt
from faircollect.db import unit_of_work
from faircollect.messaging.attempts import AttemptIn, add_attempts

COLUMNS = (
    "borrower_id",
    "loan_id",
    "channel",
    "recipient_role",
    "purpose",
    "address",
    "at",
    "outcome",
    "agency_id",
    "actor",
    "decision_ref",
)


def test_bulk_attempts_equal_record_attempt_rows_and_audit_payloads(sq: sessionmaker[Session]) -> None:
    bid = new_borrower(sq)
    at = datetime(2026, 3, 2, 2, 30, tzinfo=UTC)
    kwargs = {
        "borrower_id": bid,
        "loan_id": None,
        "channel": "sms",
        "recipient_role": "borrower",
        "address": "13800138000",
        "at": at,
        "outcome": "sent",
        "actor": "system:dispatch",
        "decision_ref": "audit:7",
    }
    with unit_of_work(sq) as s:
        one = facts_service.record_attempt(s, **kwargs)  # type: ignore[arg-type]
        (bulk,), entries = add_attempts(s, [AttemptIn(**kwargs)])  # type: ignore[arg-type]
        audit.record_many(s, entries)
    with sq() as s:
        a = s.get(ContactAttempt, one)
        b = s.get(ContactAttempt, bulk)
        assert a is not None and b is not None
        assert {c: getattr(a, c) for c in COLUMNS} == {c: getattr(b, c) for c in COLUMNS}
        recs = (
            s.execute(
                select(AuditRecord)
                .where(AuditRecord.action == "contact.attempt_recorded")
                .order_by(AuditRecord.seq)
            )
            .scalars()
            .all()
        )
        assert len(recs) == 2
        pa, pb = dict(recs[0].payload), dict(recs[1].payload)
        assert pa.pop("attempt_id") == one and pb.pop("attempt_id") == bulk
        assert pa == pb
        assert (recs[0].actor, recs[0].subject_type, recs[0].subject_id) == (
            recs[1].actor,
            recs[1].subject_type,
            recs[1].subject_id,
        )
        assert audit.verify(s).ok
