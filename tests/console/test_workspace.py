"""The agent's workspace services: the gate's verdict before an action; a blocked text never reaches the outbox."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from faircollect.collections.models import CollectionCase
from faircollect.compliance.contact import Channel
from faircollect.console import workspace
from faircollect.db import make_engine, session_factory
from faircollect.messaging.models import OutboxMessage

AT_2105_SHANGHAI = datetime(2026, 5, 6, 13, 5, tzinfo=UTC)
AT_1000_SHANGHAI = datetime(2026, 5, 6, 2, 0, tzinfo=UTC)


def _open_case(s) -> CollectionCase:
    cases = s.execute(
        select(CollectionCase).where(CollectionCase.status == "open", CollectionCase.on_hold.is_(False))
    ).scalars()
    return next(iter(cases))


def test_preview_at_2105_borrower_time_names_the_rule_and_the_next_allowed_time(demo_url: str) -> None:
    with session_factory(make_engine(demo_url))() as s:
        case = _open_case(s)
        d = workspace.preview(s, case_id=case.id, channel=Channel.CALL, at=AT_2105_SHANGHAI)
        assert not d.allowed
        assert "CN-HOURS-NIFA2018" in d.rule_ids
        assert d.next_allowed_at == datetime(2026, 5, 7, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai
        v = workspace.verdict_json(d)
        assert v["reasons"][0]["zh"] and v["next_allowed_at"].startswith("2026-05-07T00:00")


def test_a_threatening_message_is_refused_and_never_written_to_the_outbox(demo_url: str) -> None:
    with session_factory(make_engine(demo_url))() as s:
        case = _open_case(s)
        before = len(s.execute(select(OutboxMessage.id)).all())
        sent = workspace.send_message(
            s,
            case_id=case.id,
            channel=Channel.SMS,
            body="再不还钱就上门找你家人",
            at=AT_1000_SHANGHAI,
            actor="user:wang",
        )
        assert sent.outbox_id is None and not sent.decision.allowed
        assert any(r.startswith("CN-PROHIBIT") for r in sent.decision.rule_ids)
        assert len(s.execute(select(OutboxMessage.id)).all()) == before
        good = "【示例消费金融】您好，您的借款已逾期，请通过官方App还款。回T退订"
        ok = workspace.send_message(
            s, case_id=case.id, channel=Channel.SMS, body=good, at=AT_1000_SHANGHAI, actor="user:wang"
        )
        if ok.decision.allowed:
            assert s.get(OutboxMessage, ok.outbox_id).body.startswith(good[:20])  # + the verification code
        else:  # the demo may already have used today's SMS allowance: then the rule says so
            assert all(r.timing_only for r in ok.decision.reasons)
        s.rollback()


def test_case_card_shows_the_lawfully_collectable_amount_and_the_script(demo_url: str) -> None:
    with session_factory(make_engine(demo_url))() as s:
        case = _open_case(s)
        card = workspace.case_card(s, case_id=case.id, as_of=date(2026, 5, 6))
        assert card.collectable_minor + card.excluded_minor == card.overdue_minor
        assert card.script is not None and card.script.jurisdiction == "CN"
