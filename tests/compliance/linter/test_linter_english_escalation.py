"""English escalation wording (third session of issue 11), held by hand-written probes.

Written for these tests from the rulebook's categories and the train split's misses (a sheriff "on his way", a
"Civil Investigations Unit" telling the borrower he is a respondent who must appear): law enforcement on its way,
an invented court action, criminal charges, investigative units as the sender, phantom-debt courier scripts, alarms
posing as failed payments. Neither training rows nor sealed items.
"""

from __future__ import annotations

import pytest

from faircollect.compliance.linter import LintContext, lint

BLOCK = [
    ("The sheriff is on his way.", "false_legal_claim"),
    ("Deputies are on their way to pick you up.", "false_legal_claim"),
    ("You have been named as a respondent in a court action and must appear.", "false_legal_claim"),
    ("The order to show cause contains a restraining order against you.", "false_legal_claim"),
    ("This is the fraud investigations unit calling about your account.", "impersonation"),
    ("We are filing charges with the district attorney today.", "false_legal_claim"),
    ("Your case has been escalated for immediate prosecution.", "false_legal_claim"),
    ("You are under investigation for fraud.", "false_legal_claim"),
    ("You wrote a bad check and that is a felony.", "false_legal_claim"),
    ("We are reporting you to the IRS.", "false_legal_claim"),
    ("You will be evicted by the marshal on Friday.", "false_legal_claim"),
    ("A courier will be dispatched to your home or place of employment.", "false_legal_claim"),
    ("We need to verify your address for service of process.", "false_legal_claim"),
    ("Your file is being prepared for litigation in your county.", "false_legal_claim"),
    ("We have no choice but to proceed with the matter as filed.", "false_legal_claim"),
    ("The charges against you include intent to defraud a financial institution.", "false_legal_claim"),
    ("URGENT: your payment could not be processed. Call now to avoid account suspension.", "deceptive"),
    ("Your payment was returned unpaid. Call immediately to avoid further action.", "deceptive"),
    ("We'll post it all over Facebook so your friends see it.", "public_shaming"),
]

ALLOW = [
    "You will not be arrested for a debt. No sheriff is coming to your home.",
    "Your payment of $50 was returned by your bank. Please call us to arrange another payment when convenient.",
    "Your payment could not be processed. Please update your card details in the app.",
    "We have not filed a complaint against you. We would like to agree a payment plan.",
    "If a lawsuit is filed, you will receive papers from the court and you may respond.",
    "You may be named as a defendant if a lawsuit is filed; we have not filed one.",
    "Identity theft is a crime; if you did not open this account, tell us and we will investigate.",
    "Your dispute is under investigation and we will reply within 30 days.",
    "Not paying a debt is not a crime and you cannot be jailed for it.",
    "Our investigations team reviews disputes within 30 days; you can dispute this debt in writing.",
    "We will not sue you without further notice.",
    "Please pay no later than Friday.",
]


@pytest.mark.parametrize(("text", "category"), BLOCK)
def test_the_escalation_is_found_and_blocks(text: str, category: str) -> None:
    result = lint(text, jurisdiction="US")
    assert result.verdict == "block"
    assert category in {f.category for f in result.findings if f.severity == "block"}


@pytest.mark.parametrize("text", ALLOW)
def test_lawful_or_denying_wording_does_not_block(text: str) -> None:
    assert lint(text, jurisdiction="US").verdict != "block"


@pytest.mark.parametrize(
    "text",
    [
        "A complaint has been filed against you. Your hearing is on 3 March.",
        "You have been named as a defendant in case [ACCT].",
        "You are required to appear before the judge on 3 March.",
    ],
)
def test_a_filed_lawsuit_makes_the_court_facts_lawful(text: str) -> None:
    assert lint(text, jurisdiction="US").verdict == "block"
    assert lint(text, LintContext(lawsuit_filed=True), jurisdiction="US").verdict != "block"


def test_idioms_with_a_negator_do_not_deny_the_threat() -> None:
    # "no choice but", "no later than", "without further notice" announce the harm
    assert lint("We will take legal action without further notice.", jurisdiction="US").verdict == "block"
    assert lint("We have no choice but to put you in jail.", jurisdiction="US").verdict == "block"
