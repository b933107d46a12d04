"""Censored profanity reads as profanity (US-HARASS: obscene or profane language, whoever it is aimed at).

At f44323f "Tell [NAME] to stop being such a f---- b----." passed: the word view drops the dashes and joins the run
of single letters "a f b" into one word. A word whose letters are partly masked by dashes, asterisks or the like is
now read against the profane words (engine._censored_profanity), on the original text; lawful dashes and masks —
hyphenated words, spelled-out letters, masked account numbers and names — are not. Each CENSORED item passed (did
not block) at f44323f; each LAWFUL item did not block then and must not now.
"""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from faircollect.compliance.linter import lint
from faircollect.compliance.linter.engine import _DOT_MASK, _MASK_CHARS, _censored_profanity

CENSORED = [
    "Tell [NAME] to stop being such a f---- b----.",
    "You are a lazy b*tch, pay what you owe.",
    "Stop ignoring us, you piece of sh*t.",
    "Pay the f**king bill.",
    "Your husband is an a**hole and so are you.",
    "We are sick of your s--t excuses.",
    "What the f*** is wrong with you? Pay today.",
    "Tell your son he is a little b-----d for not paying.",
    "Pay up, you d*mn deadweight.",
    "Answer your phone, f.u.c.k.i.n.g coward.",
]

LAWFUL = [
    "Your account ****1234 is overdue; please pay by Friday.",
    "Card ending ****-4321: payment received, thank you.",
    "Please quote reference A-B-C-123 when you pay.",
    "Your statement was re-sent to your e-mail address.",
    "Dear B****, this is a reminder that your payment is due on Friday.",
    "Mr. S*** has agreed to a payment plan with us.",
    "Fill in form F-- ww as attached and return it by post.",
    "Your co-signer's plan starts on 1-Dec; re-pay in 6 instalments.",
    "Account holder: J. F***, balance $120.00, due 05/12.",
    "Reply STOP to opt out. Msg & data rates may apply.",
    "Use code b--2 at checkout to pay online.",
    "Your payment ... has been received.",
]


def _why(text: str) -> list[tuple[str, str, str]]:
    return [(f.category, f.severity, f.excerpt) for f in lint(text, jurisdiction="US").findings]


@pytest.mark.parametrize("text", CENSORED)
def test_censored_profanity_blocks_as_harassment(text: str) -> None:
    r = lint(text, jurisdiction="US")
    assert any(f.rule == "US-HARASS" and f.severity == "block" for f in r.findings), _why(text)


@pytest.mark.parametrize("text", LAWFUL)
def test_lawful_dashes_and_masks_do_not_block(text: str) -> None:
    assert lint(text, jurisdiction="US").verdict != "block", _why(text)


def test_the_span_is_the_censored_word_in_the_original() -> None:
    text = "Tell [NAME] to stop being such a f---- b----."
    spans = {text[f.start : f.end] for f in lint(text, jurisdiction="US").findings if f.rule == "US-HARASS"}
    assert any("f----" in s for s in spans), spans


# Eighth session (lin-prec): masks of dots only were never scanned ("sh..t": the caller's guard looked for * - _ # @ $ %
# only, though the scan reads two or more dots between letters), and a masked name in lower case after a greeting or
# a form's label was read as profanity ("hi b****," blocked). Each DOTS item did not block at 8502d1b; each
# LOWER_CASE_NAMES item blocked then.
DOTS = [
    "Stop ignoring us, you piece of sh..t.",
    "What the f..k is wrong with you? Pay today.",
    "Your wife is a b...h and so are you.",
]
LOWER_CASE_NAMES = [
    "hi b****, your payment is due on Friday.",
    "hello s***, your plan is set up.",
    "borrower: d***, balance $120.00.",
    "dear b****, this is a reminder that your payment is due on Friday.",
]
OATHS_AFTER_A_GREETING = ["hi, f*** you, pay up.", "Hello b****, f*** you and your excuses."]


@pytest.mark.parametrize("text", DOTS + OATHS_AFTER_A_GREETING)
def test_dot_masks_and_oaths_block(text: str) -> None:
    r = lint(text, jurisdiction="US")
    assert any(f.rule == "US-HARASS" and f.severity == "block" for f in r.findings), _why(text)


@pytest.mark.parametrize("text", LOWER_CASE_NAMES)
def test_a_masked_name_in_lower_case_is_a_name(text: str) -> None:
    assert lint(text, jurisdiction="US").verdict != "block", _why(text)


@given(st.text(alphabet="abfhikstuABFS*-.#_ ,:0", max_size=24))
@example("sh..t")
@example("f..k you")
@example("a.b")
@example("f*ck")
def test_the_callers_guard_never_skips_a_text_the_scan_reads(text: str) -> None:
    """The engine scans for censored words only where ``_MASK_CHARS`` or ``_DOT_MASK`` finds a mark: every text the
    scan finds something in passes that guard (the docstring's "two or more dots" included)."""
    if _censored_profanity(text):
        assert _MASK_CHARS.search(text) or (".." in text and _DOT_MASK.search(text)), text
