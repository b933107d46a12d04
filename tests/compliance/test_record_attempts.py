"""``compliance.facts.record_attempts`` (and its one-attempt case ``record_attempt``): the rows and the audit
records are exactly what the documentation promises — every value stored, one ``contact.attempt_recorded`` record
per attempt with the address masked, in order, the chain intact."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from faircollect.compliance import facts as facts_service
from faircollect.compliance.audit import service as audit
from faircollect.compliance.audit.models import AuditRecord
from faircollect.compliance.facts import AttemptIn
from faircollect.compliance.models import ContactAttempt
from faircollect.db import unit_of_work
from faircollect.ledger.models import Borrower

AT = datetime(2026, 3, 2, 2, 30, tzinfo=UTC)


def _borrower(s: Session, bid: str = "bor_ra") -> str:
    s.add(
        Borrower(id=bid, name="张三", phone="13800138000", timezone=None, jurisdiction="CN", language="zh-CN")
    )
    s.flush()
    return bid


def test_record_attempts_stores_every_value_and_audits_each_attempt_masked_in_order(
    sessions: sessionmaker[Session],
) -> None:
    items = [
        AttemptIn(
            borrower_id="bor_ra",
            loan_id=None,
            channel="sms",
            recipient_role="borrower",
            address="13800138000",
            at=AT,
            outcome="sent",
            actor="system:dispatch",
            decision_ref="audit:7",
        ),
        AttemptIn(
            borrower_id="bor_ra",
            loan_id=None,
            channel="email",
            recipient_role="registered_contact",
            address="li.si@example.com",
            at=AT,
            outcome="delivered",
            actor="agent:3",
            agency_id="agency_a",
            purpose="locate",
        ),
    ]
    with unit_of_work(sessions) as s:
        _borrower(s)
        ids = facts_service.record_attempts(s, items)
        one = facts_service.record_attempt(
            s,
            borrower_id="bor_ra",
            loan_id=None,
            channel="call",
            recipient_role="borrower",
            address="13800138000",
            at=AT,
            outcome="no_answer",
            actor="agent:7",
        )
        assert facts_service.record_attempts(s, []) == []
    with sessions() as s:
        rows = [s.get(ContactAttempt, i) for i in [*ids, one]]
        assert all(r is not None for r in rows)
        got = [
            (
                r.channel,
                r.recipient_role,
                r.purpose,
                r.address,
                r.at,
                r.outcome,
                r.agency_id,
                r.actor,
                r.decision_ref,
            )
            for r in rows
            if r is not None
        ]
        assert got == [
            ("sms", "borrower", "collect", "13800138000", AT, "sent", None, "system:dispatch", "audit:7"),
            (
                "email",
                "registered_contact",
                "locate",
                "li.si@example.com",
                AT,
                "delivered",
                "agency_a",
                "agent:3",
                None,
            ),
            ("call", "borrower", "collect", "13800138000", AT, "no_answer", None, "agent:7", None),
        ]
        recs = (
            s.execute(
                select(AuditRecord)
                .where(AuditRecord.action == "contact.attempt_recorded")
                .order_by(AuditRecord.seq)
            )
            .scalars()
            .all()
        )
        assert [r.payload["attempt_id"] for r in recs] == [*ids, one]
        assert [(r.actor, r.subject_type, r.subject_id) for r in recs] == [
            ("system:dispatch", "borrower", "bor_ra"),
            ("agent:3", "borrower", "bor_ra"),
            ("agent:7", "borrower", "bor_ra"),
        ]
        assert recs[0].payload == {
            "attempt_id": ids[0],
            "loan_id": None,
            "channel": "sms",
            "recipient_role": "borrower",
            "purpose": "collect",
            "address": "138****8000",
            "at": AT.isoformat(),
            "outcome": "sent",
            "agency_id": None,
            "decision_ref": "audit:7",
        }
        for r in recs:  # no full address anywhere in the log
            assert "13800138000" not in str(r.payload) and "li.si@example.com" not in str(r.payload)
        assert audit.verify(s).ok


def test_record_attempts_refuses_a_bad_value_and_writes_nothing(sessions: sessionmaker[Session]) -> None:
    good = AttemptIn("bor_ra", None, "sms", "borrower", "13800138000", AT, "sent", "t")
    bad = AttemptIn("bor_ra", None, "pigeon", "borrower", "13800138000", AT, "sent", "t")
    with unit_of_work(sessions) as s:
        _borrower(s)
    with pytest.raises(ValueError, match="pigeon"), unit_of_work(sessions) as s:
        facts_service.record_attempts(s, [good, bad])
    with sessions() as s:
        assert s.execute(select(ContactAttempt)).first() is None
