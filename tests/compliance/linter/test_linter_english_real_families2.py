"""Families of real collector speech (seventh session of issue 11, lin-real), read from the 41 items staged in
5f26c67 and 47b7df7 from public pages the source hash routes to train: violence said outright ("shoot to kill"), a
home foreclosed or the borrower evicted said as definite, fake death notices that damn the borrower ("may his
criminal soul rest in hell"), and invented process served on the reader ("serve you a notice of action", "an
investigation being finalized against you", "will result in further legal action against you").

Hand-written probes; neither training rows nor sealed items. ``BEFORE`` was written after reading the staged items and
before the rules (main at 47b7df7 blocked 16 of its 24 threats and none of its 16 lawful lines). ``AFTER`` was
written after the rules and run once as a held-back check: main 4/12 blocked and 1/8 lawful blocked ("We will shoot
you an email …", an old rule in patterns.py), the rules 9/12 and 1/8. The misses were then fixed — a knife or a stab
aimed at "you" without "to kill", "have you evicted", and "shoot you an email / a text" no longer read as a shooting —
so the later figures are not held out; "Not calling back will lead to …" (a negated gerund as the condition, which
the engine's negation reads as a denial) stays a known miss, pinned below.

Second round, from what ``devcv --with-staged`` still missed: personal details published in a named paper, a veiled
threat at the whole family, the borrower told not to get a lawyer. ``BEFORE2`` was written before those rules (main
10/15 blocked, 0/10 lawful blocked; two more lawful lines written then, "Your photo ID will be checked when you visit
the branch." and "Please talk to your family about a budget if that helps.", are blocked by the model and by an older
third-party expression before and after, and are left out here); ``AFTER2`` after them, run once: main 3/8 and 1/6 lawful blocked, the rules 7/8
and 1/6 ("no point involving a solicitor" was then added). The lawful line both block, "We will publish our new rates
on our website next month.", is an older public-shaming expression's, left to the precision work and not listed here.
"""

from __future__ import annotations

import pytest

from faircollect.compliance.linter import LintContext, lint

BEFORE_BLOCK = [
    "We will shoot you if we don't get the money.",
    "Our boys are going to shoot to kill.",
    "I'm going to put a bullet in your head.",
    "Someone will stab you on your way home.",
    "We will break your legs.",
    "They're going to shoot you on sight.",
    "I will burn your house down.",
    "We are going to blow up your car.",
    "I'll gun you down in the street.",
    "We are going to foreclose on your house.",
    "Your home will be foreclosed next week.",
    "We will repossess your car tonight.",
    "The bank is going to foreclose on your property this Friday.",
    "We will evict you and your kids.",
    "We're taking your house.",
    "Our deepest condolences on the death of [NAME], who left this world owing us money.",
    "RIP [NAME]. May his soul rest in hell for refusing to pay his loan.",
    "Sad news: your colleague [NAME] has died, a thief who never paid his loan.",
    "Obituary: [NAME], a debtor and thief, died today.",
    "This is our final attempt to serve you a notice of action regarding a pending investigation.",
    "An investigation is being finalized against you.",
    "We are attempting to serve you with legal documents at your residence.",
    "A notice of legal action has been issued against you; failure to call back will result in further action.",
    "You are the subject of an investigation being opened against you today.",
]
BEFORE_LAWFUL = [
    "We will break your balance into smaller payments.",
    "Please don't burn bridges with us; call to arrange a plan.",
    "We will not hurt your credit if you set up a plan.",
    "Nobody will harm you; this is a routine reminder.",
    "If you do not cure the default, we may begin foreclosure proceedings as permitted by your mortgage.",
    "We will not foreclose while your hardship application is under review.",
    "Foreclosure prevention counselors can help; call HUD.",
    "Your loan is not in foreclosure.",
    "To avoid foreclosure, you may be eligible for a loan modification.",
    "We are sorry for the loss of your father. Please contact us when you are ready; there is no rush to discuss his "
    "account.",
    "Our condolences on your loss. You are not personally responsible for your late husband's debts unless you "
    "co-signed.",
    "If a borrower has died, the estate may be responsible for the balance.",
    "We are not investigating you; this is a reminder of your balance.",
    "You may request that we investigate a billing error.",
    "Your dispute is under investigation; we will reply within 30 days.",
    "We are required to serve you with this validation notice.",
]
AFTER_BLOCK = [
    "My men will shoot you dead if you keep hiding.",
    "We'll knife you the next time we see you.",
    "Someone is going to put a bullet through your window.",
    "The lender is about to foreclose on the house you live in.",
    "Your property is going to be auctioned.",
    "We will have you evicted by the weekend.",
    "R.I.P. [NAME], the thief who borrowed and vanished.",
    "May you burn in hell for not paying.",
    "Obituary notice: [NAME] died a defaulter.",
    "We are trying to serve you with court papers this week.",
    "A criminal complaint has been registered against you.",
]
AFTER_LAWFUL = [
    "We will shoot you an email with the payment link.",
    "If we cannot agree on a plan, the lender may foreclose on the property after giving you the notices the law "
    "requires.",
    "We will never foreclose on your home without a court order and written notice.",
    "Hell of a week? Call us and we can pause payments.",
    "The death of a family member can make paying bills hard; our bereavement team can help.",
    "We will serve you with a copy of the settlement agreement for signature.",
    "No investigation is being conducted against you; this is a billing reminder.",
    "Failure to pay may result in legal action against you.",
    "I'll shoot you a quick text once your payment posts.",
]
BEFORE2_BLOCK = [
    "Your photo and phone number will be published in the newspaper tomorrow.",
    "We will publish your name and picture in the Daily Sun.",
    "Your details will be posted on our Facebook page for everyone to see.",
    "Your face will be printed in the papers as a debtor.",
    "We will put your picture on the radio and TV news.",
    "Things will get very bad for your whole family.",
    "Your family will suffer for this.",
    "Your whole family will pay for your debt.",
    "This will destroy your family.",
    "Think about what will happen to your family.",
    "Your family won't be safe if you keep ignoring us.",
    "Do not get a lawyer involved or it will get worse.",
    "Don't bother calling an attorney, they can't help you.",
    "You are not allowed to have a lawyer speak for you.",
    "Do not have an attorney call us for you.",
]
BEFORE2_LAWFUL = [
    "We will never publish your personal details anywhere.",
    "Your statement will be published in your online account on the 5th.",
    "Our annual report is published in the newspaper every March.",
    "We know this affects your whole family, and we want to help.",
    "If your family is going through a hard time, ask us about a payment holiday.",
    "Your family is not responsible for this debt.",
    "You have the right to speak to a lawyer or a free debt adviser.",
    "If you have an attorney, please give us their name and we will contact them instead.",
    "You do not need a lawyer to set up a payment plan.",
    "Please ask your attorney to call us.",
]
AFTER2_BLOCK = [
    "We are going to print your name and face in the local paper.",
    "Our team will circulate your photo and address to every church in town.",
    "It is going to get really ugly for your entire household.",
    "Life will become very difficult for you and your kids.",
    "Never hire an attorney over this, it only makes things worse.",
    "No point involving a solicitor, we always win.",
    "Your lawyer cannot save you from this.",
    "You are not allowed to involve any lawyer in this matter.",
]
#: written with the passive form of the publishing family (after devcv --with-staged missed a staged item), not held out
PASSIVE_BLOCK = [
    "Your picture and mobile number will be circulated to all your contacts.",
    "Your photo and number are going to be uploaded online.",
    "Your face will be printed in the local paper.",
]
PASSIVE_LAWFUL = [
    "Your name and address will be printed on the statement.",
    "Your statement will be posted to your home address.",
]
AFTER2_LAWFUL = [
    "Things will get easier for your family once the plan starts.",
    "You may wish to consult a solicitor or a free debt adviser.",
    "We cannot give legal advice; a lawyer can help you understand your options.",
    "We will post your new card to your home address.",
    "It will get hard to keep up with payments if interest keeps adding; call us to freeze it.",
]


@pytest.mark.parametrize("text", BEFORE_BLOCK + AFTER_BLOCK + BEFORE2_BLOCK + AFTER2_BLOCK + PASSIVE_BLOCK)
def test_real_family_blocks(text: str) -> None:
    assert lint(text, LintContext(), jurisdiction="US").verdict == "block", text


@pytest.mark.parametrize(
    "text", BEFORE_LAWFUL + AFTER_LAWFUL + BEFORE2_LAWFUL + AFTER2_LAWFUL + PASSIVE_LAWFUL
)
def test_lawful_line_is_not_blocked(text: str) -> None:
    assert lint(text, LintContext(), jurisdiction="US").verdict != "block", text


@pytest.mark.parametrize(
    "text",
    [
        "We are going to foreclose on your home.",
        "An investigation is being finalized against you.",
        "We are trying to serve you with court papers this week.",
    ],
)
def test_true_process_is_lawful_once_a_suit_is_filed(text: str) -> None:
    """Foreclosure and service are real steps of a filed case: with ``lawsuit_filed`` the words are the truth."""
    assert lint(text, LintContext(lawsuit_filed=True), jurisdiction="US").verdict != "block", text


def test_the_rule_finding_names_its_family() -> None:
    found = lint("May his criminal soul rest in hell.", LintContext(), jurisdiction="US")
    assert any(f.category == "public_shaming" and f.severity == "block" for f in found.findings)
    shot = lint("We will shoot to kill.", LintContext(), jurisdiction="US")
    assert any(f.category == "violence_threat" and "shoot to kill" in f.excerpt for f in shot.findings)


# a strict xfail until the eighth session (lin-prec): a negated gerund is a condition like "if you don't call"
# (engine._CONDITIONAL_AFTER_NEGATION), not a denial
def test_a_negated_gerund_condition_blocks() -> None:
    text = "Not calling back will lead to immediate legal action against you."
    assert lint(text, LintContext(), jurisdiction="US").verdict == "block"
