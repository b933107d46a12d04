"""Cases follow the ledger; promises are judged from payments; one view of a borrower over several loans."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from faircollect.collections.models import CaseEvent, CollectionCase
from faircollect.collections.promises import check_promises, make_promise
from faircollect.collections.service import borrower_view, list_cases, open_case_for_loan, sync_cases
from faircollect.compliance.audit.models import AuditRecord
from faircollect.db import unit_of_work
from faircollect.ledger import service as ledger

FIRST_DUE = date(2026, 2, 15)


def _due_now(session: Session, loan_id: str, on: date) -> int:
    st = ledger.loan_state(session, loan_id, on)
    return sum(i.outstanding_total for i in st.instalments if i.due_date <= on)


def test_case_opens_when_overdue_and_closes_on_cure_then_reopens(
    sessions: sessionmaker[Session], make_book: Callable[..., object]
) -> None:
    bk = make_book()
    with unit_of_work(sessions) as s:
        assert sync_cases(s, FIRST_DUE).opened == ()  # due today is not overdue
    with unit_of_work(sessions) as s:
        res = sync_cases(s, date(2026, 2, 17))
        assert len(res.opened) == 1
        case = open_case_for_loan(s, bk.loan_id)  # type: ignore[attr-defined]
        assert case is not None and case.stage == "M1" and case.days_past_due == 2
        ledger.post_payment(
            s,
            loan_id=bk.loan_id,
            key="p1",
            date=date(2026, 2, 18),
            amount_minor=_due_now(s, bk.loan_id, date(2026, 2, 18)),
        )  # type: ignore[attr-defined]
    with unit_of_work(sessions) as s:
        res = sync_cases(s, date(2026, 2, 18))
        assert [reason for _, reason in res.closed] == ["cured"]
        closed = s.get(CollectionCase, res.closed[0][0])
        assert closed is not None and closed.status == "closed" and closed.open_key is None
        types = [e.type for e in s.execute(select(CaseEvent).where(CaseEvent.case_id == closed.id)).scalars()]
        assert types == ["opened", "closed"]
        audited = (
            s.execute(select(AuditRecord.action).where(AuditRecord.subject_id == closed.id)).scalars().all()
        )
        assert "collections.case.opened" in audited and "collections.case.closed" in audited
    with unit_of_work(sessions) as s:
        res = sync_cases(s, date(2026, 3, 20))  # the March instalment is missed: a new case
        assert len(res.opened) == 1
        assert len(list_cases(s, status=None)) == 2


def test_stage_follows_bucket_and_is_audited(
    sessions: sessionmaker[Session], make_book: Callable[..., object]
) -> None:
    bk = make_book()
    with unit_of_work(sessions) as s:
        sync_cases(s, date(2026, 3, 1))
    with unit_of_work(sessions) as s:
        res = sync_cases(s, date(2026, 3, 20))
        assert [(f, t) for _, f, t in res.stage_changes] == [("M1", "M2")]
        case = open_case_for_loan(s, bk.loan_id)  # type: ignore[attr-defined]
        assert case is not None and case.stage == "M2" and case.open_bucket == "M1"


def test_case_closes_as_written_off(
    sessions: sessionmaker[Session], make_book: Callable[..., object]
) -> None:
    bk = make_book()
    with unit_of_work(sessions) as s:
        sync_cases(s, date(2026, 3, 1))
        ledger.write_off(s, loan_id=bk.loan_id, key="wo", date=date(2026, 3, 2))  # type: ignore[attr-defined]
    with unit_of_work(sessions) as s:
        res = sync_cases(s, date(2026, 3, 3))
        assert [r for _, r in res.closed] == ["written_off"]


def test_promise_kept_is_detected_from_ledger_payment(
    sessions: sessionmaker[Session], make_book: Callable[..., object]
) -> None:
    bk = make_book()
    day = date(2026, 2, 17)
    with unit_of_work(sessions) as s:
        sync_cases(s, day)
        case = open_case_for_loan(s, bk.loan_id)  # type: ignore[attr-defined]
        assert case is not None
        p = make_promise(
            s,
            case_id=case.id,
            amount_minor=case.overdue_minor,
            promised_date=date(2026, 2, 20),
            channel="call",
            made_on=day,
            actor="agent:a",
        )
        pid, amount = p.id, case.overdue_minor
    with unit_of_work(sessions) as s:
        assert check_promises(s, date(2026, 2, 18)).pending == 1
        ledger.post_payment(s, loan_id=bk.loan_id, key="pp", date=date(2026, 2, 19), amount_minor=amount)  # type: ignore[attr-defined]
    with unit_of_work(sessions) as s:
        res = check_promises(s, date(2026, 2, 19))
        assert res.kept == (pid,) and res.broken == ()


def test_promise_broken_when_date_passes_with_partial_or_reversed_payment(
    sessions: sessionmaker[Session], make_book: Callable[..., object]
) -> None:
    bk = make_book()
    day = date(2026, 2, 17)
    with unit_of_work(sessions) as s:
        sync_cases(s, day)
        case = open_case_for_loan(s, bk.loan_id)  # type: ignore[attr-defined]
        assert case is not None
        p = make_promise(
            s,
            case_id=case.id,
            amount_minor=50_000,
            promised_date=date(2026, 2, 20),
            channel="sms",
            made_on=day,
            actor="agent:a",
        )
        ledger.post_payment(s, loan_id=bk.loan_id, key="half", date=date(2026, 2, 18), amount_minor=20_000)  # type: ignore[attr-defined]
        ledger.post_payment(s, loan_id=bk.loan_id, key="bounced", date=date(2026, 2, 19), amount_minor=30_000)  # type: ignore[attr-defined]
        ledger.reverse_payment(
            s, loan_id=bk.loan_id, key="rev", date=date(2026, 2, 20), payment_key="bounced"
        )  # type: ignore[attr-defined]
        pid = p.id
    with unit_of_work(sessions) as s:
        assert check_promises(s, date(2026, 2, 20)).pending == 1  # the promised day itself still counts
    with unit_of_work(sessions) as s:
        res = check_promises(s, date(2026, 2, 21))
        assert res.broken == (pid,)
        row = s.execute(select(CaseEvent.type).where(CaseEvent.type == "promise_broken")).scalar_one()
        assert row == "promise_broken"


def test_borrower_view_covers_every_loan_masked(
    sessions: sessionmaker[Session], make_book: Callable[..., object]
) -> None:
    a = make_book("12000.00")
    make_book("6000.00", borrower_id=a.borrower_id)  # type: ignore[attr-defined]
    with unit_of_work(sessions) as s:
        sync_cases(s, date(2026, 2, 17))
        view = borrower_view(s, a.borrower_id, date(2026, 2, 17))  # type: ignore[attr-defined]
    assert len(view["loans"]) == 2 and all(ln["case"] is not None for ln in view["loans"])
    assert view["name"] == "张*" and "8000" not in (view["phone"] or "")[3:7]
    assert view["total_overdue_minor"] > 0
