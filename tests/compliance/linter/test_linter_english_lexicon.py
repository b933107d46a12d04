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
    # a third round: idioms of menace, pending or filed proceedings, liens, a third party told to pass the debt on
    "You better pay if you know what's good for you.",
    "I'm not playing games with you.",
    "We will hunt you down.",
    "This is not a threat, it's a promise.",
    "You have a pending case in our county.",
    "We will put a lien on your house.",
    "Your account has been flagged for fraud.",
    "A civil suit is pending against you.",
    "We are filing a claim against you in county court today.",
    "Tell her she owes us and needs to pay.",
    "We will take everything you have.",
    # written after the third round's rules
    "Pay today if you know what is good for you.",
    "We'll hunt you down wherever you go.",
    "We are not here to play games.",
    "There is a pending lawsuit with your name on it.",
    "Charges are pending against you.",
    "We'll slap a lien on your car.",
    "We filed a complaint against you this morning.",
    "Tell him he owes us $400.",
    "Your file was flagged for criminal review.",
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
    "We promise to treat you fairly.",
    "This is not a game; we want to help you find a plan.",
    "Your payment is pending and will clear in 2 days.",
    "We will not place a lien on your property.",
    "Your dispute is pending review.",
    "You can file a complaint against us with the CFPB.",
    "If you don't respond, we may take further steps allowed by law.",
    "Your settlement offer expires on the 30th.",
]


def test_pending_or_filed_proceedings_are_lawful_when_a_lawsuit_was_filed() -> None:
    from faircollect.compliance.linter import LintContext

    ctx = LintContext(lawsuit_filed=True)
    assert lint("A civil suit is pending against you.", ctx, jurisdiction="US").verdict != "block"
    assert lint("We filed a complaint against you this morning.", ctx, jurisdiction="US").verdict != "block"


@pytest.mark.parametrize("text", BLOCK)
def test_blocks(text: str) -> None:
    assert lint(text, jurisdiction="US").verdict == "block"


@pytest.mark.parametrize("text", LAWFUL)
def test_lawful_wording_is_not_blocked(text: str) -> None:
    r = lint(text, jurisdiction="US")
    assert r.verdict != "block", [(f.category, f.excerpt) for f in r.findings]
