"""Calls, complaints and agencies go through the one gate with the shared counters."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from faircollect.collections.agencies import (
    create_agency,
    create_agent,
    create_mandate,
    place_case,
    recall_cases,
)
from faircollect.collections.contacts import NotYourCase, answer_complaint, call, log_complaint
from faircollect.collections.queues import agent_queue, build_work_queues
from faircollect.collections.service import open_case_for_loan, sync_cases
from faircollect.compliance.models import ContactAttempt
from faircollect.db import unit_of_work

DAY = date(2026, 2, 17)
SH = ZoneInfo("Asia/Shanghai")


def _at(hh: int, mm: int = 0, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=SH).astimezone(UTC)


def _case(sessions: sessionmaker[Session], loan_id: str) -> str:
    with unit_of_work(sessions) as s:
        sync_cases(s, DAY)
        case = open_case_for_loan(s, loan_id)
        assert case is not None
        return case.id


def test_call_outcomes_are_recorded_as_attempts(
    sessions: sessionmaker[Session], make_book: Callable[..., object]
) -> None:
    bk = make_book()
    case_id = _case(sessions, bk.loan_id)  # type: ignore[attr-defined]
    with unit_of_work(sessions) as s:
        for hh, outcome in ((9, "no_answer"), (10, "wrong_party"), (11, "refused"), (12, "connected")):
            assert call(s, case_id=case_id, at=_at(hh), outcome=outcome, actor="agent:x").allowed
    with unit_of_work(sessions) as s:
        rows = s.execute(select(ContactAttempt.outcome).order_by(ContactAttempt.at)).scalars().all()
    assert rows == ["no_answer", "wrong_party", "refused", "connected"]


def test_call_at_2230_borrower_local_time_is_denied(
    sessions: sessionmaker[Session], make_book: Callable[..., object]
) -> None:
    bk = make_book()
    case_id = _case(sessions, bk.loan_id)  # type: ignore[attr-defined]
    with unit_of_work(sessions) as s:
        res = call(s, case_id=case_id, at=_at(22, 30), outcome="connected", actor="agent:x")
        assert not res.allowed and "CN-HOURS-22-08" in res.decision.rule_ids
    with unit_of_work(sessions) as s:
        assert s.execute(select(ContactAttempt.id)).first() is None


def test_complaint_puts_hold_gate_denies_until_answered(
    sessions: sessionmaker[Session], make_book: Callable[..., object]
) -> None:
    bk = make_book()
    case_id = _case(sessions, bk.loan_id)  # type: ignore[attr-defined]
    with unit_of_work(sessions) as s:
        c = log_complaint(
            s,
            borrower_id=bk.borrower_id,
            kind="complaint",
            channel="phone",
            summary="too many calls",  # type: ignore[attr-defined]
            received_at=_at(9),
            actor="agent:x",
            case_id=case_id,
        )
        assert c.hold_id and c.routed_to == "complaints" and (c.due_by - c.received_at).days == 15
        cid = c.id
    with unit_of_work(sessions) as s:
        res = call(s, case_id=case_id, at=_at(10), outcome="connected", actor="agent:x")
        assert not res.allowed
        assert {"CN-COMPLAINTS", "CN-HOLD-POLICY"} & set(res.decision.rule_ids), res.decision.reasons
    with unit_of_work(sessions) as s:
        answer_complaint(
            s, complaint_id=cid, answer="we apologise; calls reduced", actor="supervisor:y", at=_at(11)
        )
    with unit_of_work(sessions) as s:
        assert call(s, case_id=case_id, at=_at(12), outcome="connected", actor="agent:x").allowed


def test_case_scoped_complaint_holds_only_that_case(
    sessions: sessionmaker[Session], make_book: Callable[..., object]
) -> None:
    bk = make_book()
    case_id = _case(sessions, bk.loan_id)  # type: ignore[attr-defined]
    with unit_of_work(sessions) as s:
        c = log_complaint(
            s,
            borrower_id=bk.borrower_id,
            kind="dispute",
            channel="letter",
            summary="amount disputed",  # type: ignore[attr-defined]
            received_at=_at(9),
            actor="agent:x",
            case_id=case_id,
            scope="case",
        )
        assert c.hold_id is None and c.routed_to == "disputes"
        case = open_case_for_loan(s, bk.loan_id)  # type: ignore[attr-defined]
        assert case is not None and case.on_hold


def _agency_setup(s: Session, case_id: str) -> tuple[str, str]:
    agency = create_agency(s, name="示例资产管理", actor="ops")
    create_mandate(
        s,
        agency_id=agency.id,
        criteria={"buckets": ["M1"]},
        starts_on=DAY,
        ends_on=date(2026, 5, 1),
        commission_rate="0.18",
        actor="ops",
    )
    assert place_case(s, case_id=case_id, as_of=DAY, actor="ops") is not None
    agent = create_agent(
        s, user="agency.zhao", display_name="赵", agency_id=agency.id, daily_cap=10, actor="ops"
    )
    build_work_queues(s, DAY)
    return agency.id, agent.id


def test_agency_calls_count_against_the_same_caps_as_the_lender(
    sessions: sessionmaker[Session], make_book: Callable[..., object]
) -> None:
    bk = make_book()
    case_id = _case(sessions, bk.loan_id)  # type: ignore[attr-defined]
    with unit_of_work(sessions) as s:
        agency_id, agent_id = _agency_setup(s, case_id)
    with unit_of_work(sessions) as s:
        assert call(
            s,
            case_id=case_id,
            at=_at(9),
            outcome="connected",
            agent_id=agent_id,
            actor="agent:zhao",
            business_date=DAY,
        ).allowed
        assert call(s, case_id=case_id, at=_at(10), outcome="connected", actor="staff:li").allowed
        assert call(s, case_id=case_id, at=_at(11), outcome="connected", actor="staff:li").allowed
    with unit_of_work(sessions) as s:
        res = call(
            s,
            case_id=case_id,
            at=_at(15),
            outcome="connected",
            agent_id=agent_id,
            actor="agent:zhao",
            business_date=DAY,
        )
        assert not res.allowed and "CN-FREQ-CONNECTED-3" in res.decision.rule_ids
        res = call(s, case_id=case_id, at=_at(16), outcome="connected", actor="staff:li")
        assert not res.allowed and "CN-FREQ-CONNECTED-3" in res.decision.rule_ids
    with unit_of_work(sessions) as s:
        agencies = s.execute(select(ContactAttempt.agency_id).order_by(ContactAttempt.at)).scalars().all()
    assert agencies == [agency_id, None, None]


def test_agent_sees_only_their_queue(
    sessions: sessionmaker[Session], make_book: Callable[..., object]
) -> None:
    a, b = make_book(), make_book(phone="13900139000")
    case_a = _case(sessions, a.loan_id)  # type: ignore[attr-defined]
    case_b = _case(sessions, b.loan_id)  # type: ignore[attr-defined]
    with unit_of_work(sessions) as s:
        x = create_agent(s, user="staff.x", display_name="X", daily_cap=1, actor="ops")
        y = create_agent(s, user="staff.y", display_name="Y", daily_cap=1, actor="ops")
        build_work_queues(s, DAY)
        mine = {
            x.id: [c.id for _, c in agent_queue(s, x.id, DAY)],
            y.id: [c.id for _, c in agent_queue(s, y.id, DAY)],
        }
    assert sorted(mine[x.id] + mine[y.id]) == sorted([case_a, case_b]) and len(mine[x.id]) == 1
    other = mine[y.id][0]
    with unit_of_work(sessions) as s, pytest.raises(NotYourCase):
        call(
            s,
            case_id=other,
            at=_at(10),
            outcome="connected",
            agent_id=x.id,
            actor="staff.x",
            business_date=DAY,
        )


def test_recall_takes_cases_back_and_agency_loses_access(
    sessions: sessionmaker[Session], make_book: Callable[..., object]
) -> None:
    bk = make_book()
    case_id = _case(sessions, bk.loan_id)  # type: ignore[attr-defined]
    with unit_of_work(sessions) as s:
        agency_id, agent_id = _agency_setup(s, case_id)
    with unit_of_work(sessions) as s:
        assert recall_cases(s, agency_id=agency_id, reason="complaint about conduct", actor="ops") == [
            case_id
        ]
    with unit_of_work(sessions) as s, pytest.raises(NotYourCase):
        call(
            s,
            case_id=case_id,
            at=_at(10),
            outcome="connected",
            agent_id=agent_id,
            actor="agent:zhao",
            business_date=DAY,
        )
