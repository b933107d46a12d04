"""Families the specifications had pinned only through the committed model's generic words (ninth session of issue
11, lin-retrain). Retrained on the 145 real items staged in the seventh and eighth sessions, the model no longer
blocked "Don't be surprised if your license gets suspended." (it had, on 'your', 'be', 't'), "Expect a call to your
boss first thing Monday morning.", "Ask your parents to cover it or we'll call them ourselves.", "Your family won't be
safe if you keep ignoring us.", "Scammers claim they will post your photo online. Check Facebook tomorrow." and "If a
bailiff says they will break in, they will. Pay now.", and it blocked lawful lines it had let through by a hair. The
rules (grammar.py, ninth-session block) and lawful formulas (engine.py) now decide them; these probes, written with
the rules, hold each family in both directions: threats the family names, and lawful lines with the same words.

Hand-written probes; neither training rows nor sealed items. They must hold with the committed model and with any
retrained one: none of them is decided by the model alone (``test_no_probe_rests_on_the_model``), except the
two that hold a lawful formula beside a threat.
"""

from __future__ import annotations

import pytest

from faircollect.compliance.linter import LintContext, lint

THREATS = [
    # a licence or permit lost, in a threat's frame
    "Don't be shocked when your driver's license gets revoked.",
    "Your licence will get suspended if this is not paid by Friday.",
    "Pay today, before your business license is revoked.",
    "Your work permit is going to get cancelled.",
    # a call or visit to the employer announced
    "Expect a visit to your workplace on Friday.",
    "Get ready for a call to your employer tomorrow.",
    "A letter to your HR department goes out today.",
    # the family asked to pay, with the sender's contact as the alternative
    "Get your brother to pay it or we will contact him directly.",
    "Tell your mother to settle this or I'll call her.",
    "Have your wife clear the balance or we'll visit her.",
    # the family's safety denied
    "Your kids will not be safe if this stays unpaid.",
    "Your wife isn't safe anymore.",
    "Your children won't stay safe for long.",
    # the reader sent to social media to see what will be posted
    "Check Instagram tonight.",
    "Keep an eye on your Facebook timeline tomorrow.",
    "Watch social media later today.",
    # forced entry announced
    "Our enforcement agents will force entry on Monday.",
    "The men will break down your door tonight.",
    "Bailiffs say they will break in. They will.",
    # a court order on the earnings named, without a suit filed
    "An attachment of earnings order has been made against you.",
]
#: a lawful formula does not launder what stands beside it (the model may be what blocks these)
NOT_LAUNDERED = [
    "We know where to send your statement, and where your kids go to school.",
    "请保护好你家人的安全，不然我们明天上门。",
]
LAWFUL = [
    "If your license has been suspended, you may still qualify for a payment plan.",
    "This debt will not affect your driving licence.",
    "Expect a call from our team on Monday to discuss your plan.",
    "Expect a letter at your home address next week.",
    "Your employer will not be contacted.",
    "You can ask your family for help, or we can set up a payment plan with you.",
    "If your parents want to help, they can call us, or we'll call you back.",
    "Your family is not liable for this debt.",
    "Your family's details are safe with us.",
    "Your children are not safe from scammers online: never share your PIN.",
    "Check our Facebook page tomorrow for our holiday opening hours.",
    "Check your email tomorrow for the statement.",
    "Check your mailbox tomorrow for your new card.",
    "Follow us on Instagram for updates.",
    "Enforcement agents cannot force entry to your home for this debt.",
    "A bailiff will not break in.",
    "Scammers say bailiffs will break in. Ignore them.",
    "We know where to send your letters.",
    "Your account number will be printed on every statement.",
    "金额单位：万元。",
    "如遇可疑来电请立即报警。",
    "请保护好个人信息安全。",
    "请保管好您的银行卡和密码安全。",
]
TRUE_WITH_A_SUIT = [
    "The court has made an attachment of earnings order; your employer will deduct the payments from your wages.",
    "A garnishment order was issued by the court on 3 November.",
]


@pytest.mark.parametrize("text", THREATS + NOT_LAUNDERED)
def test_threat_blocks(text: str) -> None:
    result = lint(text, jurisdiction="US")
    assert result.verdict == "block", [(f.category, f.excerpt) for f in result.findings]


@pytest.mark.parametrize("text", LAWFUL)
def test_lawful_line_does_not_block(text: str) -> None:
    result = lint(text, jurisdiction="CN" if not text.isascii() else "US")
    assert result.verdict != "block", [(f.category, f.excerpt, f.severity) for f in result.findings]


@pytest.mark.parametrize("text", TRUE_WITH_A_SUIT)
def test_a_court_order_is_true_once_a_suit_is_filed(text: str) -> None:
    assert lint(text, LintContext(lawsuit_filed=True), jurisdiction="US").verdict != "block"
    assert lint(text, jurisdiction="US").verdict == "block"


@pytest.mark.parametrize("text", [t for t in THREATS if t.isascii()])
def test_no_probe_rests_on_the_model(text: str) -> None:
    # a rule's finding, not the classifier's: the verdict does not move when the model is retrained
    findings = [f for f in lint(text, jurisdiction="US").findings if f.severity == "block"]
    assert any("classifier" not in f.explanation for f in findings), [
        (f.rule, f.explanation) for f in findings
    ]


@pytest.mark.parametrize("text", ["金额单位：元。", "金额单位：万元。"])
def test_a_unit_of_account_is_no_finding(text: str) -> None:
    assert lint(text).categories.isdisjoint({"workplace_threat"})
