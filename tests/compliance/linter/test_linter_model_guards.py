"""The model blocks only on words no rule excused, and a negated wish does not deny a harm.

Written before the fixes (engine._excused_for_model, engine._negated_en): each case in FALSE_BLOCKS was blocked and
each in FAIL_OPEN only warned at 91ee86a.
"""

from __future__ import annotations

import pytest

from faircollect.compliance.linter import lint

# Lawful messages the classifier blocked on words a rule had already read as lawful: a scam warning's quoted words
# (covered by a frame, reported.py), a wish for the reader's safety, papers to the reader's own mailbox.
FALSE_BLOCKS = [
    ("Scammers claim they will post your photo online. Legitimate lenders never do this.", "US"),
    ("出门在外注意安全。", "CN"),
    ("Keep an eye on your mailbox for your statement.", "US"),
]


@pytest.mark.parametrize(("text", "jurisdiction"), FALSE_BLOCKS)
def test_the_model_does_not_block_on_words_a_rule_excused(text: str, jurisdiction: str) -> None:
    r = lint(text, jurisdiction=jurisdiction)
    assert r.verdict != "block", [(f.category, f.excerpt, f.severity) for f in r.findings]


# The model still blocks where what is left without the excused words is a threat: the wish does not launder the
# threat beside it (each blocks at 91ee86a, by the classifier alone).
STILL_BLOCKED = [
    "你家孩子上学的路挺远的，出门在外注意安全。",
    "你女儿每天放学走哪条路我们都清楚，出门在外注意安全。",
]


@pytest.mark.parametrize("text", STILL_BLOCKED)
def test_a_threat_beside_an_excused_formula_still_blocks(text: str) -> None:
    r = lint(text)
    assert r.verdict == "block", [(f.category, f.excerpt, f.severity) for f in r.findings]


# A wish not to do the harm, when the sentence presses on after it ("so call us", "but …", "do you?"), holds the harm
# out: it is no promise not to.
FAIL_OPEN = [
    "Nobody wants to see you arrested, so call us today.",
    "Nobody wants the sheriff knocking on your door, so call us today.",
    "You don't want us to contact your boss, do you?",
    "We do not want to visit your home, but if we cannot reach you we will have to.",
]


@pytest.mark.parametrize("text", FAIL_OPEN)
def test_a_negated_wish_does_not_deny_the_harm(text: str) -> None:
    r = lint(text, jurisdiction="US")
    assert r.verdict == "block", [(f.category, f.excerpt, f.severity) for f in r.findings]


# Denials stay denials, a negated wish among them where nothing presses on after it.
DENIALS = [
    "You will not be arrested over this debt.",
    "Nobody will come to your home.",
    "We will never contact your employer.",
    "We do not want to pass this to our solicitors; please call us to agree a plan.",
    "We don't want you to worry: a missed payment is not a crime.",
    "Nobody wants to be arrested, and you won't be: this is a civil debt.",
    "We do not want to visit your home; please call us instead.",
    "We don't want to contact your employer, and we won't.",
    "We don't want to contact your employer, so we never will.",
]


@pytest.mark.parametrize("text", DENIALS)
def test_denials_are_still_denials(text: str) -> None:
    r = lint(text, jurisdiction="US")
    assert r.verdict != "block", [(f.category, f.excerpt, f.severity) for f in r.findings]


# From the held-back set written after the fixes above (docs/linter.md): a formula must end its sentence to excuse
# anything ("…, and on your kids too" carries the menace on by ellipsis; blocked at 91ee86a, only warned with the
# first form of the formula), a wish put before the negator ("we'd rather not") holds the harm out like one after
# it, and "callers pretending to be us" names the party impersonated, not the sender acting (as 冒充我司 does).
def test_a_formula_carried_on_by_ellipsis_excuses_nothing() -> None:
    text = "Keep an eye on your mailbox for your statement, and on your kids too."
    assert lint(text, jurisdiction="US").verdict == "block"
    assert (
        lint("Watch your mailbox for your updated statement next week.", jurisdiction="US").verdict != "block"
    )


def test_rather_not_is_a_wish_that_holds_the_harm_out() -> None:
    text = "We'd rather not send someone to your house, but you leave us no choice."
    assert lint(text, jurisdiction="US").verdict == "block"
    assert lint("We'd rather not send someone to your house.", jurisdiction="US").verdict != "block"


def test_pretending_to_be_us_names_the_party_impersonated() -> None:
    text = "Beware: callers pretending to be us may threaten to tell your boss. We would never do that."
    assert lint(text, jurisdiction="US").verdict != "block"
    smuggled = "Beware: callers pretending to be us may threaten to tell your boss. We will, tomorrow."
    assert lint(smuggled, jurisdiction="US").verdict == "block"


# From the second held-back set: a short denial of a collection act of the sender's own, with its object, is the
# sender's denial ("We never contact neighbours.", as 我司不会上门催收 is), not the sender acting in the warning.
def test_a_short_denial_with_an_object_is_the_senders_denial() -> None:
    text = "Fake collectors sometimes say they will tell your neighbours about your debt. We never contact neighbours."
    assert lint(text, jurisdiction="US").verdict != "block"
    for smuggled in (
        "Fake collectors sometimes say they will tell your neighbours about your debt. We contact neighbours.",
        "Fake collectors sometimes say they will tell your neighbours about your debt. We never contact them first.",
    ):
        assert lint(smuggled, jurisdiction="US").verdict == "block", smuggled
