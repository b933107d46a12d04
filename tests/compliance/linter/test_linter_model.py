"""The statistical second opinion: trained on the train split only, used only when no rule matched."""

from __future__ import annotations

from faircollect.compliance.contact import Channel
from faircollect.compliance.linter import WARN_CATEGORIES, LintContext, engine, lint
from faircollect.compliance.linter.model import BLOCK_SCORE, WARN_SCORE, default_model, training_rows

# Worded so that no rule matches (checked below), but close to threats in the training data.
UNLISTED_THREAT = "今晚不还钱，你就等着瞧吧"


def test_model_trains_on_train_split_only_and_skips_context_rows() -> None:
    rows = training_rows()
    assert rows
    assert all(r["split"] == "train" for r in rows)
    assert all(not r.get("context") for r in rows)
    assert {r["form"] for r in rows} <= {"zh", "en", "obfuscated"}


def test_rules_alone_miss_the_unlisted_threat_and_the_model_catches_it() -> None:
    from faircollect.compliance.linter.normalise import normalise

    rules = engine._prohibited(normalise(UNLISTED_THREAT), LintContext())
    assert rules == []
    verdict = default_model().judge(UNLISTED_THREAT)
    assert verdict is not None and verdict.score >= WARN_SCORE
    result = lint(UNLISTED_THREAT)
    found = [f for f in result.findings if f.category not in WARN_CATEGORIES]
    assert found, result.findings
    f = found[0]
    assert "statistical model" in f.explanation
    assert UNLISTED_THREAT[f.start : f.end] == f.excerpt
    assert f.severity == ("block" if verdict.score >= BLOCK_SCORE else "warn")


def test_model_does_not_run_when_a_rule_matched() -> None:
    result = lint("明天上门，打断你的腿。")
    assert result.verdict == "block"
    assert all("statistical model" not in f.explanation for f in result.findings)


def test_model_never_blocks_when_context_facts_are_set() -> None:
    ctx = LintContext(channel=Channel.CALL, visit_approved=True, lawsuit_filed=True)
    for f in lint(UNLISTED_THREAT, ctx).findings:
        assert f.severity == "warn"


def test_model_span_is_the_worst_sentence() -> None:
    text = "您好，这里是示例金融。" + UNLISTED_THREAT + "。请尽快联系我们。"
    found = [f for f in lint(text).findings if "statistical model" in f.explanation]
    assert found
    assert found[0].excerpt.startswith("今晚不还钱")


def test_model_is_quiet_on_long_lawful_letters() -> None:
    letter = (
        "尊敬的张三先生：您在示例金融的借款本期应还1,250.00元，还款日为6月5日。如您暂时有困难，可以申请分期或延期，"
        "我们会根据您的情况协商方案。逾期信息将按规定报送征信。如对欠款金额有异议，可拨打客服热线400-000-0000核实。"
        "我司不会上门催收，也不会联系您的家人朋友。感谢您的理解与配合。"
        "Dear Alex, your payment of 120.00 pounds is due on 5 June. If you are struggling, free and independent "
        "debt advice is available from MoneyHelper and StepChange. We can offer a payment plan that fits your budget."
    )
    result = lint(letter)
    assert result.verdict != "block"
    assert not [f for f in result.findings if "statistical model" in f.explanation]


def test_single_words_are_too_short_to_judge() -> None:
    for text in ("你", "还", "pay", "欠款", "hello"):
        assert all("statistical model" not in f.explanation for f in lint(text).findings)


def test_lawful_conditionals_are_not_blocked_by_the_model() -> None:
    for text in (
        "If you don't pay today, we will call you again tomorrow.",
        "你要是今天不还，明天我们会再提醒你一次",
        "张三你好，你这个月的钱还没还，方便的话今天处理一下吧",
    ):
        assert lint(text).verdict != "block", text
