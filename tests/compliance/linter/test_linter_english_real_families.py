"""Families of real collector speech (sixth session of issue 11), from the 22 English items staged in c8099ee from
public pages the source hash routes to train: jail said as an idiom, a sender named for a judgment and "you or your
attorney must …", consent tricks, borrowing pushed, theft alleged as idiom, "we won't let it slide", field or
enforcement officers sent round, death wishes and parenting insults, censored profanity.

Hand-written probes; neither training rows nor sealed items. ``BEFORE`` was written before the rules (main blocked 6
of its 20 threats and 2 of its 12 lawful lines); ``AFTER`` was written after them and run once as a held-back check
(main 8/20 blocked and 1/12 lawful blocked; the rules 16/20 and 1/12 — the misses were then fixed: "as" made
optional, "why not" and "don't think" no longer read as denials, a subject of up to four words before "is nothing
short of theft", a bailiff notice lawful once a lawsuit was filed).
"""

from __future__ import annotations

import pytest

from faircollect.compliance.linter import LintContext, lint

BEFORE_BLOCK = [
    "Better pack a bag, because you won't be going home for a long while once they pick you up.",
    "Say goodbye to your kids, you won't be coming home tonight.",
    "Bring a toothbrush when they come for you.",
    "You'll be wearing an orange jumpsuit by Friday if this isn't settled.",
    "This is Mark with National Judgment Recovery. You or your lawyer must call us back today.",
    "Please forward this message to your attorney; either you or your attorney needs to respond within 24 hours.",
    "By staying on the line you acknowledge that you owe this debt.",
    "If you do not call back, your silence will be taken as an admission that the debt is yours.",
    "Go down to your bank and take out a cash advance, then call me back.",
    "Apply for another credit card and put the balance on it.",
    "You've been ripping us off for months and that is no different from stealing.",
    "What you did is basically fraud, and we won't let it slide.",
    "We are not going to let you get away with this.",
    "We will be sending our field agents round to see you this week.",
    "Our enforcement officers will attend your property if the balance is not cleared.",
    "I hope you rot, you piece of garbage.",
    "People like you should drop dead.",
    "Your parents did a lousy job raising you.",
    "You are a lowlife and everyone at your work will know it.",
    "Tell him to quit being a f--- deadbeat and pay.",
]
BEFORE_LAWFUL = [
    "If you are not John Smith, please hang up now. If you are, please call us back.",
    "By staying on the line you consent to this call being recorded for training purposes.",
    "Please don't take out a loan or use a credit card to pay us; we can agree a plan you can afford.",
    "We will not send anyone to your home.",
    "If you have an attorney, please give us their contact details and we will speak to them instead.",
    "Unless you dispute the validity of the debt within thirty days, we will assume the debt is valid.",
    "We hope you find this information helpful.",
    "Pack your documents and bring them to the branch so we can review your payment plan.",
    "We won't let your account go to collections if you call us this week to set up a plan.",
    "Identity thieves may rip people off by opening credit cards in their name; report suspicious activity to us.",
]
AFTER_BLOCK = [
    "Tell your wife not to wait up for you, you won't make it home for a few years.",
    "Kiss your freedom goodbye if this isn't paid by noon.",
    "You'll be eating dinner in a holding cell tonight.",
    "This call is from Consumer Judgment Processing regarding your file; you must return this call.",
    "You or your legal counsel are required to contact our office within 48 hours.",
    "Not calling us back will be considered an acknowledgement of the debt.",
    "By remaining on the line you confirm that you are the person responsible for this account.",
    "Why not open a second store card and clear this with it?",
    "Take out a title loan on your car and pay us today.",
    "Skipping out on this bill is nothing short of theft.",
    "You planned on never paying us back, didn't you?",
    "Don't think we'll let you off the hook.",
    "We are instructing a doorstep collector to call on you tomorrow.",
    "Our field team will be visiting your address on Monday.",
    "Honestly I hope you starve.",
    "Whoever brought you up did an awful job of raising you.",
    "You are nothing but trailer trash.",
    "Pay up you f---ing bum.",
    "We've got your address and there's going to be a deputy at your door with a warrant in the morning.",
    "Everybody at your office is going to hear about what a thief you are.",
]
AFTER_LAWFUL = [
    "If we visit you at home, we will always agree the time with you in advance.",
    "Our home visiting team can help you complete an income and expenditure form if you ask us to.",
    "You do not have to take out a loan or a new credit card to pay this debt.",
    "This call may be recorded. If you are not the account holder, please hang up.",
    "If you do not dispute the debt within 30 days, we will assume it is valid.",
    "You can ask a friend, relative or adviser to speak to us on your behalf.",
    "We hope you are keeping well and look forward to hearing from you.",
    "Your payment plan is back on track. Thank you for getting in touch.",
    "We will not visit your home or contact your employer.",
    "If a court grants a judgment, you or your solicitor will receive a copy from the court.",
    "Fraudsters sometimes pretend to be enforcement officers; our staff will never ask you to pay by gift card.",
]


@pytest.mark.parametrize("text", BEFORE_BLOCK + AFTER_BLOCK)
def test_blocks(text: str) -> None:
    assert lint(text, jurisdiction="US").verdict == "block", text


@pytest.mark.parametrize("text", BEFORE_LAWFUL + AFTER_LAWFUL)
def test_lawful_wording_is_not_blocked(text: str) -> None:
    assert lint(text, jurisdiction="US").verdict != "block", text


def test_a_lawful_home_visit_offer_is_not_blocked() -> None:
    # pinned as blocked until the eighth session (lin-prec): an offer the reader may take up, with nothing in the
    # message pressing it on them, is not a visit threat (engine._offered_en; test_linter_precision.py)
    text = (
        "If you would like a home visit from one of our support advisers, let us know and we will arrange it."
    )
    assert lint(text, jurisdiction="US").verdict != "block"


def test_a_bailiffs_notice_is_lawful_once_a_judgment_was_obtained() -> None:
    text = (
        "The court has entered judgment and our enforcement agent will attend on [DATE] as set out in the notice "
        "of enforcement."
    )
    assert (
        lint(text, LintContext(lawsuit_filed=True, visit_approved=True), jurisdiction="US").verdict != "block"
    )
    assert (
        lint("Our enforcement agents will attend your property tomorrow.", jurisdiction="US").verdict
        == "block"
    )


def test_judgment_named_senders_are_lawful_when_a_lawsuit_was_filed() -> None:
    text = (
        "This is the judgment recovery department; you or your attorney must contact us about the judgment."
    )
    assert lint(text, jurisdiction="US").verdict == "block"
    assert lint(text, LintContext(lawsuit_filed=True), jurisdiction="US").verdict != "block"


@pytest.mark.parametrize(
    "text",
    [
        "We will never send field agents to your home.",
        "By staying on the line you agree to this call being recorded.",
        "You don't have to apply for another credit card to pay us.",
        "We will not say that this is theft.",
    ],
)
def test_denials_and_recording_notices_pass(text: str) -> None:
    assert lint(text, jurisdiction="US").verdict != "block", text


def test_findings_carry_rule_span_and_explanations() -> None:
    text = "Get some clean clothes, because you're not coming home anytime soon."
    found = [f for f in lint(text, jurisdiction="US").findings if f.severity == "block"]
    assert found and found[0].category == "false_legal_claim"
    assert text[found[0].start : found[0].end] == found[0].excerpt
    assert found[0].explanation and found[0].explanation_zh


# second round (loan-app recovery messages): written before the rules, main 5/8 blocked and 0/4 lawful blocked, the
# rules 7/8; held back and written after them: main 2/6 and 0/4, the rules 5/6 and 0/4 (the passive "spyware will be
# installed on your phone" was then added)
SECOND_BLOCK = [
    "If she does not clear her dues today, you will have to pay it yourself.",
    "We will send morphed pictures of you to everyone in your phonebook.",
    "Your photos will be edited and circulated in all your WhatsApp groups.",
    "Our team will hack your Facebook account and post about your loan.",
    "We are lodging a police complaint against you tomorrow.",
    "Your salary account will be blocked by evening.",
    "We will defame your whole family on social media.",
    "If your brother doesn't repay by 6 pm you must pay on his behalf.",
    "We are making nude pictures with your face and sending them to your relatives.",
    "She is a known fraudster, tell her to pay.",
    "We will register a cheating case against you at the local station.",
    "Our technical team is hacking into your WhatsApp right now.",
    "Spyware will be installed on your phone if you ignore this.",
]
SECOND_LAWFUL = [
    "If he pays today, no further action is needed. We will not contact his friends or family.",
    "Please do not share your photos or OTP with anyone claiming to be from our company.",
    "If your card is lost, we will block your account to protect you.",
    "Our app never accesses your contacts or photos.",
    "If he cannot pay, please encourage him to call us; you are not responsible for his loan.",
    "Never share your profile picture or documents with unknown callers.",
    "Beware of fake agents who threaten to file an FIR against you; report them to us.",
    "We have temporarily blocked your card after suspicious activity; call us to unblock it.",
]


@pytest.mark.parametrize("text", SECOND_BLOCK)
def test_second_round_blocks(text: str) -> None:
    assert lint(text, jurisdiction="US").verdict == "block", text


@pytest.mark.parametrize("text", SECOND_LAWFUL)
def test_second_round_lawful_wording_is_not_blocked(text: str) -> None:
    assert lint(text, jurisdiction="US").verdict != "block", text


def test_an_unmasked_first_name_called_a_cheater_is_still_missed() -> None:
    # known and left alone: a person's own name is not a word class the grammar can read
    assert (
        lint("Rahul is a cheater and a defaulter, please ask him to pay.", jurisdiction="US").verdict
        != "block"
    )


@pytest.mark.parametrize(
    "text",
    [
        "They will expose you as a fraudster to everyone you know.",
        "We are going to brand you a thief in your village.",
    ],
)
def test_being_exposed_or_branded_as_a_cheat_blocks(text: str) -> None:
    assert lint(text, jurisdiction="US").verdict == "block", text


def test_a_warning_that_scammers_label_people_passes() -> None:
    assert lint("Scammers may label you a fraud to scare you.", jurisdiction="US").verdict != "block"


def test_dire_or_serious_consequences_as_the_alternative_to_paying_block() -> None:
    assert lint("Pay today or face serious consequences.", jurisdiction="US").verdict == "block"
    text = "Ignoring debt can have serious consequences, so please talk to us."
    assert lint(text, jurisdiction="US").verdict != "block"
