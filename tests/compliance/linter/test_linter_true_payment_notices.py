"""True servicing notices the deceptive rules blocked (2026-12-05, enprec), read from real lawful items collected
this session (staged, see docs/linter.md "Learned classifier", lawful English breadth):

* a building society's text alert, "Your scheduled payment was declined this morning, but if you put money in by
  2:30pm we'll retry the payment.", blocked on the "alarming pseudo payment failure" rule written from the FTC's
  "ALERT ALERT ALERT .. YOUR PAYMENT WAS DECLINED DUE TO AN INSUFFICIENT ACH TRANSACTION…CALL" — a failure with the
  retry said in the same sentence and no alarm in the text (``engine._retried_payment_en``) is a notice;
* a borrower's own letter, "… to arrange clearing the arrears on my account.", blocked on "my account" (the rule is
  for payment into a collector's own account): "my account" now counts only as a destination ("to / into / in / via
  my account") or with its number or details.

Hand-written probes besides the two real lines; each threat is blocked by a rule finding, whatever the model.
"""

from __future__ import annotations

import pytest

from faircollect.compliance.contact import Channel
from faircollect.compliance.linter import LintContext, lint

LAWFUL = [
    "Your scheduled payment was declined this morning, but if you put money in by 2:30pm we'll retry the payment.",
    "Your direct debit payment was declined, so we will retry the payment in three days.",
    "If my finances improve during the 6 month period, I will contact you to arrange clearing the arrears on my account.",
    "I would like to set up a payment plan on my account.",
]

THREATS = [
    "ALERT ALERT ALERT .. YOUR PAYMENT WAS DECLINED DUE TO AN INSUFFICIENT ACH TRANSACTION…CALL [PHONE]",
    "YOUR PAYMENT WAS DECLINED. CALL [PHONE] NOW.",
    "Your payment was declined; we will retry it only if you pay the processing fee.",
    "Your payment was declined. Call immediately or we will retry the payment with a penalty.",
    "Send the money to my account today.",
    "Pay into my account, not the company one.",
    "My account number is [ACCT], pay there today.",
    "Please send the payment to my personal account, not the company one.",
    "Transfer it via my PayPal.",
]


def _rule_categories(text: str) -> set[str]:
    r = lint(text, LintContext(channel=Channel.SMS), jurisdiction="US")
    return {f.category for f in r.findings if f.severity == "block" and "classifier" not in f.explanation}


@pytest.mark.parametrize("text", LAWFUL)
def test_a_true_payment_notice_is_not_deceptive(text: str) -> None:
    r = lint(text, LintContext(channel=Channel.SMS), jurisdiction="US")
    assert r.verdict != "block", [(f.category, f.excerpt) for f in r.findings]
    assert "deceptive" not in _rule_categories(text)


@pytest.mark.parametrize("text", THREATS)
def test_an_alarm_or_a_personal_account_still_blocks_on_a_rule(text: str) -> None:
    assert "deceptive" in _rule_categories(text)
    for jurisdiction in ("US", "UK"):
        assert lint(text, LintContext(channel=Channel.SMS), jurisdiction=jurisdiction).verdict == "block"
