"""Rules written from the rulebook's categories (second session of issue 11), held by hand-written probes.

These texts are neither training rows nor sealed items: they were written for these tests from the categories
(US-HARASS profanity, false legal escalation, threats to the family, harassment promised, assets frozen ...).
"""

from __future__ import annotations

import pytest

from faircollect.compliance.linter import lint

BLOCK = [
    ("You are a piece of shit.", "insult"),
    ("Go to hell and take your excuses with you.", "insult"),
    ("You dumb cow, we know you have the money.", "insult"),
    ("Why don't you just kill yourself?", "violence_threat"),
    ("This is your final warning before we take action against you and your family.", "family_threat"),
    ("Nice house you have. Would be a shame if something happened to it.", "intimidation"),
    ("We don't care what you asked. We'll call you anyway.", "intimidation"),
    ("We are coming for you.", "intimidation"),
    ("You have been served. Pay to avoid court.", "false_legal_claim"),
    ("Your file has been forwarded to our attorney for criminal proceedings.", "false_legal_claim"),
    ("The sheriff will now schedule a meeting with your HR department.", "false_legal_claim"),
    ("We are the federal debt recovery agency.", "impersonation"),
    ("You'll never get another job in this town.", "workplace_threat"),
    ("We will be contacting your references and telling them you owe us.", "third_party_disclosure"),
    ("We will post about your debt on your Facebook wall.", "public_shaming"),
    ("我要你付出代价", "intimidation"),
    ("不处理就冻结你所有银行卡", "false_legal_claim"),
    ("你已经涉嫌恶意透支犯罪", "false_legal_claim"),
    ("你要么还钱，要么等着被抓", "false_legal_claim"),
    ("今天不还每天加收200元罚款", "deceptive"),
    ("给你家送个花圈", "violence_threat"),
    ("3天后我们将向法院起诉你", "false_legal_claim"),
]

ALLOW = [
    "Which day could you pay, and how much? I will note it down for you.",
    "Did you walk your dog today? Your payment is due.",
    "Holy cow, thanks for paying!",
    "We sell pork and beef; the pig farm loan is overdue.",
    "Why don't you call us back to set up a payment plan?",
    "We will not take action against your family.",
    "Our state collections office is open 9 to 5.",
    "We have posted the payment to your account.",
    "尊敬的客户,请您尽快偿还欠款,以免产生更多的利息和罚款。",
    "您的逾期记录将按规定报送人民银行征信系统。",
    "我们不会冻结您的账户，请放心。",
    "We will never post anything about your debt on social media.",
    "您的账户已被冻结，请联系客服。",
    "提醒您：逾期超过90天，银行有权依法起诉。",
]


@pytest.mark.parametrize(("text", "category"), BLOCK)
def test_the_category_is_found_and_blocks(text: str, category: str) -> None:
    result = lint(text, jurisdiction="US" if text.isascii() else "CN")
    assert result.verdict == "block"
    assert category in {f.category for f in result.findings if f.severity == "block"}
    for f in result.findings:
        assert f.excerpt == text[f.start : f.end]


@pytest.mark.parametrize("text", ALLOW)
def test_lawful_or_denying_wording_does_not_block(text: str) -> None:
    assert lint(text, jurisdiction="US" if text.isascii() else "CN").verdict != "block"
