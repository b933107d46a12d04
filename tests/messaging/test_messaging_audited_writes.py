"""A delivery receipt nobody's message matches yet used to leave no audit record."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from faircollect.compliance.audit.models import AuditRecord
from faircollect.db import unit_of_work
from faircollect.messaging.providers import Receipt
from faircollect.messaging.service import apply_receipts


def _records(sq: sessionmaker[Session], action: str) -> list[AuditRecord]:
    with sq() as s:
        return list(s.execute(select(AuditRecord).where(AuditRecord.action == action)).scalars())


def test_an_unmatched_delivery_receipt_is_audited(sq: sessionmaker[Session]) -> None:
    with unit_of_work(sq) as s:
        out = apply_receipts(
            s, provider="twilio", receipts=[Receipt("SM-unknown", "delivered", "DELIVRD")], actor="gateway"
        )
    assert out[0]["message_id"] is None
    (rec,) = _records(sq, "messaging.receipt.unmatched")
    assert rec.actor == "gateway" and rec.subject_type == "delivery_receipt"
    assert rec.payload["provider_message_id"] == "SM-unknown" and rec.payload["status"] == "delivered"
