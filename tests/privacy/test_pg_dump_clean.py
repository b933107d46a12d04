"""After the demo on PostgreSQL, a pg_dump of its database holds no phone, e-mail or ID number in clear — nor any of
the free texts people give us: complaint texts and answers, hold reasons, call and visit notes, visit reasons and
reports, relief decision notes, signed names and agreements, attachment file names."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from faircollect.collections.contacts import answer_complaint, log_complaint
from faircollect.collections.models import CollectionCase, VisitRequest
from faircollect.collections.service import record_change
from faircollect.compliance import facts as compliance_facts
from faircollect.compliance.contact import HoldKind
from faircollect.db import make_engine, session_factory, unit_of_work
from faircollect.demo import run_demo
from faircollect.kit.ids import new_id
from faircollect.portal import care
from faircollect.portal.models import ReliefApplication
from faircollect.privacy.dumpcheck import check, pg_dump

#: One marker per place free text is written; none may appear in the dump.
MARKERS = {
    "complaint summary": "MARKER-SUMMARY 他们半夜打电话到我单位",
    "complaint answer": "MARKER-ANSWER 已核实并致歉",
    "hold reason": "MARKER-HOLD 住院治疗中",
    "hold release reason": "MARKER-RELEASE 出院",
    "call note": "MARKER-CALLNOTE 借款人说失业了",
    "visit reason": "MARKER-VISITREASON 失联三个月",
    "visit note": "MARKER-VISITNOTE 批准",
    "visit report": "MARKER-VISITREPORT 家中有老人需照顾",
    "relief note": "MARKER-RELIEFNOTE 收入证明不足",
    "signed name": "MARKER-SIGNEDNAME 张某某",
    "agreement": "MARKER-AGREEMENT-PDF",
    "portal complaint": "MARKER-PORTAL 催收员威胁我",
    "attachment file name": "MARKER-FILENAME-张某某身份证",
    "clock extension reason": "MARKER-EXTENSION 需调取您单位的通话记录",
}


def _write_free_texts(url: str) -> None:
    """Write each kind of free text through the services that write it (visit and relief rows directly: their
    governance is tested elsewhere; here only what reaches the disk matters)."""
    engine = make_engine(url)
    sq = session_factory(engine)
    at = datetime(2026, 1, 20, 2, tzinfo=UTC)
    with unit_of_work(sq) as s:
        case = s.execute(select(CollectionCase).order_by(CollectionCase.id).limit(1)).scalar_one()
        bid = case.borrower_id
        c = log_complaint(
            s,
            borrower_id=bid,
            kind="complaint",
            channel="phone",
            summary=MARKERS["complaint summary"],
            received_at=at,
            actor="agent:a",
        )
        answer_complaint(s, complaint_id=c.id, answer=MARKERS["complaint answer"], actor="agent:b", at=at)
        hold = compliance_facts.set_hold(
            s, borrower_id=bid, kind=HoldKind.HARDSHIP, reason=MARKERS["hold reason"], actor="agent:a", at=at
        )
        compliance_facts.release_hold(s, hold_id=hold, actor="agent:a", reason=MARKERS["hold release reason"])
        record_change(
            s, case, type="call", actor="agent:a", payload={}, private={"note": MARKERS["call note"]}
        )
        s.add(
            VisitRequest(
                id=new_id("vis"),
                case_id=case.id,
                borrower_id=bid,
                loan_id=case.loan_id,
                status="completed",
                reason=MARKERS["visit reason"],
                requested_by="agent:a",
                staff={"names": ["甲", "乙"]},
                window_start=at,
                window_end=at + timedelta(hours=2),
                prerequisites={},
                approved_by="sup:b",
                decided_note=MARKERS["visit note"],
                outcome="met",
                report=MARKERS["visit report"],
            )
        )
        s.add(
            ReliefApplication(
                id=new_id("rel"),
                borrower_id=bid,
                loan_id=case.loan_id,
                reason="job_loss",
                income_minor=100,
                expenditure_minor=50,
                currency="CNY",
                kind="instalment_plan",
                months=6,
                on_date=date(2026, 1, 20),
                plan={},
                total_minor=100,
                within_policy=False,
                status="signed",
                decision_note=MARKERS["relief note"],
                signed_name=MARKERS["signed name"],
                agreement_pdf=b"%PDF-1.4 " + MARKERS["agreement"].encode(),
                grace_days=3,
                tolerance_minor=0,
            )
        )
        portal_complaint = care.file_complaint(
            s,
            borrower_id=bid,
            jurisdiction="CN",
            reason="harassment",
            text=MARKERS["portal complaint"],
            uploads=[care.Upload(MARKERS["attachment file name"] + ".pdf", "application/pdf", b"%PDF-1.4 x")],
            actor=f"borrower:{bid}",
        )
        care.extend_clock(
            s,
            complaint_id=portal_complaint.id,
            reason=MARKERS["clock extension reason"],
            actor="compliance:c",
            senior=True,
        )
    with sq() as s:  # the application still reads every text back
        v = s.execute(select(VisitRequest)).scalars().first()
        assert v is not None and (v.reason, v.report) == (MARKERS["visit reason"], MARKERS["visit report"])
        r = s.execute(select(ReliefApplication)).scalars().first()
        assert (
            r is not None and r.agreement_pdf is not None and MARKERS["agreement"].encode() in r.agreement_pdf
        )
    engine.dispose()


@pytest.mark.postgres
@pytest.mark.slow
def test_pg_dump_after_the_demo_holds_no_personal_data_in_clear(pg_url: str) -> None:
    run_demo(pg_url, loans=30, months=3, seed=7, start=date(2026, 1, 1), days=3, nightly=False)
    _write_free_texts(pg_url)
    report = check(pg_url)
    assert report.values_checked >= 30  # the demo's phones, in E.164 and national form
    assert report.found == [], f"personal data in clear in pg_dump: {len(report.found)} values"
    assert report.pattern_hits == {}, report.pattern_hits
    dump = pg_dump(pg_url)
    assert "MARKER-" not in dump, sorted(k for k, m in MARKERS.items() if m.split()[0] in dump)
    assert MARKERS["agreement"].encode().hex() not in dump  # bytea is dumped as hex
