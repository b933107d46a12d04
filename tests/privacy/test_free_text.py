"""Free text people give us — complaint texts, hold reasons, call notes, file names, signed agreements — is sealed
under the person's data key wherever it is written (columns, case events, audit payloads), read back by the
application, erased with the key, and the audit chain still verifies after the erasure."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from faircollect.collections.contacts import answer_complaint, log_complaint
from faircollect.collections.models import CaseEvent, CollectionCase, Complaint
from faircollect.collections.service import case_event_payload, record_change
from faircollect.compliance import facts as compliance_facts
from faircollect.compliance.audit import service as audit
from faircollect.compliance.audit.models import AuditRecord
from faircollect.compliance.contact import HoldKind
from faircollect.compliance.models import Hold
from faircollect.kit.ids import new_id
from faircollect.ledger import service as ledger
from faircollect.messaging.dispatch_steps import _masked_error
from faircollect.portal import care
from faircollect.portal.models import ComplaintAttachment, ReliefApplication
from faircollect.privacy import destroy, open_payload, seal_payload
from faircollect.privacy.export import export_borrower
from faircollect.privacy.keys import KeyError_

SAID = "他们半夜打电话到我单位，我在住院"
AT = datetime(2026, 2, 1, 2, tzinfo=UTC)


def _all_rows(s: Session) -> str:
    tables = (
        "complaint",
        "hold",
        "case_event",
        "audit_record",
        "complaint_attachment",
        "relief_application",
        "visit_request",
        "complaint_extension",
    )
    return "".join(repr(s.execute(text(f"SELECT * FROM {t}")).all()) for t in tables)


def _hold_record(s: Session, hold_id: str) -> AuditRecord:
    (rec,) = (
        r
        for r in s.execute(select(AuditRecord).where(AuditRecord.action == "contact.hold_set")).scalars()
        if (r.payload or {}).get("hold_id") == hold_id
    )
    return rec


def _borrower_with_case(s: Session) -> CollectionCase:
    b = ledger.create_borrower(s, name="张三丰", phone="13800138000")
    loan = ledger.create_loan(
        s,
        borrower_id=b.id,
        terms={
            "annual_rate": "0.12",
            "method": "equal_instalment",
            "term": 12,
            "frequency": "monthly",
            "principal": "1000.00",
            "start_date": "2026-01-15",
        },
        approve=True,
    )
    case = CollectionCase(
        id=new_id("case"),
        borrower_id=b.id,
        loan_id=loan.id,
        open_key=loan.id,
        status="open",
        stage="M1",
        open_bucket="M1",
        opened_on=date(2026, 2, 16),
        currency="CNY",
    )
    s.add(case)
    s.flush()
    return case


def test_payload_text_is_sealed_bound_to_its_person_and_erased_with_them(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as s:
        a = ledger.create_borrower(s, name="甲某某", phone="13800138000").id
        b = ledger.create_borrower(s, name="乙某某", phone="13900139000").id
        sealed = seal_payload(
            s, a, {"hold_id": "h1", "reason": SAID, "none": None}, ("reason", "none"), scope="t"
        )
        assert sealed["hold_id"] == "h1" and sealed["none"] is None and sealed["reason"].startswith("fc1:")
        assert SAID not in repr(sealed)
        assert open_payload(s, a, sealed, ("reason",), scope="t")["reason"] == SAID
        with pytest.raises(KeyError_):  # moved to another person, it does not open
            open_payload(s, b, sealed, ("reason",), scope="t")
        with pytest.raises(KeyError_):  # nor under another scope
            open_payload(s, a, sealed, ("reason",), scope="other")
        destroy(s, [a], reason="test")
        assert open_payload(s, a, sealed, ("reason",), scope="t")["reason"] is None


def test_complaints_holds_and_notes_hold_no_text_in_clear_and_erasure_keeps_the_chain(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as s:
        case = _borrower_with_case(s)
        bid, case_id = case.borrower_id, case.id
        c = log_complaint(
            s,
            borrower_id=bid,
            kind="complaint",
            channel="phone",
            summary=SAID,
            received_at=AT,
            actor="agent:a",
        )
        answer_complaint(s, complaint_id=c.id, answer="已核实，向您致歉", actor="agent:b", at=AT)
        hold = compliance_facts.set_hold(
            s, borrower_id=bid, kind=HoldKind.HARDSHIP, reason="住院治疗中", actor="agent:a", at=AT
        )
        compliance_facts.release_hold(s, hold_id=hold, actor="agent:a", reason="已出院回家")
        record_change(
            s, case, type="call", actor="agent:a", payload={"outcome": "connected"}, private={"note": SAID}
        )
        portal_complaint = care.file_complaint(
            s,
            borrower_id=bid,
            jurisdiction="CN",
            reason="harassment",
            text="催收员威胁我的家人",
            uploads=[care.Upload("张三丰身份证.pdf", "application/pdf", b"%PDF-1.4 x")],
            actor=f"borrower:{bid}",
            now=AT,
        )
        care.extend_clock(
            s,
            complaint_id=portal_complaint.id,
            reason="需调取通话录音核实",
            actor="compliance:c",
            senior=True,
            now=AT,
        )
    with sessions.begin() as s:
        raw = _all_rows(s)
        for clear in (SAID, "已核实", "住院治疗中", "已出院", "催收员威胁", "张三丰身份证", "需调取通话录音"):
            assert clear not in raw, clear
        got = s.execute(select(Complaint).where(Complaint.channel == "phone")).scalar_one()
        assert (got.summary, got.answer) == (SAID, "已核实，向您致歉")
        h = s.get(Hold, hold)
        assert h is not None and (h.reason, h.release_reason) == ("住院治疗中", "已出院回家")
        ev = s.execute(select(CaseEvent).where(CaseEvent.type == "call")).scalar_one()
        case = s.get(CollectionCase, case_id)
        assert case is not None and case_event_payload(s, case, ev) == {"outcome": "connected", "note": SAID}
        (att,) = s.execute(select(ComplaintAttachment)).scalars()
        assert att.filename == "张三丰身份证.pdf"
        hold_rec = _hold_record(s, hold)
        assert open_payload(s, bid, hold_rec.payload, ("reason",), scope="hold")["reason"] == "住院治疗中"
        exported = export_borrower(s, bid)
        assert exported["held"]["complaint"][0]["summary"] in (SAID, "[harassment] 催收员威胁我的家人")
        assert {r["filename"] for r in exported["held"]["complaint_attachment"]} == {"张三丰身份证.pdf"}
        # rows reached through a foreign key (the case's events) and the audit records about any exported row,
        # with the free text sealed inside their payloads opened
        (call,) = [e for e in exported["held"]["case_event"] if e["type"] == "call"]
        assert call["payload"] == {"outcome": "connected", "note": SAID}
        audited = {r["action"]: r["payload"] for r in exported["held"]["audit_record"]}
        assert audited["collections.case.call"]["note"] == SAID
        assert audited["contact.hold_released"]["reason"] == "已出院回家"
        assert audited["complaint.clock_extended"]["reason"] == "需调取通话录音核实"
        assert {r["reason"] for r in exported["held"]["complaint_extension"]} == {"需调取通话录音核实"}
        ext = care.extensions_of(s, [portal_complaint.id])[portal_complaint.id]
        assert [e.reason for e in ext] == ["需调取通话录音核实"]
    with sessions.begin() as s:
        destroy(s, [bid], reason="erasure test")
    with sessions.begin() as s:
        got = s.execute(select(Complaint).where(Complaint.channel == "phone")).scalar_one()
        assert (got.summary, got.answer) == (None, None)
        assert s.get(Hold, hold).reason is None  # type: ignore[union-attr]
        hold_rec = _hold_record(s, hold)
        assert open_payload(s, bid, hold_rec.payload, ("reason",), scope="hold")["reason"] is None
        assert audit.verify(s).ok  # the chain still verifies: it holds tokens, not the text


def test_a_signed_agreement_is_sealed_as_bytes(sessions: sessionmaker[Session]) -> None:
    pdf = b"%PDF-1.4 \x00\xff signed by " + "张三丰".encode()
    with sessions.begin() as s:
        case = _borrower_with_case(s)
        app_id = new_id("rel")
        s.add(
            ReliefApplication(
                id=app_id,
                borrower_id=case.borrower_id,
                loan_id=case.loan_id,
                reason="illness",
                income_minor=1,
                expenditure_minor=1,
                currency="CNY",
                kind="instalment_plan",
                months=6,
                on_date=date(2026, 2, 1),
                plan={},
                total_minor=1,
                within_policy=True,
                status="signed",
                signed_name="张三丰",
                agreement_pdf=pdf,
                grace_days=3,
                tolerance_minor=0,
            )
        )
    with sessions.begin() as s:
        raw = repr(s.execute(text("SELECT * FROM relief_application")).all())
        assert "张三丰" not in raw and "signed by" not in raw and b"signed by".hex() not in raw
        r = s.get(ReliefApplication, app_id)
        assert r is not None and r.agreement_pdf == pdf and r.signed_name == "张三丰"


def test_a_providers_error_text_is_kept_masked() -> None:
    err = _masked_error(
        "PermanentError: The 'To' number +8613800138000 (8613800138000) is invalid", "+8613800138000"
    )
    assert "13800138000" not in err and "138****8000" in err
    assert "zs@example.com" not in _masked_error("bounced: zs@example.com unknown", "zs@example.com")
