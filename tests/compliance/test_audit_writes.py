"""Writes that once left no audit record: a wrong one-time code (the portal's failed-proof counter) and a delivery
receipt that matches no message. Each test fails if the record is missing or carries the secret."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from faircollect.compliance.audit.models import AuditRecord
from faircollect.db import unit_of_work
from faircollect.ledger import service as ledger
from faircollect.messaging.providers import Receipt
from faircollect.messaging.providers.base import OutgoingMessage, SendResult
from faircollect.messaging.service import apply_receipts
from faircollect.portal import otp
from faircollect.portal.models import PortalOtp


@dataclass
class _Phone:
    """A provider that keeps what it was asked to send (the code is read from the message)."""

    name: str = "test"
    sent: list[OutgoingMessage] = field(default_factory=list)

    def send(self, message: OutgoingMessage) -> SendResult:
        self.sent.append(message)
        return SendResult(provider_message_id=f"t-{len(self.sent)}")


def _records(sessions: sessionmaker[Session], action: str) -> list[AuditRecord]:
    with sessions() as s:
        return list(
            s.execute(
                select(AuditRecord).where(AuditRecord.action == action).order_by(AuditRecord.seq)
            ).scalars()
        )


def test_each_wrong_one_time_code_is_counted_and_audited_without_the_code(
    sessions: sessionmaker[Session],
) -> None:
    with unit_of_work(sessions) as s:
        bid = ledger.create_borrower(s, name="李四", phone="13800138001", jurisdiction="CN").id
    phone = _Phone()
    with unit_of_work(sessions) as s:
        issued = otp.issue(s, borrower_id=bid, purpose="sign_in", provider=phone, lender="L")
    code = next(w for w in phone.sent[0].body.split() if w.isdigit() and len(w) == 6)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(2):
        with unit_of_work(sessions) as s:
            assert otp.verify(s, borrower_id=bid, purpose="sign_in", code=wrong) is False
    with sessions() as s:
        row = s.get(PortalOtp, issued.otp_id)
        assert row is not None and row.failed_attempts == 2
    failed = _records(sessions, "portal.otp_failed")
    assert len(failed) == 2
    for rec in failed:
        assert rec.subject_type == "borrower" and rec.subject_id == bid and rec.actor == f"borrower:{bid}"
        assert rec.payload == {"purpose": "sign_in", "live_codes": 1}
        assert code not in str(rec.payload) and wrong not in str(rec.payload)
    with unit_of_work(sessions) as s:
        assert otp.verify(s, borrower_id=bid, purpose="sign_in", code=code) is True
    assert len(_records(sessions, "portal.otp_verified")) == 1


def test_a_receipt_for_no_known_message_is_audited(sessions: sessionmaker[Session]) -> None:
    with unit_of_work(sessions) as s:
        out = apply_receipts(
            s,
            provider="aliyun",
            receipts=[Receipt("AL-1", "failed", "UNDELIV", error_code="E1")],
            actor="gateway:aliyun",
        )
    assert out[0]["message_id"] is None
    (rec,) = _records(sessions, "messaging.receipt.unmatched")
    assert rec.actor == "gateway:aliyun" and rec.subject_type == "delivery_receipt"
    assert rec.payload == {
        "provider": "aliyun",
        "provider_message_id": "AL-1",
        "status": "failed",
        "provider_status": "UNDELIV",
        "error_code": "E1",
    }
