"""Messages never go out stale: each has a validity (per template kind; by default the day it was planned for, in
the borrower's zone); past it a message is re-rendered with the day's facts or expired; a message the send-time gate
holds only for the hour waits for next_allowed_at and goes out the next morning."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from freezegun import freeze_time
from msg_helpers import ALLOW, new_borrower
from sqlalchemy.orm import Session, sessionmaker

from faircollect.db import unit_of_work
from faircollect.messaging.dispatch import DispatchConfig, dispatch_until_empty
from faircollect.messaging.models import OutboxMessage
from faircollect.messaging.outbox import enqueue
from faircollect.messaging.providers.file import FileSink, read_sink
from faircollect.messaging.validity import valid_until

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")


def _at(day: date, hh: int, mm: int, tz: ZoneInfo = SHANGHAI) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=tz).astimezone(UTC)


def test_a_reminder_is_valid_until_the_end_of_its_day_in_the_borrowers_zone() -> None:
    planned = _at(date(2026, 6, 1), 10, 0)
    assert valid_until("reminder", planned, SHANGHAI) == _at(date(2026, 6, 2), 0, 0)
    planned_ny = _at(date(2026, 6, 1), 10, 0, NEW_YORK)
    assert valid_until("overdue", planned_ny, NEW_YORK) == _at(date(2026, 6, 2), 0, 0, NEW_YORK)
    assert valid_until("lawsuit_notice", planned, SHANGHAI) == planned + timedelta(hours=72)
    assert valid_until("reminder", planned, SHANGHAI, {"reminder": "6h"}) == planned + timedelta(hours=6)
    assert valid_until(None, planned, SHANGHAI) == _at(
        date(2026, 6, 2), 0, 0
    )  # unknown kind: the strict default


def _loan(sessions: sessionmaker[Session]) -> tuple[str, str]:
    """An active 12-month loan from 2026-01-01 (first instalment due 2026-02-01), and the seeded templates."""
    from faircollect.ledger import service
    from faircollect.messaging.seeds import seed_templates

    bid = new_borrower(sessions, phone="13800138000", timezone="Asia/Shanghai")
    with unit_of_work(sessions) as s:
        seed_templates(s)
        loan = service.create_loan(
            s,
            borrower_id=bid,
            terms={
                "principal": "1200.00",
                "annual_rate": "0.12",
                "method": "equal_instalment",
                "term": 12,
                "start_date": "2026-01-01",
            },
            external_ref="LN-7",
            approve=True,
        )
        service.disburse(s, loan_id=loan.id, date=date(2026, 1, 1))
    return bid, loan.id


def _enqueue(
    sessions: sessionmaker[Session], bid: str, loan_id: str | None, planned: datetime, body: str
) -> str:
    with unit_of_work(sessions) as s:
        return enqueue(
            s,
            borrower_id=bid,
            loan_id=loan_id,
            case_id=None,
            channel="sms",
            recipient_role="borrower",
            address="13800138000",
            body=body,
            template_key="overdue",
            planned_for=planned,
            decision=ALLOW,
            actor="test",
            language="zh-CN",
        )


def _msg(sessions: sessionmaker[Session], mid: str) -> OutboxMessage:
    with sessions() as s:
        m = s.get(OutboxMessage, mid)
        assert m is not None
        return m


def test_a_message_held_at_2118_for_the_hour_is_sent_the_next_morning_with_that_days_facts(
    sq: sessionmaker[Session], tmp_path: Path
) -> None:
    bid, loan_id = _loan(sq)
    evening = _at(date(2026, 2, 3), 21, 18)  # 2 days past due; 21:18 in Shanghai
    mid = _enqueue(
        sq, bid, loan_id, evening, "【示例金融】您的借款LN-7已逾期2天，应还101.00元。[[VCODE]]回T退订"
    )
    assert _msg(sq, mid).valid_until == _at(date(2026, 2, 4), 0, 0)
    sink = FileSink(tmp_path / "sent.jsonl")

    with freeze_time(evening):
        stats = dispatch_until_empty(sq, provider=sink, cfg=DispatchConfig(now=evening))
    assert (stats.sent, stats.blocked, stats.deferred) == (0, 0, 1)
    held = _msg(sq, mid)
    morning = _at(date(2026, 2, 4), 8, 0)
    assert held.status == "planned" and held.next_attempt_at == morning  # the gate's next_allowed_at
    assert "CN-HOURS" in (held.last_error or "") and "held until" in (held.last_error or "")

    before = morning - timedelta(minutes=1)
    with freeze_time(before):
        assert dispatch_until_empty(sq, provider=sink, cfg=DispatchConfig(now=before)).claimed == 0
    with freeze_time(morning):
        stats = dispatch_until_empty(sq, provider=sink, cfg=DispatchConfig(now=morning))
    assert (stats.sent, stats.rerendered) == (1, 1)
    sent = _msg(sq, mid)
    assert sent.status == "sent" and sent.sent_at == morning
    # Yesterday's text said 2 days; the one that went out states the day it was sent (3 days past due).
    [line] = read_sink(tmp_path / "sent.jsonl")
    assert "已逾期3天" in line["body"] and "已逾期2天" not in line["body"]
    assert sent.verification_code in line["body"]


def test_a_message_planned_in_june_is_expired_in_december_not_sent(
    sq: sessionmaker[Session], tmp_path: Path
) -> None:
    bid, loan_id = _loan(sq)
    june = _at(date(2026, 6, 1), 10, 0)
    mid = _enqueue(sq, bid, loan_id, june, "【示例金融】您的借款LN-7已逾期121天，应还500.00元。回T退订")
    december = _at(date(2026, 12, 1), 10, 0)
    with freeze_time(december):
        stats = dispatch_until_empty(
            sq, provider=FileSink(tmp_path / "sent.jsonl"), cfg=DispatchConfig(now=december)
        )
    assert (stats.sent, stats.expired) == (0, 1)
    m = _msg(sq, mid)
    assert m.status == "expired" and "expired: valid until 2026-06-01 16:00 UTC" in (m.last_error or "")
    assert read_sink(tmp_path / "sent.jsonl") == []


def test_a_stale_overdue_notice_for_a_loan_repaid_since_is_expired(
    sq: sessionmaker[Session], tmp_path: Path
) -> None:
    from faircollect.ledger import service

    bid, loan_id = _loan(sq)
    day = _at(date(2026, 2, 3), 21, 30)
    mid = _enqueue(sq, bid, loan_id, day, "【示例金融】您的借款LN-7已逾期2天。回T退订")
    with unit_of_work(sq) as s:  # the borrower pays everything overdue that night
        state = service.loan_state(s, loan_id, date(2026, 2, 3))
        service.post_payment(
            s, loan_id=loan_id, key="bank-1", date=date(2026, 2, 3), amount_minor=state.overdue_minor
        )
    sink = FileSink(tmp_path / "sent.jsonl")
    dispatch_until_empty(sq, provider=sink, cfg=DispatchConfig(now=day))  # held for the hour
    morning = _at(date(2026, 2, 4), 8, 0)
    stats = dispatch_until_empty(sq, provider=sink, cfg=DispatchConfig(now=morning))
    assert (stats.sent, stats.expired) == (0, 1) and _msg(sq, mid).status == "expired"


def test_a_message_denied_only_by_the_daily_sms_cap_is_deferred_and_sent_when_the_cap_allows(
    sq: sessionmaker[Session], tmp_path: Path
) -> None:
    """CN-FREQ-NO-BOMBING allows 3 SMS a day per recipient: the 4th is not dropped but deferred to the gate's
    next_allowed_at, gated again then, and sent (re-rendered for that day)."""
    bid, loan_id = _loan(sq)
    morning = _at(date(2026, 2, 3), 10, 0)
    ids = [
        _enqueue(
            sq,
            bid,
            loan_id,
            morning,
            f"【示例金融】您的借款LN-7已逾期2天，应还101.00元（{n}）。[[VCODE]]回T退订",
        )
        for n in range(4)
    ]
    sink = FileSink(tmp_path / "sent.jsonl")
    with freeze_time(morning):
        stats = dispatch_until_empty(sq, provider=sink, cfg=DispatchConfig(now=morning))
    assert (stats.sent, stats.blocked, stats.deferred) == (3, 0, 1)
    [held] = [m for m in (_msg(sq, i) for i in ids) if m.status != "sent"]
    assert held.status == "planned" and "CN-FREQ-NO-BOMBING" in (held.last_error or "")
    assert held.send_rule_ids == ["CN-FREQ-NO-BOMBING"]
    later = held.next_attempt_at
    assert later is not None and later > morning

    before = later - timedelta(minutes=1)
    with freeze_time(before):
        assert dispatch_until_empty(sq, provider=sink, cfg=DispatchConfig(now=before)).claimed == 0
    with freeze_time(later):
        stats = dispatch_until_empty(sq, provider=sink, cfg=DispatchConfig(now=later))
    assert stats.sent == 1 and stats.blocked == 0
    assert _msg(sq, held.id).status == "sent"
    assert len(read_sink(tmp_path / "sent.jsonl")) == 4
