"""Reassurance does not excuse a threat beside it (engine._reassuring).

At f44323f any English reassurance in the judged sentence ("don't worry", "we're here to help", "waiting for your
call", papers to the home address) turned the classifier's block into a warning for the whole sentence — and a short
message is one sentence — so a threat that only the model reads hid behind it. Now the reassuring words are blanked
and the rest is judged again: the block stands (or is reached) where what is left blocks on its own.

Each THREATS item only warned at f44323f; each is a threat no rule reads (the model blocks it without the
reassurance). Each LAWFUL item did not block at f44323f and must not block now.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from faircollect.compliance.linter import lint

THREATS = [
    "Don't worry, your wife will hear from us tonight.",
    "No need to worry, we have people near your house.",
    "Nothing to worry about, we have people near your house.",
    "Happy to help, but pay today or you will be very sorry.",
    "Your statement will be sent to your home address, and we have people near your house.",
    "Rest assured, you will lose everything you own.",
    "When you are ready, your wife will hear from us tonight.",
    "We look forward to hearing from you. We have people near your house.",
    "We're here to help. Pay today or you will be very sorry.",
    "Glad to help. Your wife will hear from us tonight.",
    "We'll be waiting for your call. Until then, your wife will hear from us tonight.",
]

LAWFUL = [
    "Don't worry, we are here to help.",
    "We'll be waiting for your call.",
    "Your next statement will be mailed to your home address.",
    "Rest assured, your payment plan is active.",
    "Call us at your earliest convenience to discuss your balance.",
    "We look forward to speaking with you about your account.",
    "Don't worry if you can't pay it all today, we will work with you.",
    "We are here to help if you are struggling to pay.",
    "Don't worry, we will call you back tomorrow.",
    "Rest assured, we will send you a new statement.",
    "We look forward to your payment this week.",
    "Your receipt will be emailed to your inbox tonight.",
    "We'll be waiting for your reply, and we're happy to help you set up a plan.",
    "No need to worry, we will work with you on a plan you can afford.",
    "Don't worry, your payment will be processed tonight.",
    "We'll be waiting for your call, and your statement will be mailed to your home address.",
]


def _why(text: str) -> list[tuple[str, str, str]]:
    return [(f.category, f.severity, f.excerpt) for f in lint(text, jurisdiction="US").findings]


@pytest.mark.parametrize("text", THREATS)
def test_reassurance_does_not_excuse_a_threat_beside_it(text: str) -> None:
    assert lint(text, jurisdiction="US").verdict == "block", _why(text)


@pytest.mark.parametrize("text", LAWFUL)
def test_reassurance_alone_does_not_block(text: str) -> None:
    assert lint(text, jurisdiction="US").verdict != "block", _why(text)


# were strict xfails until the eighth session (lin-prec): the loss of everything is now a rule's (grammar.py, ruin said
# outright), and the service done on the reader's own account a lawful formula the model's block may not rest on
def test_a_threat_after_a_worry_about_clause_blocks() -> None:
    assert (
        lint(
            "Don't worry about the letter, you will lose everything you own anyway.", jurisdiction="US"
        ).verdict
        == "block"
    )


def test_an_account_update_after_a_reassurance_does_not_block() -> None:
    assert (
        lint("Rest assured, your account will be updated by tonight.", jurisdiction="US").verdict != "block"
    )


_WORDS = [
    "we",
    "ll",
    "be",
    "will",
    "are",
    "re",
    "i",
    "am",
    "always",
    "don",
    "t",
    "do",
    "not",
    "no",
    "need",
    "to",
    "worry",
    "nothing",
    "about",
    "rest",
    "assured",
    "waiting",
    "wait",
    "for",
    "your",
    "call",
    "reply",
    "payment",
    "look",
    "looking",
    "forward",
    "hearing",
    "back",
    "from",
    "you",
    "happy",
    "help",
    "here",
    "at",
    "earliest",
    "convenience",
    "when",
    "ready",
    "letters",
    "statement",
    "copy",
    "has",
    "been",
    "sent",
    "mailed",
    "posted",
    "delivered",
    "e",
    "home",
    "address",
    "inbox",
    "pay",
    "now",
    "police",
    "tonight",
    ",",
    ".",
]


@given(st.lists(st.sampled_from(_WORDS), max_size=14))
@example(["Don't", "worry,", "we'll", "be", "waiting", "for", "your", "call."])
@example(["Your", "statement", "has", "been", "e", "mailed", "to", "your", "home", "address"])
@example(["your", "copy", "will", "be", "delivered", "to", "your", "home", "address"])
def test_the_reassurance_prefilter_never_changes_what_is_found(words: list[str]) -> None:
    # _reassuring skips the large pattern when none of _REASSURING_HINT's words is in the text; with the hint made
    # to match everything the full pattern must find exactly the same spans.
    from faircollect.compliance.linter import engine
    from faircollect.compliance.linter.normalise import normalise

    norm = normalise(" ".join(words))
    found = engine._reassuring(norm)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(engine, "_REASSURING_HINT", re.compile(""))
        assert engine._reassuring(norm) == found
