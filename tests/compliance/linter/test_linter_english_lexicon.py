"""English lexicons widened from the rulebook's categories (fourth session of issue 11): name-calling, veiled
menace, government agencies and officers as the sender. Hand-written probes; neither training rows nor sealed items.
The second list was written after the rules, as a check on them (it found plural insults and "coming to get you").
"""

from __future__ import annotations

import pytest

from faircollect.compliance.linter import lint

BLOCK = [
    "You should be ashamed of yourself.",
    "You freeloader.",
    "Shut up and listen to me.",
    "You're a joke.",
    "You're too dumb to understand a simple bill.",
    "You don't want to find out what happens next.",
    "Things are going to get very ugly.",
    "We will not stop until you pay.",
    "Consider yourself warned.",
    "We'll be waiting for you.",
    "You have no idea who you're dealing with.",
    "Don't make us come find you.",
    "We know what car you drive.",
    "I'm calling from the Internal Revenue Service.",
    "My badge number is 4471.",
    "This is a call from the state attorney's office.",
    "This is the Legal Processing Department.",
    # written after the rules
    "Honestly you are such a failure.",
    "What a sorry excuse for a parent you are.",
    "You're just plain lazy.",
    "I bet you don't want to see what we do next.",
    "It's about to get real ugly for you.",
    "We won't let this go until every cent is paid.",
    "You're messing with the wrong people.",
    "We know where your wife works.",
    "We've got eyes on you.",
    "Please call the warrants division at once.",
    "I'm contacting you on behalf of the attorney general.",
    "Call the legal processing center before 5pm.",
    "You are a complete embarrassment.",
    "Shut your mouth and pay.",
    "You deadbeats are all the same.",
    "We are coming to get you.",
]

LAWFUL = [
    "There is no shame in asking for help.",
    "We won't stop trying to reach a fair arrangement with you.",
    "Things can get easier with a payment plan.",
    "We'll be waiting for you to get in touch.",
    "Please consider this a friendly reminder.",
    "Don't worry if you can't pay in full.",
    "You are not a failure for falling behind.",
    "Call our collections department on Monday.",
    "Missing payments can make things harder to fix later.",
    "We know this is a difficult time.",
    "We know where to send your statement.",
    "Deputy manager Lee from our branch will call you.",
    "We have your updated address on file.",
    "You're doing the right thing by calling.",
]


@pytest.mark.parametrize("text", BLOCK)
def test_blocks(text: str) -> None:
    assert lint(text, jurisdiction="US").verdict == "block"


@pytest.mark.parametrize("text", LAWFUL)
def test_lawful_wording_is_not_blocked(text: str) -> None:
    r = lint(text, jurisdiction="US")
    assert r.verdict != "block", [(f.category, f.excerpt) for f in r.findings]
