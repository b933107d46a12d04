"""QA scoring: the linter and the gate score each sampled contact; per-agent scores follow."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from faircollect.compliance.contact import Channel
from faircollect.compliance.rulebook import load_rulebook
from faircollect.console.qa import QAItem, agent_scores, amounts_in, sample, score_item

CN = load_rulebook("CN")
NOON_SH = datetime(2026, 5, 6, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai
LATE_SH = datetime(2026, 5, 6, 13, 5, tzinfo=UTC)  # 21:05 in Shanghai


def sms(text: str, *, at: datetime = NOON_SH, agent: str = "wang", expected=(123456,)) -> QAItem:
    return QAItem(
        ref=f"outbox:{agent}:{text}:{at.hour}",
        agent=agent,
        jurisdiction="CN",
        channel=Channel.SMS,
        at=at,
        borrower_timezone="Asia/Shanghai",
        currency="CNY",
        text=text,
        expected_amounts_minor=expected,
    )


GOOD = "【示例消费金融】您好，您的借款已逾期，应还金额¥1,234.56，请通过官方App还款。回T退订"


def test_a_good_message_passes_every_check() -> None:
    s = score_item(sms(GOOD), CN)
    assert [c.passed for c in s.checks] == [True, True, True, True]
    assert s.score == Decimal("1.0000")


def test_a_threat_fails_no_pressure_citing_the_rule() -> None:
    s = score_item(sms("【示例消费金融】应还¥1,234.56，再不还钱就上门找你家人"), CN)
    r = s.result("no_pressure")
    assert r.passed is False and r.rule and r.rule.startswith("CN-")


def test_a_wrong_amount_and_a_missing_identity_fail() -> None:
    s = score_item(sms("您的借款已逾期，应还金额2,000元，请尽快还款。回T退订"), CN)
    assert s.result("amount_right").passed is False
    assert s.result("identity_given").passed is False
    assert s.score == Decimal("0.5000")


def test_a_contact_at_2105_borrower_time_fails_right_hours_with_the_gate_rule() -> None:
    r = score_item(sms(GOOD, at=LATE_SH), CN).result("right_hours")
    assert r.passed is False and r.rule == "CN-HOURS-NIFA2018"


def test_a_call_waits_for_the_reviewer_and_is_not_counted_as_passed() -> None:
    call = QAItem("attempt:1", "li", "CN", Channel.CALL, NOON_SH, "Asia/Shanghai", "CNY")
    s = score_item(call, CN)
    assert s.result("identity_given").passed is None and s.score == Decimal("1.0000")  # only hours decided
    reviewed = QAItem(
        "attempt:1",
        "li",
        "CN",
        Channel.CALL,
        NOON_SH,
        "Asia/Shanghai",
        "CNY",
        reviewer={"identity_given": True, "amount_right": True, "no_pressure": False},
    )
    assert score_item(reviewed, CN).score == Decimal("0.7500")


def test_per_agent_scores_and_a_reproducible_sample() -> None:
    items = [
        sms(GOOD, agent="wang"),
        sms("再不还钱就上门找你家人", agent="li"),
        sms(GOOD, at=LATE_SH, agent="li"),
    ]
    scores = {a.agent: a for a in agent_scores(score_item(i, CN) for i in items)}
    assert scores["wang"].score == Decimal("1.0000") and scores["wang"].failed["no_pressure"] == 0
    assert scores["li"].failed == {"identity_given": 1, "amount_right": 1, "no_pressure": 1, "right_hours": 1}
    many = [sms(f"msg {i} ¥1,234.56", agent="wang") for i in range(30)]
    assert sample(many, per_agent=5, seed=3) == sample(list(reversed(many)), per_agent=5, seed=3)
    assert len(sample(many, per_agent=5, seed=3)) == 5


def test_amounts_in_reads_yuan_and_symbols() -> None:
    assert amounts_in("应还¥1,234.56，另有300元", "CNY") == [123456, 30000]
