"""Field visits are a governed last resort: prerequisites, two staff, lawful hours, a different approver."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session, sessionmaker

from faircollect.collections.contacts import facts_for, log_complaint
from faircollect.collections.service import open_case_for_loan, sync_cases
from faircollect.collections.strategy import VisitPolicy
from faircollect.collections.visits import VisitRefused, approve_visit, record_visit_outcome, request_visit
from faircollect.compliance import facts as compliance_facts
from faircollect.db import unit_of_work
from faircollect.kit.errors import ValidationError

DAY = date(2026, 4, 20)  # 64 days past the first (missed) due date
SH = ZoneInfo("Asia/Shanghai")
POLICY = VisitPolicy(min_dpd=61, required_failed_channels=("sms", "call"), min_balance_minor=100_000)


def _at(hh: int, mm: int = 0, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=SH).astimezone(UTC)


TOMORROW = date(2026, 4, 21)


def _ready_case(
    sessions: sessionmaker[Session], loan_id: str, *, channels: tuple[str, ...] = ("sms", "call")
) -> str:
    with unit_of_work(sessions) as s:
        sync_cases(s, date(2026, 2, 20))
        case = open_case_for_loan(s, loan_id)
        assert case is not None
        for i, ch in enumerate(channels):
            compliance_facts.record_attempt(
                s,
                borrower_id=case.borrower_id,
                loan_id=loan_id,
                channel=ch,
                recipient_role="borrower",
                address="13800138000",
                at=_at(10 + i, day=date(2026, 3, 2)),
                outcome="sent" if ch == "sms" else "no_answer",
                actor="test",
            )
        sync_cases(s, DAY)
        return case.id


def _request(s: Session, case_id: str, **kw: object) -> str:
    args: dict[str, object] = {
        "case_id": case_id,
        "requested_by": "agent:wang",
        "reason": "no contact for weeks",
        "staff": ["王强", "李明"],
        "window_start": _at(10, day=TOMORROW),
        "window_end": _at(12, day=TOMORROW),
        "policy": POLICY,
    }
    args.update(kw)
    return request_visit(s, **args).id  # type: ignore[arg-type]


def test_visit_request_approve_record_and_linter_context(
    sessions: sessionmaker[Session], make_book: Callable[..., object]
) -> None:
    bk = make_book()
    case_id = _ready_case(sessions, bk.loan_id)  # type: ignore[attr-defined]
    with unit_of_work(sessions) as s:
        vid = _request(s, case_id)
        assert not facts_for(s, bk.borrower_id, _at(9), None).visit_approved  # type: ignore[attr-defined]
    with unit_of_work(sessions) as s:
        approve_visit(s, visit_id=vid, approver="supervisor:zhou", policy=POLICY)
    with unit_of_work(sessions) as s:
        facts = facts_for(s, bk.borrower_id, _at(9), None)  # type: ignore[attr-defined]
        assert facts.visit_approved and facts.visit_window == (_at(10, day=TOMORROW), _at(12, day=TOMORROW))
        with pytest.raises(ValidationError, match="recording"):
            record_visit_outcome(
                s,
                visit_id=vid,
                outcome="met_borrower",
                recording_ref=" ",
                at=_at(10, 30, TOMORROW),
                actor="agent:wang",
            )
    with unit_of_work(sessions) as s:
        v = record_visit_outcome(
            s,
            visit_id=vid,
            outcome="met_borrower",
            recording_ref="rec-001",
            at=_at(10, 30, TOMORROW),
            actor="agent:wang",
        )
        assert v.status == "completed"


def test_visit_self_approval_is_refused(
    sessions: sessionmaker[Session], make_book: Callable[..., object]
) -> None:
    bk = make_book()
    case_id = _ready_case(sessions, bk.loan_id)  # type: ignore[attr-defined]
    with unit_of_work(sessions) as s:
        vid = _request(s, case_id)
    with unit_of_work(sessions) as s, pytest.raises(VisitRefused, match="own visit request"):
        approve_visit(s, visit_id=vid, approver="agent:wang", policy=POLICY)


def test_visit_with_one_staff_member_is_refused(
    sessions: sessionmaker[Session], make_book: Callable[..., object]
) -> None:
    bk = make_book()
    case_id = _ready_case(sessions, bk.loan_id)  # type: ignore[attr-defined]
    with unit_of_work(sessions) as s, pytest.raises(VisitRefused, match="at least 2 named staff"):
        _request(s, case_id, staff=["王强", "王强 "])


def test_visit_window_outside_lawful_hours_is_refused(
    sessions: sessionmaker[Session], make_book: Callable[..., object]
) -> None:
    bk = make_book()
    case_id = _ready_case(sessions, bk.loan_id)  # type: ignore[attr-defined]
    with unit_of_work(sessions) as s, pytest.raises(VisitRefused) as ei:
        _request(s, case_id, window_start=_at(21, 0, TOMORROW), window_end=_at(22, 30, TOMORROW))
    assert any("CN-" in p and "window end" in p for p in ei.value.problems)


def test_visit_without_prerequisites_is_refused(
    sessions: sessionmaker[Session], make_book: Callable[..., object]
) -> None:
    bk = make_book()
    case_id = _ready_case(sessions, bk.loan_id, channels=("sms",))  # type: ignore[attr-defined]
    with unit_of_work(sessions) as s, pytest.raises(VisitRefused) as ei:
        _request(
            s,
            case_id,
            policy=VisitPolicy(min_dpd=90, required_failed_channels=("sms", "call"), min_balance_minor=10**9),
        )
    problems = " | ".join(ei.value.problems)
    assert "min_dpd" in problems and "never tried: call" in problems and "min_balance" in problems


def test_visit_refused_while_a_hold_is_active(
    sessions: sessionmaker[Session], make_book: Callable[..., object]
) -> None:
    bk = make_book()
    case_id = _ready_case(sessions, bk.loan_id)  # type: ignore[attr-defined]
    with unit_of_work(sessions) as s:
        vid = _request(s, case_id)
        log_complaint(
            s,
            borrower_id=bk.borrower_id,
            kind="hardship",
            channel="phone",
            summary="lost job",  # type: ignore[attr-defined]
            received_at=_at(15),
            actor="agent:x",
        )
    with unit_of_work(sessions) as s, pytest.raises(VisitRefused, match="no_hold"):
        approve_visit(s, visit_id=vid, approver="supervisor:zhou", policy=POLICY)
